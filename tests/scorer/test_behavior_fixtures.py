"""Every behavior at every level, on small transcripts from six industries in three formats.

A fixture's folder names the behavior and its file name the expected level:
`fixtures/ownership/poor_ecommerce.json` must score `poor` on `ownership`."""

from __future__ import annotations

from pathlib import Path

import pytest

import scorer
from scorer.report import BehaviorResult

FIXTURES = Path(__file__).parent / "fixtures"
ALL = sorted(FIXTURES.glob("*/*"))
EXPECTED = {"good": "good", "average": "average", "poor": "poor", "na": "n/a"}


def expected_level(path: Path) -> str:
    return EXPECTED[path.name.split("_")[0]]


def result_for(path: Path) -> BehaviorResult:
    return scorer.score(scorer.load(path), behaviors=[path.parent.name]).behaviors[path.parent.name]


def test_every_behavior_has_a_fixture_at_every_level() -> None:
    for behavior in scorer.BEHAVIORS:
        levels = {expected_level(p) for p in (FIXTURES / behavior).iterdir()}
        assert levels == {"good", "average", "poor", "n/a"}, behavior
    assert {p.suffix for p in ALL} == {".json", ".txt", ".vtt"}
    industries = {p.stem.split("_", 1)[1] for p in ALL}
    assert industries == {"telecom", "banking", "travel", "saas", "utilities", "ecommerce"}


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_scores_at_its_level(path: Path) -> None:
    result = result_for(path)
    assert result.level == expected_level(path), result.to_dict()
    assert result.coaching
    if result.level == "n/a":
        assert result.applicable is False
        assert result.score is None
        assert result.evidence == ()
    else:
        assert result.applicable is True
        assert result.score is not None and 0 <= result.score <= 100
        assert scorer.level_for(result.score) == result.level
        assert result.evidence, "every applicable verdict points at a quote"


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_evidence_quote_is_an_exact_substring_of_its_turn(path: Path) -> None:
    transcript = scorer.load(path)
    report = scorer.score(transcript)
    for result in report.behaviors.values():
        for item in result.evidence:
            turn = transcript.turns[item.turn]
            assert item.quote and item.quote in turn.text
            assert item.time == turn.start
            assert item.effect in ("+", "-")


def evidence_of(path: str) -> list[tuple[str, str, str]]:
    result = result_for(FIXTURES / path)
    return [(item.marker, item.effect, item.quote) for item in result.evidence]


def test_active_listening_counts_interruptions_from_timing() -> None:
    found = evidence_of("active_listening/poor_saas.vtt")
    assert ("interruption", "-", "Yeah, just clear your cache and log in again.") in found
    assert sum(1 for marker, _, _ in found if marker == "interruption") == 2


def test_active_listening_rewards_clarifying_before_the_fix() -> None:
    found = evidence_of("active_listening/good_telecom.vtt")
    markers = {marker for marker, _, _ in found}
    assert {"clarifying_question", "response_gap"} <= markers
    assert "fix_before_question" not in markers


def test_patience_quotes_as_i_mentioned_in_the_coaching() -> None:
    result = result_for(FIXTURES / "patience_under_repetition/poor_utilities.vtt")
    assert ("repeat_reference", "-", "As I mentioned") in {
        (e.marker, e.effect, e.quote[: len("As I mentioned")]) for e in result.evidence
    }
    assert "As I mentioned" in result.coaching
    assert result.evidence[0].time == 20.0


def test_patience_weighs_the_third_ask_more() -> None:
    found = evidence_of("patience_under_repetition/average_ecommerce.txt")
    assert [m for m, _, _ in found] == ["clipped_repeat_answer", "clipped_repeat_answer"]
    assert [q for _, _, q in found] == ["At the Leeds depot.", "Still at the depot."]


def test_impact_naming_generic_empathy_is_average_and_quoted() -> None:
    result = result_for(FIXTURES / "impact_naming/average_ecommerce.json")
    assert result.score == 50
    assert result.evidence[0].quote == "I understand your frustration."
    assert "I understand your frustration." in result.coaching


def test_deescalation_never_calm_down() -> None:
    result = result_for(FIXTURES / "deescalation/poor_ecommerce.json")
    assert [e.marker for e in result.evidence] == ["told_to_calm_down", "told_to_calm_down"]
    assert result.score == 0
    assert "Never say" in result.coaching


def test_deescalation_pattern_and_pivot() -> None:
    markers = [m for m, _, _ in evidence_of("deescalation/good_banking.vtt")]
    assert markers[:2] == ["pattern_named", "pivot_to_solution"]


def test_tone_calibration_compares_paces() -> None:
    assert ("slowed_down", "+") in {
        (m, e) for m, e, _ in evidence_of("tone_calibration/good_telecom.vtt")
    }
    poor = {(m, e) for m, e, _ in evidence_of("tone_calibration/poor_travel.vtt")}
    assert {("sped_up", "-"), ("defensive", "-")} <= poor


def test_self_regulation_flags_each_kind_of_turn() -> None:
    poor = evidence_of("self_regulation/poor_utilities.json")
    assert ("filler_only", "-", "Um, ok.") in poor
    assert ("disengaged", "-", "Not my department") in poor
    average = evidence_of("self_regulation/average_ecommerce.vtt")
    flagged = [(m, q) for m, _, q in average if m in ("clipped_turn", "filler_only")]
    assert [q for _, q in flagged] == ["No.", "Yes.", "Sure."]
    # Three one-word answers out of four replies: one-line service, cited once more.
    assert ("terse_replies", "-", "No.") in average
    assert {m for m, _, _ in average} <= {"clipped_turn", "filler_only", "terse_replies"}


def test_clarity_points_at_the_term_that_confused_the_customer() -> None:
    result = result_for(FIXTURES / "clarity/poor_telecom.vtt")
    confused = [e for e in result.evidence if e.marker == "customer_confused"]
    assert len(confused) == 1
    assert confused[0].turn == 1  # the agent's turn with the term, not the customer's question
    assert 'The customer had to ask: "What does that mean' in result.coaching


def test_customer_language_cross_sell_is_poor() -> None:
    found = evidence_of("customer_language/poor_telecom.vtt")
    assert [m for m, _, _ in found] == ["no_customer_job", "cross_sell", "cross_sell"]


def test_ownership_mixed_commitments_are_average() -> None:
    result = result_for(FIXTURES / "ownership/average_banking.vtt")
    assert [e.effect for e in result.evidence][0] == "+"
    assert "We'll look into it" in result.coaching


def test_ownership_request_without_commitment_is_poor(tmp_path: Path) -> None:
    path = tmp_path / "call.txt"
    path.write_text(
        "Customer: Can you move my delivery to Saturday?\nAgent: That's a popular day.\n",
        encoding="utf-8",
    )
    result = scorer.score(scorer.load(path), behaviors=["ownership"]).behaviors["ownership"]
    assert result.level == "poor"
    assert result.evidence[0].marker == "request_without_commitment"
    # The verdict is about the agent: it points at the reply that committed to nothing, and
    # the coaching quotes what the customer asked.
    assert (result.evidence[0].turn, result.evidence[0].quote) == (1, "That's a popular day.")
    assert "Can you move my delivery to Saturday?" in result.coaching


def test_forwardable_summary_names_missing_parts() -> None:
    result = result_for(FIXTURES / "forwardable_summary/average_travel.vtt")
    assert result.score == 50
    assert "when, contact" in result.coaching
    good = evidence_of("forwardable_summary/good_telecom.txt")
    parts = [m for m, _, _ in good if m.startswith("summary_")]
    assert parts == [
        "summary_what_happened",
        "summary_what_was_done",
        "summary_when",
        "summary_contact",
    ]


@pytest.mark.parametrize(
    ("close", "level"),
    [
        (
            "Here's a recap you can pass on: the seats were billed twice, I've issued a credit "
            "today, it shows on Monday's invoice, and my direct line is 0161 555 0142.",
            "good",
        ),
        (
            "So, what happened: your train was cancelled. What I've done: booked you on the 9:40. "
            "My reference is 5521 if you need me.",
            "good",
        ),
        ("Alright, you're all set. Anything else?", "poor"),
        ("It's all in the system. Have a nice day.", "poor"),
    ],
)
def test_forwardable_summary_reads_the_close(close: str, level: str) -> None:
    transcript = scorer.Transcript(
        (
            scorer.Turn("customer", "My account was charged for two extra seats."),
            scorer.Turn("agent", "I've removed the two extra seats."),
            scorer.Turn("customer", "Thanks."),
            scorer.Turn("agent", close),
        )
    )
    result = scorer.score(transcript, ["forwardable_summary"]).behaviors["forwardable_summary"]
    assert result.level == level
    for item in result.evidence:
        assert item.turn == 3 and item.quote in close
