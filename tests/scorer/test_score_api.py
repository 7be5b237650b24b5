"""The public API: `score`, behavior selection, levels and the report's JSON shape."""

from __future__ import annotations

from pathlib import Path

import pytest

import scorer
from scorer.transcript import Transcript, Turn

FIXTURES = Path(__file__).parent / "fixtures"
CURRICULUM = (
    "active_listening",
    "patience_under_repetition",
    "impact_naming",
    "deescalation",
    "tone_calibration",
    "self_regulation",
    "clarity",
    "customer_language",
    "ownership",
    "forwardable_summary",
)


def test_behavior_ids_in_curriculum_order() -> None:
    assert scorer.BEHAVIORS == CURRICULUM
    assert scorer.LEVELS == ("good", "average", "poor", "n/a")


@pytest.mark.parametrize(
    ("value", "level"),
    [(0, "poor"), (39, "poor"), (40, "average"), (69, "average"), (70, "good"), (100, "good")],
)
def test_level_boundaries(value: int, level: str) -> None:
    assert scorer.level_for(value) == level
    assert scorer.level_for(None) == "n/a"


def test_report_to_dict_is_the_design_shape() -> None:
    report = scorer.score(scorer.load(FIXTURES / "forwardable_summary/good_telecom.txt"))
    data = report.to_dict()
    assert list(data) == ["scorer_version", "behaviors", "metrics", "judge"]
    assert data["judge"] is None
    assert data["scorer_version"] == scorer.SCORER_VERSION
    assert list(data["behaviors"]) == list(CURRICULUM)
    for result in data["behaviors"].values():
        assert list(result) == [
            "applicable",
            "score",
            "level",
            "evidence",
            "coaching",
            "decided_by",
            "judge_skipped",
        ]
        assert (result["decided_by"], result["judge_skipped"]) == ("markers", None)
        for item in result["evidence"]:
            assert list(item) == ["turn", "time", "quote", "marker", "effect"]
    assert list(data["metrics"]) == [
        "interruptions_per_min",
        "interruption_rate",
        "median_response_gap_s",
        "agent_wpm",
        "customer_wpm",
        "talk_ratio",
        "hedges",
        "open_questions",
        "closed_questions",
    ]


def test_score_accepts_the_json_dict_and_gives_the_same_report() -> None:
    transcript = scorer.load(FIXTURES / "deescalation/good_banking.vtt")
    assert scorer.score(transcript.to_dict()).to_dict() == scorer.score(transcript).to_dict()


def test_behavior_subset_comes_back_in_curriculum_order() -> None:
    transcript = scorer.load(FIXTURES / "ownership/good_utilities.txt")
    report = scorer.score(transcript, behaviors=["ownership", "active_listening", "ownership"])
    assert list(report.behaviors) == ["active_listening", "ownership"]


def test_unknown_behavior_names_the_valid_ids() -> None:
    transcript = Transcript((Turn("customer", "hi"), Turn("agent", "hello")))
    with pytest.raises(ValueError) as info:
        scorer.score(transcript, behaviors=["empathy"])
    message = str(info.value)
    assert "'empathy'" in message
    for behavior in CURRICULUM:
        assert behavior in message


def test_bad_dict_raises_a_transcript_error() -> None:
    with pytest.raises(scorer.TranscriptError, match=r"turns\[0\]\.speaker"):
        scorer.score({"turns": [{"speaker": "robot", "text": "beep"}]})


def test_empty_conversation_is_not_applicable_everywhere() -> None:
    report = scorer.score(Transcript(()))
    assert {r.level for r in report.behaviors.values()} == {"n/a"}
    assert report.metrics.talk_ratio is None


def test_score_is_deterministic() -> None:
    transcript = scorer.load(FIXTURES / "tone_calibration/poor_travel.vtt")
    assert scorer.score(transcript).to_dict() == scorer.score(transcript).to_dict()


def test_judge_verdicts_replace_marker_results_only_for_what_it_judged() -> None:
    transcript = scorer.load(FIXTURES / "ownership/poor_ecommerce.json")
    quote = "We'll look into it."
    verdict = scorer.BehaviorResult(
        True, 35, "poor", (scorer.Evidence(1, None, quote, "judge", "-"),), "Own it."
    )

    def judge(_: Transcript, behaviors: object) -> dict[str, scorer.BehaviorResult]:
        assert behaviors == ("clarity", "ownership")
        return {"ownership": verdict, "forwardable_summary": verdict}

    report = scorer.score(transcript, behaviors=["ownership", "clarity"], judge=judge)
    assert report.behaviors["ownership"] is verdict
    assert report.judged == frozenset({"ownership"})
    assert list(report.behaviors) == ["clarity", "ownership"]


def test_each_summary_part_quotes_its_own_clause() -> None:
    close = (
        "To recap: the fee was charged twice by mistake, I refunded the second one today, "
        "it reaches your account by Friday, and my direct line is 0161 555 0123."
    )
    report = scorer.score(
        {
            "channel": "chat",
            "turns": [
                {"speaker": "customer", "text": "I was charged the monthly fee twice."},
                {"speaker": "agent", "text": close},
                {"speaker": "customer", "text": "Thanks, bye."},
            ],
        },
        behaviors=["forwardable_summary"],
    ).to_dict()
    result = report["behaviors"]["forwardable_summary"]
    quotes = {e["marker"]: e["quote"] for e in result["evidence"]}
    assert result["score"] == 100
    assert quotes["summary_what_was_done"] == "I refunded the second one today"
    assert quotes["summary_when"] == "it reaches your account by Friday"
    assert quotes["summary_contact"] == "and my direct line is 0161 555 0123."
    assert all(q in close for q in quotes.values())
