"""The practice chat end to end through the real app: the WebSocket stores every turn as it is
said, streams the customer's reply in chunks, ends and scores; strangers are refused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select
from starlette.websockets import WebSocketDisconnect

from server.models import BehaviorScore, PracticeSession, ScoreRecord, Turn

RESOLVING = [
    "Dana, three days without internet when you work from home means you can't reach your "
    "clients. I'm sorry, that's serious.",
    "Missing a call with your biggest client because of our outage is awful, and I will make "
    "sure it does not happen again.",
    "I will book a technician for tomorrow morning between 8 and 10, and I will call you at "
    "noon to check it's working.",
    "I will credit your account for the whole week today, so you will not pay for days with "
    "no service.",
    "Thank you for your patience, Dana. Goodbye.",  # the customer waits for the agent to close
]
SCENARIO = "hostile_telecom_outage"


def start(browser: Any, scenario_id: str = SCENARIO) -> int:
    browser.page("/agent")
    response = browser.submit("/practice", {"scenario_id": scenario_id}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def until(ws: Any, *kinds: str) -> list[dict[str, Any]]:
    """Messages received up to and including the first one of `kinds`."""
    messages = []
    while True:
        message = ws.receive_json()
        messages.append(message)
        if message["type"] in kinds:
            return messages


def turns(db: Session, session_id: int) -> list[Turn]:
    db.expire_all()
    return list(db.exec(select(Turn).where(Turn.session_id == session_id).order_by(Turn.index)))


def test_chat_stores_each_turn_streams_the_reply_and_scores_at_the_end(login, db) -> None:
    agent = login("agent1@demo.local")
    session_id = start(agent)
    with agent.websocket_connect(f"/ws/practice/{session_id}") as ws:
        hello = ws.receive_json()
        assert hello["type"] == "hello" and hello["status"] == "active"
        assert [t["speaker"] for t in hello["turns"]] == ["customer"]
        assert hello["turns"][0]["text"] == turns(db, session_id)[0].text
        ended: dict[str, Any] | None = None
        chunk_counts: list[int] = []
        for n, line in enumerate(RESOLVING, start=1):
            ws.send_json({"type": "say", "text": line})
            messages = until(ws, "turn")
            assert messages[0] == {"type": "agent", "index": 2 * n - 1, "text": line}
            chunks = [m for m in messages if m["type"] == "chunk"]
            reply = messages[-1]
            chunk_counts.append(len(chunks))
            assert "".join(c["text"] for c in chunks).strip() == reply["text"]
            assert "mood" not in reply, "the agent does not see the customer's hidden mood"
            stored = turns(db, session_id)
            assert [(t.index, t.speaker) for t in stored][-2:] == [
                (2 * n - 1, "agent"),
                (2 * n, "customer"),
            ]
            assert stored[-2].text == line and stored[-1].text == reply["text"]
            assert stored[-1].mood is not None and stored[-1].markers is not None
            if n == len(RESOLVING):
                ended = ws.receive_json()
        assert ended == {"type": "ended", "outcome": "resolved", "url": f"/attempts/{session_id}"}
        assert max(chunk_counts) >= 2, "longer replies arrive in several pieces"

    session = db.get(PracticeSession, session_id)
    assert session is not None and session.status == "ended" and session.outcome == "resolved"
    assert session.ended_at is not None and session.state_json is not None
    record = db.exec(select(ScoreRecord).where(ScoreRecord.session_id == session_id)).one()
    rows = db.exec(select(BehaviorScore).where(BehaviorScore.session_id == session_id)).all()
    assert {row.behavior_id for row in rows} == set(record.report_json["behaviors"])
    assert len(rows) == 10
    impact = next(row for row in rows if row.behavior_id == "impact_naming")
    assert (
        impact.applicable
        and impact.score == record.report_json["behaviors"]["impact_naming"]["score"]
    )
    # the ended session's page now leads to the scorecard
    page = agent.page(f"/practice/{session_id}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"/attempts/{session_id}"


def test_agent_ends_the_conversation_and_it_is_scored(login, db) -> None:
    agent = login("agent1@demo.local")
    session_id = start(agent)
    with agent.websocket_connect(f"/ws/practice/{session_id}") as ws:
        ws.receive_json()
        ws.send_json({"type": "say", "text": RESOLVING[0]})
        until(ws, "turn")
        ws.send_json({"type": "end"})
        assert ws.receive_json() == {
            "type": "ended",
            "outcome": "ended",
            "url": f"/attempts/{session_id}",
        }
    assert len(turns(db, session_id)) == 3
    assert db.exec(select(ScoreRecord).where(ScoreRecord.session_id == session_id)).one()


def test_bad_messages_get_an_error_and_the_socket_stays_open(login, db) -> None:
    agent = login("agent1@demo.local")
    session_id = start(agent)
    with agent.websocket_connect(f"/ws/practice/{session_id}") as ws:
        ws.receive_json()
        ws.send_json({"type": "say", "text": "   "})
        error = ws.receive_json()
        assert error["type"] == "error" and "empty" in error["message"]
        ws.send_json({"type": "say", "text": "x" * 2001})
        error = ws.receive_json()
        assert error["type"] == "error" and "2000" in error["message"]
        ws.send_text("x" * 50_000)
        error = ws.receive_json()
        assert error["type"] == "error" and "too long" in error["message"]
        ws.send_text("hello")
        assert "JSON" in ws.receive_json()["message"]
        ws.send_json({"type": "shout"})
        assert "unknown message" in ws.receive_json()["message"]
        assert len(turns(db, session_id)) == 1, "nothing was stored"
        ws.send_json({"type": "say", "text": RESOLVING[0]})
        assert until(ws, "turn")[-1]["index"] == 2
    assert len(turns(db, session_id)) == 3


def test_reconnecting_resumes_the_conversation(login, db) -> None:
    agent = login("agent1@demo.local")
    session_id = start(agent)
    with agent.websocket_connect(f"/ws/practice/{session_id}") as ws:
        ws.receive_json()
        ws.send_json({"type": "say", "text": RESOLVING[0]})
        first_reply = until(ws, "turn")[-1]
    with agent.websocket_connect(f"/ws/practice/{session_id}") as ws:
        hello = ws.receive_json()
        assert [t["index"] for t in hello["turns"]] == [0, 1, 2]
        assert hello["turns"][2]["text"] == first_reply["text"]
        ws.send_json({"type": "say", "text": RESOLVING[1]})
        assert until(ws, "turn")[-1]["index"] == 4
    assert [t.index for t in turns(db, session_id)] == [0, 1, 2, 3, 4]


def test_an_agent_turn_left_without_a_reply_is_answered_on_reconnect(login, db) -> None:
    """The process died after storing the agent's turn: the next connection answers it."""
    agent = login("agent1@demo.local")
    session_id = start(agent)
    db.add(Turn(session_id=session_id, index=1, speaker="agent", text=RESOLVING[0]))
    db.commit()
    with agent.websocket_connect(f"/ws/practice/{session_id}") as ws:
        hello = ws.receive_json()
        assert hello["turns"][-1] == {"index": 1, "speaker": "agent", "text": RESOLVING[0]}
        reply = until(ws, "turn")[-1]
        assert reply["index"] == 2
        ws.send_json({"type": "say", "text": RESOLVING[1]})
        assert until(ws, "turn")[-1]["index"] == 4
    assert [t.speaker for t in turns(db, session_id)] == ["customer", "agent"] * 2 + ["customer"]


@pytest.mark.parametrize("email", ["agent2@demo.local", "manager@demo.local"])
def test_only_the_owner_may_open_the_chat_or_its_socket(login, email: str) -> None:
    owner = login("agent1@demo.local")
    session_id = start(owner)
    other = login(email)
    assert other.get(f"/practice/{session_id}").status_code == 403
    assert other.submit(f"/practice/{session_id}/end").status_code == 403
    socket = f"/ws/practice/{session_id}"
    with pytest.raises(WebSocketDisconnect) as refused, other.websocket_connect(socket) as ws:
        ws.receive_json()
    assert refused.value.code == 1008


def test_signed_out_and_cross_site_sockets_are_refused(login, app) -> None:
    from fastapi.testclient import TestClient

    owner = login("agent1@demo.local")
    session_id = start(owner)
    socket = f"/ws/practice/{session_id}"
    with (
        TestClient(app) as anonymous,
        pytest.raises(WebSocketDisconnect),
        anonymous.websocket_connect(socket) as ws,
    ):
        ws.receive_json()
    headers = {"origin": "https://evil.example"}
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        owner.websocket_connect(socket, headers=headers) as ws,
    ):
        ws.receive_json()
    assert refused.value.code == 1008
    with owner.websocket_connect(
        f"/ws/practice/{session_id}", headers={"origin": "http://testserver"}
    ) as ws:
        assert ws.receive_json()["type"] == "hello"


def test_the_forms_work_without_javascript(login, db) -> None:
    agent = login("agent1@demo.local")
    session_id = start(agent)
    agent.page(f"/practice/{session_id}")
    response = agent.submit(
        f"/practice/{session_id}/say", {"text": RESOLVING[0]}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/practice/{session_id}#turn-2"
    assert [t.speaker for t in turns(db, session_id)] == ["customer", "agent", "customer"]
    empty = agent.submit(f"/practice/{session_id}/say", {"text": ""})
    assert "Not sent" in empty.text and "empty" in empty.text
    response = agent.submit(f"/practice/{session_id}/end", follow_redirects=False)
    assert response.headers["location"] == f"/attempts/{session_id}"
    assert db.exec(select(ScoreRecord).where(ScoreRecord.session_id == session_id)).one()


def test_a_trainer_preview_streams_mood_and_is_never_scored(login, db) -> None:
    from server.paths import SCENARIOS_DIR

    trainer = login("trainer@demo.local")
    yaml_text = (SCENARIOS_DIR / f"{SCENARIO}.yaml").read_text(encoding="utf-8")
    from server.accounts import get_user_by_email
    from server.services.practice import start_preview

    user = get_user_by_email(db, "trainer@demo.local")
    assert user is not None
    preview = start_preview(db, user, yaml_text, return_url="/trainer/scenarios/x/edit")
    db.commit()
    page = trainer.page(f"/practice/{preview.id}")
    assert page.status_code == 200 and "never scored" in page.text
    with trainer.websocket_connect(f"/ws/practice/{preview.id}") as ws:
        assert ws.receive_json()["mode"] == "preview"
        for line in RESOLVING:
            ws.send_json({"type": "say", "text": line})
            reply = until(ws, "turn")[-1]
            assert isinstance(reply["mood"], float) and isinstance(reply["markers"], list)
        assert ws.receive_json() == {
            "type": "ended",
            "outcome": "resolved",
            "url": f"/practice/{preview.id}",
        }
    db.expire_all()
    stored = db.get(PracticeSession, preview.id)
    assert stored is not None and stored.mode == "preview" and stored.status == "ended"
    for table in (ScoreRecord, BehaviorScore):
        assert db.exec(select(table).where(table.session_id == preview.id)).first() is None
    ended_page = trainer.page(f"/practice/{preview.id}")
    assert ended_page.status_code == 200
    assert 'href="/trainer/scenarios/x/edit"' in ended_page.text
    assert trainer.get(f"/attempts/{preview.id}").status_code == 404


def test_two_windows_on_one_conversation_stay_consistent(login, db) -> None:
    agent = login("agent1@demo.local")
    session_id = start(agent)
    socket = f"/ws/practice/{session_id}"
    with agent.websocket_connect(socket) as first, agent.websocket_connect(socket) as second:
        first.receive_json()
        second.receive_json()
        first.send_json({"type": "say", "text": RESOLVING[0]})
        until(first, "turn")
        second.send_json({"type": "say", "text": "A line typed in a stale window."})
        error = second.receive_json()
        assert error["type"] == "error" and "another window" in error["message"]
        hello = second.receive_json()
        assert hello["type"] == "hello" and [t["index"] for t in hello["turns"]] == [0, 1, 2]
        second.send_json({"type": "say", "text": RESOLVING[1]})
        assert until(second, "turn")[-1]["index"] == 4
    assert [t.speaker for t in turns(db, session_id)] == ["customer", "agent"] * 2 + ["customer"]
