"""`server.services.judging`: which judge the settings configure, and verdicts asked before a
transaction handed to the scoring inside it (kept only while their quotes still verify)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import scorer
from scorer import BehaviorResult, Evidence, Transcript, Turn
from server.services import judging
from server.services.judging import JUDGE_OFF, NO_JUDGE, PreparedVerdicts
from tests.conftest import make_settings
from tests.scorer.fake_chat import OWNERSHIP_POOR, Script, serve

TRANSCRIPT = Transcript(
    (
        Turn("customer", "I was charged twice.", None, None),
        Turn("agent", "We'll look into it.", None, None),
    )
)
VERDICT = BehaviorResult(
    True, 20, "poor", (Evidence(1, None, "We'll look into it.", "judge", "-"),)
)


def test_the_settings_decide_whether_there_is_a_judge(tmp_path: Path) -> None:
    assert judging.judge_status(make_settings(tmp_path)) == NO_JUDGE
    assert judging.judge_from_settings(make_settings(tmp_path)) is None
    off = make_settings(tmp_path, llm_model="m", llm_judge=False)
    assert judging.judge_status(off) == JUDGE_OFF and judging.judge_from_settings(off) is None
    on = make_settings(
        tmp_path, llm_model="m", llm_base_url="http://127.0.0.1:9/v1", llm_judge_timeout_s=12.5
    )
    judge = judging.judge_from_settings(on)
    assert judging.judge_status(on) is None and judge is not None
    assert judge.model == "m" and judge.client.timeout == 12.5
    assert str(judge.client.base_url) == "http://127.0.0.1:9/v1/"
    assert judging.judge_from_settings(on) is judge  # one client per endpoint and process


def test_prepared_verdicts_for_the_same_transcript() -> None:
    prepared = PreparedVerdicts(TRANSCRIPT.turns, {"ownership": VERDICT, "clarity": "why"}, "m")
    assert prepared(TRANSCRIPT, ["ownership", "clarity", "deescalation"]) == {
        "ownership": VERDICT,
        "clarity": "why",
        "deescalation": "the judge was not asked about this behavior",
    }


def test_prepared_verdicts_after_the_transcript_changed() -> None:
    prepared = PreparedVerdicts(TRANSCRIPT.turns, {"ownership": VERDICT}, "m")
    longer = Transcript((*TRANSCRIPT.turns, Turn("customer", "Fine, bye.", None, None)))
    assert prepared(longer, ["ownership"]) == {"ownership": VERDICT}  # the quote is still there
    edited = Transcript((TRANSCRIPT.turns[0], Turn("agent", "I will refund it.", None, None)))
    reason = prepared(edited, ["ownership"])["ownership"]
    assert reason == (
        "the conversation changed after the judge was asked, and its quote "
        '"We\'ll look into it." is no longer in turn 1'
    )


@pytest.fixture
def restore() -> Iterator[None]:
    yield
    judging.configure(make_settings(Path("/nonexistent")))


def test_prepare_then_take_scores_with_the_prepared_verdicts(tmp_path: Path, restore) -> None:  # type: ignore[no-untyped-def]
    script = Script(replies={"ownership": OWNERSHIP_POOR}, refuse={"json_schema": 500})
    with serve(script) as (url, running):
        judging.configure(make_settings(tmp_path, llm_model="judge-m", llm_base_url=url))
        judging.prepare(7, TRANSCRIPT)
        asked = len(running.requests)
        assert asked >= 10  # every behavior, plus any format the endpoint refused
        report = scorer.score(TRANSCRIPT, judge=judging.take(7))
        assert len(running.requests) == asked  # nothing asked again while scoring
    assert report.decided_by("ownership") == "judge"
    assert report.behaviors["ownership"].score == 20
    assert report.judge is not None and report.judge.startswith("judge-m")
    assert judging.take(7) is judging.configured()  # taken once; then the judge itself
    judging.configure(make_settings(tmp_path))
    judging.prepare(8, TRANSCRIPT)  # no judge: nothing to do
    assert judging.take(8) is None
