"""The judge end to end: the real `openai` client talking to a small chat-completions server on
127.0.0.1 that can misbehave on purpose: refuse a reply format with HTTP 500 or 400 (as
llama-cpp-python's server refuses `json_schema`), answer with prose or broken JSON, cite quotes
that are not in the transcript, answer too slowly, or refuse the key. The judge negotiates the
format, keeps only verified verdicts, and every behavior it does not decide says why; the
scorer falls back to the markers for those."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

import scorer
from scorer.judge import VERDICT_SCHEMA, FormatMemory, LLMJudge, judge
from tests.scorer.fake_chat import (
    NOT_A_VERDICT,
    ChatCompletions,
    Script,
    reply_format,
    serve,
)
from tests.scorer.fake_chat import OWNERSHIP_POOR as OWNERSHIP

FIXTURES = Path(__file__).parent / "fixtures"
TRANSCRIPT = FIXTURES / "ownership/poor_ecommerce.json"

INVENTED_QUOTE = (
    '{"applicable": true, "level": "good", "score": 90, "evidence": '
    '[{"turn": 1, "quote": "Let me explain the refund policy", "effect": "+"}], '
    '"coaching": "Great."}'
)
BROKEN_JSON = '{"applicable": true, "level": "average", "score": 5'
NOT_APPLICABLE = '{"applicable": false, "level": "n/a", "score": null, "evidence": []}'


@pytest.fixture
def endpoint() -> Iterator[str]:
    with serve(Script()) as (url, _):
        yield url


@pytest.fixture
def client(endpoint: str) -> Iterator[openai.OpenAI]:
    api = openai.OpenAI(base_url=endpoint, api_key="x", max_retries=0, timeout=5)
    try:
        yield api
    finally:
        api.close()


def formats_sent() -> list[str]:
    return [reply_format(r["body"]) for r in ChatCompletions.script.requests]


def test_keeps_only_verified_verdicts_and_says_why_for_the_rest(client: openai.OpenAI) -> None:
    ChatCompletions.script.replies = {
        "ownership": OWNERSHIP,
        "clarity": INVENTED_QUOTE,
        "impact_naming": NOT_A_VERDICT,
        "deescalation": BROKEN_JSON,
        "self_regulation": NOT_APPLICABLE,
    }
    transcript = scorer.load(TRANSCRIPT)
    wanted = ["impact_naming", "deescalation", "self_regulation", "clarity", "ownership"]
    results = judge(transcript, wanted, client, "tiny", memory=FormatMemory())
    assert list(results) == wanted
    ownership = results["ownership"]
    assert isinstance(ownership, scorer.BehaviorResult)
    assert (ownership.level, ownership.score) == ("poor", 20)
    assert [(e.turn, e.quote, e.effect) for e in ownership.evidence] == [
        (1, "We'll look into it.", "-")
    ]
    assert results["clarity"] == (
        "judge verdict rejected (json_schema reply): the quote "
        "'Let me explain the refund policy' is not in the transcript"
    )
    assert results["impact_naming"] == (
        "judge verdict rejected (json_schema reply): the reply holds no JSON verdict with a "
        "level: 'I cannot grade this transcript.'"
    )
    assert "holds no JSON verdict" in str(results["deescalation"])
    assert results["self_regulation"] == "the judge answered n/a, which cites no quote to verify"
    sent = ChatCompletions.script.requests
    assert len(sent) == 5 and formats_sent() == ["json_schema"] * 5
    body = sent[0]["body"]
    assert {r["path"] for r in sent} == {"/v1/chat/completions"}
    assert body["model"] == "tiny" and body["temperature"] == 0 and body["max_tokens"] > 0
    assert body["response_format"]["json_schema"]["schema"] == VERDICT_SCHEMA
    assert "good (score 70-100)" in body["messages"][0]["content"]
    assert "[turn 1 | agent] We'll look into it." in body["messages"][1]["content"]


def test_json_schema_refused_with_500_moves_to_json_object_and_is_remembered(
    client: openai.OpenAI,
) -> None:
    script = ChatCompletions.script
    script.refuse = {"json_schema": 500}
    script.replies = {"ownership": OWNERSHIP}
    memory = FormatMemory()
    transcript = scorer.load(TRANSCRIPT)
    first = judge(transcript, ["ownership", "clarity"], client, "tiny", memory=memory)
    assert isinstance(first["ownership"], scorer.BehaviorResult)
    assert first["clarity"] == (
        "judge verdict rejected (json_object reply): the reply holds no JSON verdict with a "
        "level: 'I cannot grade this transcript.'"
    )
    # json_schema once, then json_object (with the schema) for both behaviors.
    assert formats_sent() == ["json_schema", "json_object", "json_object"]
    assert script.requests[1]["body"]["response_format"] == {
        "type": "json_object",
        "schema": VERDICT_SCHEMA,
    }
    script.requests.clear()
    judge(transcript, ["ownership"], client, "tiny", memory=memory)
    assert formats_sent() == ["json_object"]  # the endpoint's format is remembered
    assert LLMJudge(client, "tiny", memory=memory).name == "tiny (json_object)"
    assert LLMJudge(client, "other", memory=memory).name == "other"  # per endpoint and model


def test_plain_instructions_when_both_json_formats_are_refused(client: openai.OpenAI) -> None:
    script = ChatCompletions.script
    script.refuse = {"json_schema": 400, "json_object": 422}
    script.replies = {"ownership": OWNERSHIP}
    results = judge(scorer.load(TRANSCRIPT), ["ownership"], client, "tiny", memory=FormatMemory())
    assert isinstance(results["ownership"], scorer.BehaviorResult)
    assert formats_sent() == ["json_schema", "json_object", "plain"]
    assert "response_format" not in ChatCompletions.script.requests[-1]["body"]


def test_every_format_failing_is_a_reason_not_a_silence(client: openai.OpenAI) -> None:
    ChatCompletions.script.refuse = {"json_schema": 500, "json_object": 500, "plain": 500}
    results = judge(scorer.load(TRANSCRIPT), ["ownership"], client, "tiny", memory=FormatMemory())
    reason = results["ownership"]
    assert isinstance(reason, str)
    assert reason.startswith("the judge request failed: json_schema: HTTP 500")
    assert "json_object: HTTP 500" in reason and "plain: HTTP 500" in reason
    assert "every reply format failed" in reason


def test_a_timeout_stops_asking_and_says_so(endpoint: str) -> None:
    ChatCompletions.script.delay_s = 1.0
    slow = openai.OpenAI(base_url=endpoint, api_key="x", max_retries=0, timeout=0.3)
    try:
        results = judge(
            scorer.load(TRANSCRIPT),
            ["clarity", "ownership", "impact_naming"],
            slow,
            "tiny",
            memory=FormatMemory(),
        )
    finally:
        slow.close()
    assert results["clarity"] == "the judge timed out after 0.3 s"
    assert results["ownership"] == "not asked: the judge timed out after 0.3 s"
    assert results["impact_naming"] == "not asked: the judge timed out after 0.3 s"
    assert len(ChatCompletions.script.requests) == 1


def test_a_refused_key_stops_asking_and_names_the_settings(client: openai.OpenAI) -> None:
    ChatCompletions.script.status = 401
    results = judge(
        scorer.load(TRANSCRIPT), ["clarity", "ownership"], client, "tiny", memory=FormatMemory()
    )
    assert str(results["clarity"]).startswith("the judge endpoint refused the API key (HTTP 401")
    assert "SPARRING_LLM_API_KEY" in str(results["clarity"])
    assert str(results["ownership"]).startswith("not asked: the judge endpoint refused")
    assert len(ChatCompletions.script.requests) == 1


def test_no_server_at_all() -> None:
    nowhere = openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key="x", max_retries=0)
    try:
        results = judge(scorer.load(TRANSCRIPT), ["clarity"], nowhere, "tiny")
    finally:
        nowhere.close()
    assert str(results["clarity"]).startswith("could not reach the judge")


def test_the_report_says_which_layer_decided_and_why(client: openai.OpenAI) -> None:
    script = ChatCompletions.script
    script.refuse = {"json_schema": 500}
    script.replies = {"ownership": OWNERSHIP, "clarity": INVENTED_QUOTE}
    memory = FormatMemory()
    transcript = scorer.load(TRANSCRIPT)
    plain = scorer.score(transcript)
    judged = scorer.score(transcript, judge=LLMJudge(client, "tiny", memory=memory))
    assert judged.judged == frozenset({"ownership"})
    assert judged.judge == "tiny (json_object)"
    for name in scorer.BEHAVIORS:
        if name != "ownership":
            assert judged.behaviors[name] == plain.behaviors[name]
            assert judged.judge_notes[name]
    data = judged.to_dict()
    assert data["judge"] == "tiny (json_object)"
    assert data["behaviors"]["ownership"]["decided_by"] == "judge"
    assert data["behaviors"]["ownership"]["judge_skipped"] is None
    assert data["behaviors"]["ownership"]["coaching"].startswith("Say: I will refund")
    assert data["behaviors"]["clarity"]["decided_by"] == "markers"
    assert "is not in the transcript" in data["behaviors"]["clarity"]["judge_skipped"]
    assert plain.to_dict()["judge"] is None
    assert plain.to_dict()["behaviors"]["clarity"]["judge_skipped"] is None
    text = scorer.render_text(judged, transcript)
    assert "LLM judge: tiny (json_object)" in text
    assert "ownership" in text and "(judge)" in text
    assert "markers decided; judge skipped: judge verdict rejected" in text
