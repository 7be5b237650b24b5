"""No message lost, nothing stored twice: the practice chat under concurrency and faults, through
the real app on SQLite and PostgreSQL.

- the request's transaction is committed before its response goes out, so a WebSocket opened
  right after the `POST /practice` redirect finds the session;
- a message sent while the customer still owes a reply is stored (after the reply) or refused
  with the reason;
- an LLM stream that sends an invalid chunk or closes mid-reply falls back with the reason, and
  what the agent saw is exactly what is stored;
- two windows ending one conversation at once store one score record; a stale window cannot add
  turns to an ended conversation; an agent turn still waiting for its reply is scored.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from server.app import create_app
from server.models import PracticeSession, ScoreRecord, Turn
from server.services import practice
from tests.web.conftest import Browser
from tests.web.test_practice_ws import RESOLVING, start, turns, until


def count_sessions(engine: Any) -> int:
    with Session(engine) as db:
        return int(db.exec(select(func.count()).select_from(PracticeSession)).one())


# --- commit before the response ------------------------------------------------------------------


def test_the_new_session_is_stored_before_the_redirect_goes_out(app, db) -> None:  # type: ignore[no-untyped-def]
    seen_at_response: list[int] = []

    async def probe(scope: Any, receive: Any, send: Any) -> None:
        async def checked_send(message: dict[str, Any]) -> None:
            start_of_redirect = message["type"] == "http.response.start"
            if start_of_redirect and scope.get("path") == "/practice":
                seen_at_response.append(count_sessions(app.state.engine))
            await send(message)

        await app(scope, receive, checked_send)

    before = count_sessions(app.state.engine)
    with Browser(probe) as agent:
        agent.login("agent1@demo.local")
        session_id = start(agent)
        assert seen_at_response == [before + 1], "committed only after the response was sent"
        with agent.websocket_connect(f"/ws/practice/{session_id}") as ws:
            hello = ws.receive_json()
            assert hello["type"] == "hello" and hello["session"] == session_id


# --- a message while a reply is pending ----------------------------------------------------------


def test_the_form_answers_a_pending_turn_then_stores_the_new_message(login, db) -> None:  # type: ignore[no-untyped-def]
    """The form chat.js falls back to while its socket reconnects: nothing typed is dropped."""
    agent = login("agent1@demo.local")
    session_id = start(agent)
    db.add(Turn(session_id=session_id, index=1, speaker="agent", text=RESOLVING[0]))
    db.commit()
    agent.page(f"/practice/{session_id}")
    response = agent.submit(
        f"/practice/{session_id}/say", {"text": RESOLVING[1]}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/practice/{session_id}#turn-4"
    stored = turns(db, session_id)
    assert [(t.speaker, t.text) for t in stored if t.speaker == "agent"] == [
        ("agent", RESOLVING[0]),
        ("agent", RESOLVING[1]),
    ]
    assert [t.speaker for t in stored] == ["customer", "agent"] * 2 + ["customer"]


def test_the_socket_answers_a_pending_turn_and_keeps_a_message_sent_meanwhile(login, db) -> None:  # type: ignore[no-untyped-def]
    agent = login("agent1@demo.local")
    session_id = start(agent)
    db.add(Turn(session_id=session_id, index=1, speaker="agent", text=RESOLVING[0]))
    db.commit()
    with agent.websocket_connect(f"/ws/practice/{session_id}") as ws:
        ws.receive_json()  # hello, then the pending reply streams
        ws.send_json({"type": "say", "text": RESOLVING[1]})  # typed while the customer answers
        assert until(ws, "turn")[-1]["index"] == 2
        messages = until(ws, "turn")
        assert messages[0] == {"type": "agent", "index": 3, "text": RESOLVING[1]}
        assert messages[-1]["index"] == 4
    assert [t.text for t in turns(db, session_id) if t.speaker == "agent"] == RESOLVING[:2]


def test_a_message_to_an_ended_conversation_is_refused_with_the_reason(login, db) -> None:  # type: ignore[no-untyped-def]
    agent = login("agent1@demo.local")
    session_id = start(agent)
    agent.submit(f"/practice/{session_id}/say", {"text": RESOLVING[0]})
    agent.submit(f"/practice/{session_id}/end")
    page = agent.submit(f"/practice/{session_id}/say", {"text": "One more thing, Dana."})
    assert "Not sent: this conversation has ended" in page.text
    assert "One more thing, Dana." in page.text, "the refused text is given back"
    assert [t.text for t in turns(db, session_id) if t.speaker == "agent"] == [RESOLVING[0]]


# --- two windows ---------------------------------------------------------------------------------


def test_a_stale_window_cannot_add_turns_after_the_conversation_ended(login, db) -> None:  # type: ignore[no-untyped-def]
    agent = login("agent1@demo.local")
    session_id = start(agent)
    socket = f"/ws/practice/{session_id}"
    with agent.websocket_connect(socket) as first, agent.websocket_connect(socket) as stale:
        first.receive_json()
        stale.receive_json()
        first.send_json({"type": "say", "text": RESOLVING[0]})
        until(first, "turn")
        first.send_json({"type": "end"})
        assert first.receive_json()["type"] == "ended"
        stale.send_json({"type": "say", "text": "A line typed in the stale window."})
        error = stale.receive_json()
        assert error["type"] == "error" and "ended in another window" in error["message"]
        assert stale.receive_json() == {
            "type": "ended",
            "outcome": "ended",
            "url": f"/attempts/{session_id}",
        }
    stored = turns(db, session_id)
    assert [t.speaker for t in stored] == ["customer", "agent", "customer"]
    records = db.exec(select(ScoreRecord).where(ScoreRecord.session_id == session_id)).all()
    assert len(records) == 1


def test_two_concurrent_ends_store_one_score_record(app, login, db) -> None:  # type: ignore[no-untyped-def]
    agent = login("agent1@demo.local")
    session_id = start(agent)
    agent.submit(f"/practice/{session_id}/say", {"text": RESOLVING[0]})
    engine = app.state.engine
    lives = []
    for _ in range(2):
        with Session(engine, expire_on_commit=False) as worker:
            stored = worker.get(PracticeSession, session_id)
            assert stored is not None
            lives.append(practice.open_live(worker, stored))
    barrier = threading.Barrier(2)
    results: list[ScoreRecord | None] = []
    errors: list[BaseException] = []

    def end(live: practice.LiveSession) -> None:
        try:
            with Session(engine, expire_on_commit=False) as worker:
                barrier.wait(timeout=10)
                results.append(practice.finish(worker, live))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=end, args=(live,)) for live in lives]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    records = db.exec(select(ScoreRecord).where(ScoreRecord.session_id == session_id)).all()
    assert len(records) == 1
    assert [r.id if r else None for r in results] == [records[0].id] * 2
    assert all(live.ended for live in lives)


def test_the_database_refuses_a_second_record_of_one_scorer_version(app, login, db) -> None:  # type: ignore[no-untyped-def]
    agent = login("agent1@demo.local")
    session_id = start(agent)
    agent.submit(f"/practice/{session_id}/say", {"text": RESOLVING[0]})
    agent.submit(f"/practice/{session_id}/end")
    record = db.exec(select(ScoreRecord).where(ScoreRecord.session_id == session_id)).one()
    db.add(ScoreRecord(session_id=session_id, scorer_version=record.scorer_version, report_json={}))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()
    db.add(ScoreRecord(session_id=session_id, scorer_version="rescored", report_json={}))
    db.commit()  # a rescore by another scorer version is another record


def test_an_agent_turn_still_waiting_for_its_reply_is_scored(login, db) -> None:  # type: ignore[no-untyped-def]
    agent = login("agent1@demo.local")
    session_id = start(agent)
    agent.submit(f"/practice/{session_id}/say", {"text": RESOLVING[0]})
    question = "What happened when you restarted the router on Monday evening?"
    db.add(Turn(session_id=session_id, index=3, speaker="agent", text=question))
    db.commit()
    response = agent.submit(f"/practice/{session_id}/end", follow_redirects=False)
    assert response.headers["location"] == f"/attempts/{session_id}"
    record = db.exec(select(ScoreRecord).where(ScoreRecord.session_id == session_id)).one()
    assert record.report_json["metrics"]["open_questions"] == 1  # type: ignore[index]
    assert question in agent.page(f"/attempts/{session_id}").text


# --- LLM stream faults ---------------------------------------------------------------------------


class FaultyLLM(ThreadingHTTPServer):
    """An OpenAI-compatible endpoint that breaks its stream in the way `mode` says."""

    daemon_threads = True
    words = "Fine. But I have heard that before, so tell me exactly when the technician comes."

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FaultyHandler)
        self.mode = "ok"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class FaultyHandler(BaseHTTPRequestHandler):
    server: FaultyLLM
    protocol_version = "HTTP/1.0"  # the body ends when the connection closes

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        mode = self.server.mode
        pieces = [word + " " for word in self.server.words.split(" ")]
        if mode == "bad-json-first":
            self.wfile.write(b"data: {not json\n\n")
            return
        for i, piece in enumerate(pieces):
            if i == 8 and mode == "bad-json-mid":
                self.wfile.write(b'data: {"choices": [{"delta": {"content": "oops"\n\n')
                return
            if i == 8 and mode == "cut-mid":
                return  # the connection closes: no finish reason, no [DONE]
            last = i == len(pieces) - 1
            chunk = {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": "test-model",
                "choices": [
                    {
                        "index": 0,
                        "delta": {"content": piece},
                        "finish_reason": "stop" if last else None,
                    }
                ],
            }
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")


@pytest.fixture
def llm() -> Iterator[FaultyLLM]:
    server = FaultyLLM()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def llm_app(seeded, llm: FaultyLLM):  # type: ignore[no-untyped-def]
    settings = seeded.model_copy(
        update={"llm_model": "test-model", "llm_base_url": llm.url, "llm_timeout_s": 5.0}
    )
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


def say_and_watch(ws: Any, text: str) -> tuple[str, dict[str, Any]]:
    """Send one line; (the reply as the agent saw it, chunk by chunk; the final `turn`)."""
    ws.send_json({"type": "say", "text": text})
    messages = until(ws, "turn")
    seen = "".join(m["text"] for m in messages if m["type"] == "chunk")
    return seen, messages[-1]


@pytest.mark.parametrize(
    ("mode", "reason", "partial"),
    [
        ("bad-json-first", "invalid chunk", False),
        ("bad-json-mid", "stream cut short: the LLM endpoint sent an invalid chunk", True),
        ("cut-mid", "stream cut short: the LLM endpoint closed the stream", True),
    ],
)
def test_a_broken_llm_stream_falls_back_and_stores_what_was_seen(
    llm_app, llm: FaultyLLM, db, mode: str, reason: str, partial: bool
) -> None:  # type: ignore[no-untyped-def]
    with Browser(llm_app) as agent:
        agent.login("agent1@demo.local")
        session_id = start(agent)
        with agent.websocket_connect(f"/ws/practice/{session_id}") as ws:
            ws.receive_json()
            llm.mode = mode
            seen, turn = say_and_watch(ws, RESOLVING[0])
            stored = turns(db, session_id)[-1]
            assert stored.speaker == "customer" and stored.index == 2
            assert stored.text == seen.strip() == turn["text"], "stored exactly what was seen"
            assert stored.fallback_reason is not None and reason in stored.fallback_reason
            if partial:
                assert llm.words.startswith(seen.strip()) and seen.strip() != llm.words
            llm.mode = "ok"  # the socket stayed open and the next turn uses the LLM again
            seen, turn = say_and_watch(ws, RESOLVING[1])
            assert seen.strip() == turn["text"] == llm.words
        latest = turns(db, session_id)[-1]
        assert latest.text == llm.words and latest.fallback_reason is None
        ended = db.get(PracticeSession, session_id)
        assert ended is not None
        db.refresh(ended)
        assert ended.llm_fallbacks == 1
