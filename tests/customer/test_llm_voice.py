"""The LLM voice against a fake OpenAI-compatible HTTP server on 127.0.0.1, for the faults a
real server cannot be made to produce on demand (errors, slow or rambling replies, a missing
model). `test_llm_real_server.py` runs the same voice against llama.cpp's server.

The server speaks chat completions with `stream: true` (server-sent events), lists its models at
GET /v1/models and records every request, so the tests can read the messages the customer's
hidden state produced."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from server.customer import Conversation, LLMVoice
from server.customer.llm import DEFAULT_STOP, parse_stop, verify_model
from server.customer.prompt import CALL_STARTS, NOTES_OPEN
from server.paths import SCENARIOS_DIR
from server.scenario import load_scenario
from server.settings import Settings

HOSTILE = load_scenario(SCENARIOS_DIR / "hostile_telecom_outage.yaml")


class ChatServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ChatHandler)
        self.requests: list[dict[str, Any]] = []
        self.mode = "ok"
        self.reply = "Dana Ruiz: Fine. But when exactly is the technician coming?"
        self.models = ["test-model"]
        self.delay = 0.0
        """Seconds between streamed words (mode `drip`)."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class ChatHandler(BaseHTTPRequestHandler):
    server: ChatServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/v1/models":
            data = [{"id": m, "object": "model", "owned_by": "test"} for m in self.server.models]
            self._json(200, {"object": "list", "data": data})
        else:
            self._json(404, {"error": {"message": "not found"}})

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
            elif mode == "drip":
                words = self.server.reply.split(" ")
                self._stream([word + " " for word in words[:-1]] + [words[-1]], self.server.delay)
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

    def _stream(self, pieces: list[str], delay: float = 0.0) -> None:
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
            if delay:
                time.sleep(delay)
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
    server: ChatServer, lines: list[str], *, timeout: float = 5.0, seed: int = 0, **options: Any
) -> Conversation:
    voice = LLMVoice(
        base_url=server.url,
        api_key="test-key",
        model="test-model",
        timeout=timeout,
        seed=seed,
        **options,
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


def notes_of(request: dict[str, Any]) -> str:
    """The per-turn notes: the end of the last message, the agent's latest turn."""
    last = request["body"]["messages"][-1]
    assert last["role"] == "user" and NOTES_OPEN in last["content"]
    return str(last["content"]).split(NOTES_OPEN, 1)[1]


async def test_streamed_reply_becomes_the_customer_turn(chat_server: ChatServer) -> None:
    conversation = await run_turns(chat_server, ["Calm down, please."])
    [request] = chat_server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["stream"] is True and request["body"]["model"] == "test-model"
    reply = conversation.states[-1]
    assert reply.customer_said == "Fine. But when exactly is the technician coming?"
    assert reply.fallback is False and reply.reason is None
    messages = request["body"]["messages"]
    # roles alternate from a user turn: the call connecting, the opening, the agent's turn
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[1]["content"] == CALL_STARTS
    assert messages[3]["content"].startswith("Calm down, please.\n\n" + NOTES_OPEN)
    assert request["body"]["max_tokens"] == 150
    assert request["body"]["stop"] == list(DEFAULT_STOP)


async def test_the_persona_comes_first_and_stays_the_same_the_state_comes_last(
    chat_server: ChatServer,
) -> None:
    lines = ["Calm down, please.", "I'm sorry. When did it stop?", "I will send an engineer."]
    await run_turns(chat_server, lines)
    requests = chat_server.requests
    personas = {system_prompt_of(r) for r in requests}
    assert len(personas) == 1, "the stable part is the same every turn (prompt cache)"
    [persona] = personas
    assert "mood" not in persona and NOTES_OPEN not in persona
    # each request extends the previous one: only the newest turn and its notes are new
    for before, after in zip(requests, requests[1:], strict=False):
        old, new = before["body"]["messages"], after["body"]["messages"]
        assert new[: len(old) - 1] == old[:-1]
        assert new[len(old) - 1]["content"] == old[-1]["content"].split("\n\n" + NOTES_OPEN)[0]
    roles = [m["role"] for m in requests[-1]["body"]["messages"]]
    assert roles == ["system"] + ["user", "assistant"] * 3 + ["user"]


async def test_fold_system_puts_the_persona_in_the_first_user_turn(
    chat_server: ChatServer,
) -> None:
    await run_turns(chat_server, ["Hello."], fold_system=True, max_tokens=60, stop=["\nAgent:"])
    [request] = chat_server.requests
    messages = request["body"]["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert "You are Dana Ruiz" in messages[0]["content"]
    assert messages[0]["content"].endswith(CALL_STARTS)
    assert (request["body"]["max_tokens"], request["body"]["stop"]) == (60, ["\nAgent:"])


def test_stop_setting_is_parsed() -> None:
    assert parse_stop("") is None and parse_stop("none") == []
    assert parse_stop("\\nAgent:|<end_of_turn>") == ["\nAgent:", "<end_of_turn>"]


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
    persona = system_prompt_of(chat_server.requests[0])
    calm, impact, jargon = (notes_of(r) for r in chat_server.requests)
    lost_client = HOSTILE.customer.withheld[0].fact
    assert "Dana Ruiz" in persona and HOSTILE.customer.goal in persona
    assert "never mention scores" in persona.lower()
    assert lost_client not in persona
    assert f"mood {conversation.states[1].mood:g} out of 10" in calm
    assert "told to calm down" in calm
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
    assert first.fallback and first.reason == "timeout: no words within 0.3s"
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


async def test_the_whole_reply_has_a_deadline_too(chat_server: ChatServer) -> None:
    """Words keep coming, but slowly: the reply is cut at its last complete sentence."""
    chat_server.mode, chat_server.delay = "drip", 0.06
    chat_server.reply = "Fine. I suppose that helps a little, but I want a date. " + "Go on " * 20
    started = time.monotonic()
    conversation = await run_turns(chat_server, ["Let me check."], timeout=1.5)
    assert time.monotonic() - started < 3.0
    record = conversation.states[-1]
    assert not record.fallback
    assert record.customer_said == "Fine. I suppose that helps a little, but I want a date."
    assert record.reason == "stream cut short: the whole reply took over 1.5s"


async def test_a_deadline_before_any_whole_sentence_falls_back(chat_server: ChatServer) -> None:
    chat_server.mode, chat_server.delay = "drip", 0.2
    chat_server.reply = "Well " * 30
    conversation = await run_turns(chat_server, ["Let me check."], timeout=1.0, seed=2)
    record = conversation.states[-1]
    assert record.fallback and record.reason == "timeout: the whole reply took over 1s"
    scripted = Conversation(HOSTILE, seed=2)
    scripted.opening()
    assert record.customer_said == scripted.reply("Let me check.").text


@pytest.mark.parametrize(
    ("reply", "said", "reason"),
    [
        # one caller's turn: a speaker label or a paragraph ends it
        (
            "Dana Ruiz: Fine. When?\nAgent: Tomorrow at nine.\nCustomer: Good.",
            "Fine. When?",
            "stream cut short: cut at the end of the caller's turn (the model went on past it)",
        ),
        (
            "Fine. When is he coming?\n\nI also want to say that I have been waiting all week.",
            "Fine. When is he coming?",
            "stream cut short: cut at the end of the caller's turn (the model went on past it)",
        ),
        # short: at most three sentences
        (
            "One. Two is here. Three now. Four is too many. Five.",
            "One. Two is here. Three now.",
            "stream cut short: too long (over 3 sentences)",
        ),
        # stage directions and wrapping quotes go, the words stay
        ('"*sighs* Fine. When is he coming?"', "Fine. When is he coming?", None),
    ],
)
async def test_the_reply_is_cut_to_one_short_caller_turn(
    chat_server: ChatServer, reply: str, said: str, reason: str | None
) -> None:
    chat_server.reply = reply
    conversation = await run_turns(chat_server, ["Let me check."])
    record = conversation.states[-1]
    assert (record.customer_said, record.reason, record.fallback) == (said, reason, False)


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("As an AI language model, I cannot be upset.", "out of character"),
        ('A reply that fits: "So when will it be fixed?"', "out of character"),  # notes echoed
        (
            "Your problem so far: - Her internet is down (still open; asked about it 2 time(s))",
            "out of character",
        ),
        ("How can I help you today? I see your internet is down.", "agent-side text"),
        ("Thanks, that's all sorted then.", "invented a resolution"),
        ("Fine, bye.", "said goodbye before the agent closed the call"),
    ],
)
async def test_a_reply_that_fails_the_check_falls_back_with_the_reason(
    chat_server: ChatServer, reply: str, reason: str
) -> None:
    chat_server.reply = reply
    conversation = await run_turns(chat_server, ["Let me check."], seed=1)
    record = conversation.states[-1]
    assert record.fallback and record.reason is not None and record.reason.startswith(reason)
    scripted = Conversation(HOSTILE, seed=1)
    scripted.opening()
    assert record.customer_said == scripted.reply("Let me check.").text


async def test_a_goodbye_is_fine_once_the_agent_closes(chat_server: ChatServer) -> None:
    chat_server.reply = "Okay. Thanks for sorting it out. Bye."
    lines = [
        "I will book a technician for tomorrow morning between 8 and 10.",
        "I will put a credit on your bill today for the days without service.",
        "Thanks for calling, Dana. Goodbye.",
    ]
    conversation = await run_turns(chat_server, lines)
    assert [r.fallback for r in conversation.states[1:]] == [False, False, False]
    assert conversation.outcome == "resolved"


async def test_the_startup_check_finds_the_model(chat_server: ChatServer) -> None:
    def settings(model: str, url: str = chat_server.url) -> Settings:
        return Settings(llm_model=model, llm_base_url=url, llm_api_key="k")

    assert await verify_model(Settings(llm_model="")) is None  # no LLM: nothing to check
    assert await verify_model(settings("test-model")) is None
    problem = await verify_model(settings("gemma-9000"))
    assert problem == (
        "SPARRING_LLM_MODEL 'gemma-9000' is not served by the LLM endpoint (it serves: "
        "test-model); set SPARRING_LLM_MODEL to one of those"
    )
    closed = ChatServer()
    url = closed.url
    closed.server_close()
    problem = await verify_model(settings("test-model", url))
    assert problem is not None and problem.startswith(
        "cannot list the models of the LLM endpoint (cannot connect to the LLM endpoint)"
    )


def test_sparring_serve_stops_when_the_model_is_not_served(chat_server: ChatServer) -> None:
    from server.cli.context import CliError
    from server.cli.serve import check_llm_model

    check_llm_model(Settings(llm_model="test-model", llm_base_url=chat_server.url))
    with pytest.raises(CliError, match="SPARRING_LLM_MODEL 'other' is not served"):
        check_llm_model(Settings(llm_model="other", llm_base_url=chat_server.url))


async def test_the_notes_carry_what_the_agent_did_to_the_issue(chat_server: ChatServer) -> None:
    await run_turns(
        chat_server,
        [
            "What's your account number, and when did the internet stop?",
            "I will send an engineer.",
            "I will book a technician for tomorrow morning between 8 and 10.",
            "I will put a credit on your bill today for every day without service.",
            "Thanks for calling, Dana. Goodbye.",
        ],
    )
    asked, promised, resolved, wrap_up, goodbye = (notes_of(r) for r in chat_server.requests)
    outage = HOSTILE.issues[0]
    assert outage.details[0] in asked or outage.details[1] in asked  # the question's answer
    assert "without saying when: ask when" in promised
    assert 'the agent promised: "I will send an engineer."' in resolved  # the state so far
    assert "say so, and wait. Do not say goodbye." in wrap_up
    assert "say goodbye" in goodbye


def test_sparring_practice_stops_when_the_model_is_not_served(chat_server: ChatServer) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "SPARRING_LLM_MODEL": "other", "SPARRING_LLM_BASE_URL": chat_server.url}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "server.cli",
            "practice",
            "hostile_telecom_outage",
            "--voice",
            "llm",
        ],
        env=env,
        input="",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "SPARRING_LLM_MODEL 'other' is not served" in result.stderr
