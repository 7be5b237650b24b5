"""The LLM voice against a real OpenAI-compatible HTTP server on 127.0.0.1.

The server speaks chat completions with `stream: true` (server-sent events) and records every
request, so the tests can read the system prompt the customer's hidden state produced."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from server.customer import Conversation, LLMVoice
from server.paths import SCENARIOS_DIR
from server.scenario import load_scenario

HOSTILE = load_scenario(SCENARIOS_DIR / "hostile_telecom_outage.yaml")


class ChatServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ChatHandler)
        self.requests: list[dict[str, Any]] = []
        self.mode = "ok"
        self.reply = "Dana Ruiz: Fine. But when exactly is the technician coming?"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class ChatHandler(BaseHTTPRequestHandler):
    server: ChatServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "body": body})
        mode = self.server.mode
        try:
            if mode == "error":
                self._json(500, {"error": {"message": "model overloaded", "type": "server"}})
            elif mode == "slow":
                time.sleep(2.0)
                self._json(200, {})
            elif mode == "empty":
                self._stream([])
            else:
                words = self.server.reply.split(" ")
                self._stream([word + " " for word in words[:-1]] + [words[-1]])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, pieces: list[str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        events = [{"role": "assistant", "content": ""}] + [{"content": p} for p in pieces]
        for i, delta in enumerate(events):
            chunk = {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": "test-model",
                "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
            }
            if i == len(events) - 1:
                chunk["choices"][0]["finish_reason"] = "stop"
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    server = ChatServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


async def run_turns(
    server: ChatServer, lines: list[str], *, timeout: float = 5.0, seed: int = 0
) -> Conversation:
    voice = LLMVoice(
        base_url=server.url, api_key="test-key", model="test-model", timeout=timeout, seed=seed
    )
    conversation = Conversation(HOSTILE, seed=seed, voice=voice)
    conversation.opening()
    try:
        for line in lines:
            chunks = [chunk async for chunk in conversation.areply(line)]
            assert conversation.last_reply is not None
            assert "".join(chunks).strip().rstrip('"') == conversation.last_reply.text
    finally:
        await voice.aclose()
    return conversation


def system_prompt_of(request: dict[str, Any]) -> str:
    messages = request["body"]["messages"]
    assert messages[0]["role"] == "system"
    return str(messages[0]["content"])


async def test_streamed_reply_becomes_the_customer_turn(chat_server: ChatServer) -> None:
    conversation = await run_turns(chat_server, ["Calm down, please."])
    [request] = chat_server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["stream"] is True and request["body"]["model"] == "test-model"
    reply = conversation.states[-1]
    assert reply.customer_said == "Fine. But when exactly is the technician coming?"
    assert reply.fallback is False and reply.reason is None
    roles = [m["role"] for m in request["body"]["messages"]]
    assert roles == ["system", "assistant", "user"]  # customer opening, agent turn


async def test_hidden_state_reaches_the_system_prompt(chat_server: ChatServer) -> None:
    conversation = await run_turns(
        chat_server,
        [
            "Calm down, please.",
            "I'm so sorry — with no internet you can't work from home. How has that affected "
            "your work?",
            "I'll arrange a truck roll.",
        ],
    )
    calm, impact, jargon = (system_prompt_of(r) for r in chat_server.requests)
    lost_client = HOSTILE.customer.withheld[0].fact
    assert "Dana Ruiz" in calm and HOSTILE.customer.goal in calm
    assert f"mood {conversation.states[1].mood:g} out of 10" in calm
    assert "told to calm down" in calm
    assert "never mention scores" in calm.lower()
    assert lost_client not in calm  # withheld until asked
    assert lost_client in impact  # revealed by naming the impact
    assert f"mood {conversation.states[2].mood:g} out of 10" in impact
    assert 'Ask what "truck roll" means' in jargon


async def test_server_error_falls_back_to_the_scripted_voice(chat_server: ChatServer) -> None:
    chat_server.mode = "error"
    conversation = await run_turns(chat_server, ["Calm down, please."], seed=3)
    scripted = Conversation(HOSTILE, seed=3)
    scripted.opening()
    expected = scripted.reply("Calm down, please.").text
    record = conversation.states[-1]
    assert (record.fallback, record.reason) == (True, "HTTP 500 from the LLM endpoint")
    assert record.customer_said == expected
    assert len(conversation.transcript().turns) == 3  # no turn lost


async def test_timeout_falls_back_and_the_next_turn_uses_the_llm(chat_server: ChatServer) -> None:
    chat_server.mode = "slow"
    voice = LLMVoice(base_url=chat_server.url, api_key=None, model="test-model", timeout=0.3)
    conversation = Conversation(HOSTILE, voice=voice)
    conversation.opening()
    try:
        started = time.monotonic()
        slow = [chunk async for chunk in conversation.areply("Let me check.")]
        assert time.monotonic() - started < 1.5
        chat_server.mode = "ok"
        fast = [chunk async for chunk in conversation.areply("I will send a technician.")]
    finally:
        await voice.aclose()
    first, second = conversation.states[1:]
    assert first.fallback and first.reason == "timeout after 0.3s"
    assert "".join(slow).strip() == first.customer_said
    assert not second.fallback
    assert "".join(fast).strip() == second.customer_said
    assert len(conversation.transcript().turns) == 5


async def test_empty_reply_falls_back(chat_server: ChatServer) -> None:
    chat_server.mode = "empty"
    conversation = await run_turns(chat_server, ["Hello."])
    record = conversation.states[-1]
    assert record.fallback and record.reason == "the endpoint returned an empty reply"
    assert record.customer_said


async def test_unreachable_endpoint_falls_back() -> None:
    server = ChatServer()
    url = server.url
    server.server_close()  # nothing listens there any more
    voice = LLMVoice(base_url=url, api_key="k", model="m", timeout=2)
    conversation = Conversation(HOSTILE, voice=voice)
    conversation.opening()
    try:
        [chunk async for chunk in conversation.areply("Hello.")]
    finally:
        await voice.aclose()
    assert conversation.states[-1].reason == "cannot connect to the LLM endpoint"
