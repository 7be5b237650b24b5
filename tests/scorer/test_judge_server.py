"""The judge end to end: the real `openai` client talking to a tiny chat-completions server on
127.0.0.1. The server answers per behavior (named in the system prompt) with canned replies,
messy or wrong on purpose; the scorer keeps what verifies and falls back to markers for the
rest."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import openai
import pytest

import scorer
from scorer.judge import VERDICT_SCHEMA, LLMJudge, judge

FIXTURES = Path(__file__).parent / "fixtures"

REPLIES = {
    "ownership": (
        "Sure! Here is the verdict:\n```json\n"
        '{"applicable": true, "level": "Poor", "score": 20, "evidence": ['
        '{"turn": 1, "quote": "We\'ll look into it.", "effect": "-"},], '
        '"coaching": "Say: I will refund the second laptop by Friday."}\n```'
    ),
    # A quote that is not in the transcript: discarded, markers decide.
    "clarity": (
        '{"applicable": true, "level": "good", "score": 90, "evidence": '
        '[{"turn": 1, "quote": "Let me explain the refund policy", "effect": "+"}], '
        '"coaching": "Great."}'
    ),
    "impact_naming": "I cannot grade this transcript.",
}


class ChatCompletions(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 — http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ChatCompletions.requests.append({"path": self.path, "body": body})
        system = body["messages"][0]["content"]
        behavior = next((b for b in REPLIES if f": {b}." in system), None)
        if behavior is None:
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "no verdict for this behavior"}}')
            return
        payload = {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": REPLIES[behavior]},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


@pytest.fixture
def client() -> Iterator[openai.OpenAI]:
    ChatCompletions.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ChatCompletions)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    api = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="x", max_retries=0)
    try:
        yield api
    finally:
        api.close()
        server.shutdown()
        server.server_close()
        thread.join()


def test_judge_keeps_only_verified_verdicts(client: openai.OpenAI) -> None:
    transcript = scorer.load(FIXTURES / "ownership/poor_ecommerce.json")
    results = judge(
        transcript, ["impact_naming", "clarity", "ownership", "deescalation"], client, "tiny"
    )
    assert list(results) == ["ownership"]
    ownership = results["ownership"]
    assert (ownership.level, ownership.score) == ("poor", 20)
    assert [(e.turn, e.quote, e.effect) for e in ownership.evidence] == [
        (1, "We'll look into it.", "-")
    ]
    sent = ChatCompletions.requests
    assert len(sent) == 4
    assert {r["path"] for r in sent} == {"/v1/chat/completions"}
    body = sent[0]["body"]
    assert body["model"] == "tiny"
    assert body["response_format"]["json_schema"]["schema"] == VERDICT_SCHEMA
    assert "good (score 70-100)" in body["messages"][0]["content"]
    assert "[turn 1 | agent] We'll look into it." in body["messages"][1]["content"]


def test_score_falls_back_to_markers_where_the_judge_fails(client: openai.OpenAI) -> None:
    transcript = scorer.load(FIXTURES / "ownership/poor_ecommerce.json")
    plain = scorer.score(transcript)
    judged = scorer.score(transcript, judge=LLMJudge(client, "tiny"))
    assert judged.judged == frozenset({"ownership"})
    assert judged.behaviors["ownership"].coaching.startswith("Say: I will refund")
    for name in scorer.BEHAVIORS:
        if name != "ownership":
            assert judged.behaviors[name] == plain.behaviors[name]
    text = scorer.render_text(judged, transcript)
    assert "ownership" in text and "(judge)" in text
