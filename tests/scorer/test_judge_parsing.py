"""`parse_verdict` against messy model output: it keeps a verdict only when it is complete and
every quote is found verbatim in the transcript, and fails closed otherwise."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.judge import Verdict, parse_verdict
from scorer.report import level_for
from scorer.transcript import Transcript, Turn

TRANSCRIPT = Transcript(
    (
        Turn("customer", "I was charged twice for my phone bill this month.", 0.0, 4.0),
        Turn("agent", "We'll look into it and someone will get back to you.", 5.0, 9.0),
        Turn("customer", "When?", 10.0, 11.0),
        Turn("agent", "I will refund the second charge by Friday.", 12.0, 15.0),
    )
)
GOOD = (
    '{"applicable": true, "level": "average", "score": 55, "evidence": ['
    '{"turn": 1, "quote": "We\'ll look into it", "effect": "-"}, '
    '{"turn": 3, "quote": "I will refund the second charge by Friday.", "effect": "+"}], '
    '"coaching": "Say I will, not we will."}'
)


def check_average(verdict: Verdict | None) -> None:
    assert verdict is not None
    assert (verdict.level, verdict.score) == ("average", 55)
    assert [(e.turn, e.time, e.quote, e.effect) for e in verdict.evidence] == [
        (1, 5.0, "We'll look into it", "-"),
        (3, 12.0, "I will refund the second charge by Friday.", "+"),
    ]
    assert verdict.coaching == "Say I will, not we will."


@pytest.mark.parametrize(
    "raw",
    [
        GOOD,
        f"```json\n{GOOD}\n```",
        f"```\n{GOOD}\n```\nHope this helps!",
        f"Here is my verdict:\n\n{GOOD}\n\nLet me know if you need more.",
        GOOD.replace('"+"}]', '"+"},]').replace('"coaching"', '"coaching"'),
        GOOD.replace('"average"', '"Average"'),
        GOOD.replace('"average"', '" AVERAGE "'),
        GOOD.replace('"score": 55', '"score": "55"'),
        GOOD.replace('"score": 55', '"score": 55.0'),
        GOOD.replace('"score": 55', '"score": "55/100"'),
        GOOD.replace('"Level"', '"level"').replace('"level"', '"Level"'),
        "{'applicable': True, 'level': 'average', 'score': 55, 'evidence': ["
        "{'turn': 1, 'quote': \"We'll look into it\", 'effect': '-'}, "
        "{'turn': 3, 'quote': 'I will refund the second charge by Friday.', 'effect': '+'}], "
        "'coaching': 'Say I will, not we will.'}",
        GOOD.replace(
            '"quote": "We\'ll look into it"', '"quote": "\\u201cWe\'ll look into it\\u201d"'
        ),
        GOOD.replace('"quote": "We\'ll look into it"', '"quote": "...We\'ll look into it..."'),
        GOOD.replace('{"turn": 1,', '{"turn": 7,'),
        "Thinking... {not json} then " + GOOD,
    ],
)
def test_messy_but_valid_output_is_kept(raw: str) -> None:
    check_average(parse_verdict(raw, TRANSCRIPT))


def test_level_without_score_gets_the_level_anchor() -> None:
    verdict = parse_verdict(GOOD.replace('"score": 55, ', ""), TRANSCRIPT)
    assert verdict is not None and verdict.score == 55
    poor = GOOD.replace('"average", "score": 55', '"poor", "score": null')
    verdict = parse_verdict(poor, TRANSCRIPT)
    assert verdict is not None and (verdict.level, verdict.score) == ("poor", 20)


def test_plain_string_evidence_and_missing_effect() -> None:
    raw = '{"level": "good", "score": 80, "evidence": ["I will refund the second charge"]}'
    verdict = parse_verdict(raw, TRANSCRIPT)
    assert verdict is not None
    assert [(e.turn, e.effect, e.marker) for e in verdict.evidence] == [(3, "+", "judge")]
    assert verdict.to_result().applicable is True


def test_not_applicable_verdict() -> None:
    raw = '{"applicable": false, "level": "N/A", "score": null, "evidence": [], "coaching": ""}'
    verdict = parse_verdict(raw, TRANSCRIPT)
    assert verdict is not None
    result = verdict.to_result()
    assert (result.applicable, result.score, result.level) == (False, None, "n/a")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "I think the agent did fine.",
        "```json\n```",
        "[1, 2, 3]",
        '{"verdict": "good"}',
        GOOD.replace('"average"', '"excellent"'),
        GOOD.replace('"average"', "3"),
        GOOD.replace('"score": 55', '"score": 90'),
        GOOD.replace('"score": 55', '"score": 155'),
        GOOD.replace('"score": 55', '"score": -5'),
        GOOD.replace('"score": 55', '"score": "high"'),
        GOOD.replace('"score": 55', '"score": true'),
        GOOD.replace("We'll look into it", "We will look into it"),
        GOOD.replace("I will refund the second charge by Friday.", "I'll refund you"),
        GOOD.replace('"quote": "We\'ll look into it"', '"quote": "We"'),
        GOOD.replace('"quote": "We\'ll look into it"', '"quote": 42'),
        GOOD.replace('"evidence": [', '"evidence": "lots", "x": ['),
        '{"applicable": true, "level": "good", "score": 85, "evidence": [], "coaching": "x"}',
        '{"applicable": true, "level": "good", "score": 85, "coaching": "no quotes at all"}',
        '{"applicable": false, "level": "good", "score": 85, "evidence": []}',
        '{"applicable": false, "level": "n/a", "score": 50, "evidence": []}',
        GOOD[: len(GOOD) // 2],
    ],
)
def test_invalid_or_unsupported_verdicts_fail_closed(raw: str) -> None:
    assert parse_verdict(raw, TRANSCRIPT) is None


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=400),
        st.builds(
            lambda level, score, quote, junk: (
                f'{junk}{{"level": "{level}", "score": {score}, '
                f'"evidence": [{{"turn": 3, "quote": "{quote}"}}]}}{junk}'
            ),
            st.sampled_from(["good", "Average", "POOR", "n/a", "great", ""]),
            st.integers(min_value=-20, max_value=140),
            st.sampled_from(["I will refund", "We'll look", "nothing like this", "", "é"]),
            st.text(max_size=20),
        ),
    )
)
def test_parse_verdict_never_crashes_and_keeps_only_real_quotes(raw: str) -> None:
    verdict = parse_verdict(raw, TRANSCRIPT)
    if verdict is None:
        return
    assert verdict.level in ("good", "average", "poor", "n/a")
    if verdict.level == "n/a":
        assert verdict.score is None and verdict.evidence == ()
        return
    assert verdict.score is not None and level_for(verdict.score) == verdict.level
    assert verdict.evidence
    for item in verdict.evidence:
        assert item.quote in TRANSCRIPT.turns[item.turn].text
