"""The practice service on its own: any worker continues a session from the database, and the
LLM voice's fallbacks are counted and explained."""

from __future__ import annotations

import asyncio
import socket

from sqlmodel import Session, select

from server import accounts
from server.customer import Conversation
from server.models import PracticeSession, Turn
from server.services import practice
from server.services.practice import scenario_for
from server.settings import Settings

LINES = [
    "Can you tell me a bit more about what happened?",
    "Three days without internet when you work from home means you can't reach your clients.",
    "Which of your devices lose the connection, and at what time of day?",
    "I will book a technician for tomorrow morning between 8 and 10.",
]


def agent(db: Session):  # type: ignore[no-untyped-def]
    user = accounts.get_user_by_email(db, "agent1@demo.local")
    assert user is not None
    return user


def test_each_turn_can_run_on_a_different_worker(app, db) -> None:
    """Loading the session afresh before every turn (as another process would) gives the same
    conversation as one uninterrupted run with the same seed."""
    session = practice.start_practice(db, agent(db), scenario_id="hostile_telecom_outage", seed=11)
    db.commit()
    assert session.id is not None
    for line in LINES:
        with Session(app.state.engine, expire_on_commit=False) as worker:
            stored = worker.get(PracticeSession, session.id)
            assert stored is not None
            live = practice.open_live(worker, stored)
            asyncio.run(practice.say_and_collect(worker, live, line))
    whole = Conversation(scenario_for(db, session), seed=11)
    expected = [whole.opening().text] + [
        text for line in LINES for text in (line, whole.reply(line).text)
    ]
    db.expire_all()
    rows = db.exec(select(Turn).where(Turn.session_id == session.id).order_by(Turn.index)).all()
    assert [row.text for row in rows] == expected
    assert [row.index for row in rows] == list(range(len(expected)))
    agent_rows = [row for row in rows if row.speaker == "agent"]
    assert all(row.markers is not None for row in agent_rows)


def test_llm_fallbacks_are_counted_and_the_reason_stored(db, seeded: Settings) -> None:
    with socket.socket() as sock:  # a port nothing listens on: connection refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = seeded.model_copy(
        update={"llm_model": "customer-model", "llm_base_url": f"http://127.0.0.1:{port}/v1"}
    )
    session = practice.start_practice(db, agent(db), scenario_id="hostile_telecom_outage")
    db.commit()
    live = practice.open_live(db, session, settings)
    try:
        for line in LINES[:2]:
            asyncio.run(practice.say_and_collect(db, live, line))
    finally:
        asyncio.run(live.aclose())
    db.expire_all()
    stored = db.get(PracticeSession, session.id)
    assert stored is not None and stored.llm_fallbacks == 2
    replies = db.exec(
        select(Turn).where(Turn.session_id == session.id, Turn.speaker == "customer")
    ).all()
    assert [r.fallback_reason for r in replies[1:]] == ["cannot connect to the LLM endpoint"] * 2
    assert all(r.text for r in replies)


def test_the_customers_last_line_is_scored_when_the_customer_ends_the_call(db, monkeypatch) -> None:
    """A customer who hangs up ends the session in the same write as their last line: the
    score is taken over the whole conversation, that line included."""
    scored: list[int] = []
    original = practice.score_session

    def spy(db_, session, transcript):  # type: ignore[no-untyped-def]
        scored.append(len(transcript.turns))
        return original(db_, session, transcript)

    monkeypatch.setattr(practice, "score_session", spy)
    session = practice.start_practice(db, agent(db), scenario_id="hostile_telecom_outage", seed=3)
    db.commit()
    live = practice.open_live(db, session)
    for _ in range(8):
        if live.ended:
            break
        asyncio.run(practice.say_and_collect(db, live, "Calm down, there's nothing I can do."))
    assert live.ended, "the hostile customer should have hung up"
    db.expire_all()
    rows = db.exec(select(Turn).where(Turn.session_id == session.id)).all()
    assert max(rows, key=lambda row: row.index).speaker == "customer"
    assert scored == [len(rows)]
