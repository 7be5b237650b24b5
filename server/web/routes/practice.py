"""The practice chat: start a session, the chat page, its WebSocket and the no-JavaScript forms.

WebSocket `/ws/practice/{id}` (same-origin, signed session cookie, owner only). On connect the
server sends `{"type": "hello", "turns": [...], ...}`; the client sends `{"type": "say", "text":
…}` or `{"type": "end"}`; the server answers `agent` (the turn is stored), `chunk`s of the
customer's reply, `turn` (the reply is complete and stored) and, at the end, `{"type": "ended",
"outcome": …, "url": …}`. Problems come back as `{"type": "error", "message": …}` and the
socket stays open."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from server.models import PracticeSession, SessionMode, User
from server.services import practice
from server.services.curriculum import week_of_behavior
from server.services.practice import LiveSession, PracticeError, TurnConflict, TurnEvent
from server.web.csrf import MAX_WS_MESSAGE_CHARS, origin_allowed
from server.web.deps import (
    AgentDep,
    DbDep,
    Forbidden,
    NotFound,
    UserDep,
    session_user,
    still_signed_in,
)
from server.web.templating import flash, render

router = APIRouter()

MAX_FRAME_CHARS = 8 * practice.MAX_MESSAGE_CHARS
POLICY_VIOLATION = 1008
MESSAGE_TOO_BIG = 1009


def owned_session(db: Session, session_id: int, user: User) -> PracticeSession:
    """The practice session `session_id` if `user` started it (else 404/403)."""
    session = db.get(PracticeSession, session_id)
    if session is None:
        raise NotFound(f"No practice session {session_id}; start one from the practice page.")
    if session.user_id != user.id:
        raise Forbidden("This practice session belongs to someone else.")
    return session


def ended_url(session: PracticeSession) -> str:
    if session.mode is SessionMode.preview:
        return f"/practice/{session.id}"
    return f"/attempts/{session.id}"


@router.post("/practice")
def start(
    request: Request, db: DbDep, user: AgentDep, scenario_id: Annotated[str, Form()] = ""
) -> Response:
    try:
        session = practice.start_practice(db, user, scenario_id=scenario_id.strip())
    except PracticeError as exc:
        flash(request, f"Practice not started: {exc}.", "error")
        return RedirectResponse("/agent", status_code=303)
    return RedirectResponse(f"/practice/{session.id}", status_code=303)


@router.get("/practice/{session_id}")
def chat_page(request: Request, session_id: int, db: DbDep, user: UserDep) -> Response:
    session = owned_session(db, session_id, user)
    if session.status == "ended" and session.mode is SessionMode.practice:
        return RedirectResponse(ended_url(session), status_code=303)
    return render(request, "practice/chat.html", practice_chat_context(db, session))


def practice_chat_context(db: Session, session: PracticeSession) -> dict[str, Any]:
    live = practice.open_live(db, session)
    focus = None
    if session.mode is SessionMode.practice:
        focus = week_of_behavior(session.behavior_id)
    return {"chat": chat_view(live), "session": session, "focus": focus}


def chat_view(live: LiveSession) -> dict[str, Any]:
    """What `practice/_chat.html` needs to draw a conversation (both modes)."""
    scenario = live.conversation.scenario
    return {
        "id": live.id,
        "mode": live.session.mode.value,
        "preview": live.session.mode is SessionMode.preview,
        "ended": live.ended,
        "outcome": live.session.outcome,
        "title": scenario.title,
        "customer": scenario.customer.name,
        "turns": live.turns,
        "pending": live.pending is not None,
        "return_url": live.return_url,
        "max_chars": practice.MAX_MESSAGE_CHARS,
    }


@router.post("/practice/{session_id}/say")
async def say(
    request: Request,
    session_id: int,
    db: DbDep,
    user: UserDep,
    text: Annotated[str, Form()] = "",
) -> Response:
    """The chat form without JavaScript: one turn, then back to the page."""
    session = owned_session(db, session_id, user)
    live = practice.open_live(db, session, request.app.state.settings)
    try:
        if live.pending is not None:
            events = [event async for event in practice.answer_pending(db, live)]
        else:
            events = await practice.say_and_collect(db, live, text)
    except PracticeError as exc:
        flash(request, f"Not sent: {exc}.", "error")
        return RedirectResponse(f"/practice/{session_id}#composer", status_code=303)
    finally:
        await live.aclose()
    if live.ended:
        return RedirectResponse(ended_url(session), status_code=303)
    last = events[-1].index if events else 0
    return RedirectResponse(f"/practice/{session_id}#turn-{last}", status_code=303)


@router.post("/practice/{session_id}/end")
def end(request: Request, session_id: int, db: DbDep, user: UserDep) -> Response:
    session = owned_session(db, session_id, user)
    live = practice.open_live(db, session)
    practice.finish(db, live)
    return RedirectResponse(ended_url(session), status_code=303)


# --- the WebSocket -----------------------------------------------------------------------------


class Channel:
    """Sends JSON to the browser; after a disconnect it only remembers that it is gone, so the
    turn in progress is still completed and stored."""

    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        self.open = True

    async def send(self, message: dict[str, Any]) -> None:
        if not self.open:
            return
        try:
            await self.websocket.send_text(json.dumps(message))
        except (WebSocketDisconnect, RuntimeError, OSError):
            self.open = False

    async def error(self, message: str) -> None:
        await self.send({"type": "error", "message": message})


def event_message(live: LiveSession, event: TurnEvent) -> dict[str, Any]:
    if event.kind == "agent":
        return {"type": "agent", "index": event.index, "text": event.text}
    if event.kind == "chunk":
        return {"type": "chunk", "index": event.index, "text": event.text}
    if event.kind == "customer":
        message: dict[str, Any] = {
            "type": "turn",
            "index": event.index,
            "speaker": "customer",
            "text": event.text,
        }
        if live.session.mode is SessionMode.preview:
            message.update(event.extra)
        return message
    return ended_message(live)


def ended_message(live: LiveSession) -> dict[str, Any]:
    return {"type": "ended", "outcome": live.session.outcome, "url": ended_url(live.session)}


def hello_message(live: LiveSession) -> dict[str, Any]:
    return {
        "type": "hello",
        "session": live.id,
        "mode": live.session.mode.value,
        "status": live.session.status.value,
        "customer": live.conversation.scenario.customer.name,
        "max_chars": practice.MAX_MESSAGE_CHARS,
        "turns": [
            {"index": turn.index, "speaker": turn.speaker, "text": turn.text} for turn in live.turns
        ],
    }


@router.websocket("/ws/practice/{session_id}")
async def practice_socket(websocket: WebSocket, session_id: int) -> None:
    if not origin_allowed(websocket):
        await websocket.close(code=POLICY_VIOLATION, reason="cross-site WebSocket refused")
        return
    engine = websocket.app.state.engine
    with Session(engine, expire_on_commit=False) as db:
        user = session_user(db, websocket.session)
        session = db.get(PracticeSession, session_id)
        allowed = user is not None and session is not None and session.user_id == user.id
        if not allowed or session is None:
            await websocket.close(code=POLICY_VIOLATION, reason="not your practice session")
            return
        live = practice.open_live(db, session, websocket.app.state.settings)
    # the database session is closed: no connection is held while the socket waits
    await websocket.accept()
    channel = Channel(websocket)
    try:
        await converse(channel, live, engine)
    finally:
        await live.aclose()


async def converse(channel: Channel, live: LiveSession, engine: Any) -> None:
    await channel.send(hello_message(live))
    if live.ended:
        await channel.send(ended_message(live))
        return
    if live.pending is not None:  # the process died before the customer answered
        await stream_turn(channel, live, engine, None)
    while channel.open and not live.ended:
        try:
            raw = await channel.websocket.receive_text()
        except (WebSocketDisconnect, RuntimeError, KeyError):
            return
        if len(raw) > MAX_WS_MESSAGE_CHARS:
            reason = f"message too big: over {MAX_WS_MESSAGE_CHARS:,} characters"
            await channel.websocket.close(code=MESSAGE_TOO_BIG, reason=reason)
            return
        if not await still_signed_in(channel.websocket):
            reason = "signed out: sign in again to continue this conversation"
            await channel.websocket.close(code=POLICY_VIOLATION, reason=reason)
            return
        request = parse_request(raw)
        if isinstance(request, str):
            await channel.error(request)
        elif request["type"] == "end":
            with Session(engine, expire_on_commit=False) as db:
                practice.finish(db, live)
            await channel.send(ended_message(live))
        elif not await stream_turn(channel, live, engine, request.get("text")):
            live = reload(live, engine)
            await channel.send(hello_message(live))


def parse_request(raw: str) -> dict[str, Any] | str:
    """The client's message, or an error text saying what to send instead."""
    if len(raw) > MAX_FRAME_CHARS:
        return (
            f"the message is too long ({len(raw)} characters); keep one turn under "
            f"{practice.MAX_MESSAGE_CHARS} characters"
        )
    try:
        request = json.loads(raw)
    except RecursionError:
        return 'the message is nested too deeply; send {"type": "say", "text": "..."}'
    except ValueError:
        return 'send JSON: {"type": "say", "text": "..."} or {"type": "end"}'
    if not isinstance(request, dict) or request.get("type") not in {"say", "end"}:
        return 'unknown message; send {"type": "say", "text": "..."} or {"type": "end"}'
    return request


async def stream_turn(channel: Channel, live: LiveSession, engine: Any, text: object) -> bool:
    """Run one turn, streaming it; False when another window changed the conversation first
    (the caller reloads it)."""
    with Session(engine, expire_on_commit=False) as db:
        try:
            if text is None:
                events = practice.answer_pending(db, live)
            else:
                events = practice.take_turn(db, live, practice.check_message(text))
            async for event in events:
                await channel.send(event_message(live, event))
        except TurnConflict as exc:
            await channel.error(f"{exc}")
            return False
        except PracticeError as exc:
            await channel.error(f"{exc}")
    return True


def reload(live: LiveSession, engine: Any) -> LiveSession:
    """The conversation as stored now (another window or worker moved it on)."""
    with Session(engine, expire_on_commit=False) as db:
        session = db.get(PracticeSession, live.id)
        assert session is not None
        return practice.open_live(db, session, voice=live.voice)
