"""The practice chat: start a session, the chat page, its WebSocket and the no-JavaScript forms.

WebSocket `/ws/practice/{id}` (same-origin, signed session cookie, owner only). On connect the
server sends `{"type": "hello", "turns": [...], ...}`; the client sends `{"type": "say", "text":
…}` or `{"type": "end"}`; the server answers `agent` (the turn is stored), `chunk`s of the
customer's reply, `turn` (the reply is complete and stored) and, at the end, `{"type": "ended",
"outcome": …, "url": …}`. Problems come back as `{"type": "error", "message": …}` and the
socket stays open; a message that cannot be stored (the conversation ended, in this window or
another) gets an `error` with the reason, then `ended`.

No database work runs on the event loop: the socket loads its conversation and stores each turn
in worker threads (`practice.run_turn`), each with a short transaction, so one slow chat never
holds up the others, `/healthz` or the pages. Messages sent while the customer is still
answering wait in the socket and are taken in order; a reply still owed to an earlier message
(the process died, the LLM failed) is given before the next message is stored."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from functools import partial
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Form, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine
from sqlmodel import Session

from server.db import run_in_session
from server.models import PracticeSession, SessionMode, User
from server.services import practice
from server.services.curriculum import week_of_behavior
from server.services.practice import (
    LiveSession,
    PracticeError,
    SessionEnded,
    SignedOut,
    TurnConflict,
    TurnEvent,
)
from server.settings import Settings
from server.web.csrf import MAX_WS_MESSAGE_CHARS, origin_allowed
from server.web.deps import (
    AgentDep,
    DbDep,
    Forbidden,
    NotFound,
    UserDep,
    session_user,
    sign_in_check,
    still_signed_in,
)
from server.web.templating import flash, render

router = APIRouter()
log = logging.getLogger(__name__)

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


def start_session_page(
    request: Request, db: Session, user: User, scenario_id: str, page: str = ""
) -> Response:
    """Start a practice session on `scenario_id` and open its page (`page`: "" for the text
    chat, "/voice" for voice); a refusal goes back to the agent's home with the reason."""
    try:
        session = practice.start_practice(db, user, scenario_id=scenario_id.strip())
    except PracticeError as exc:
        flash(request, f"Practice not started: {exc}.", "error")
        return RedirectResponse("/agent", status_code=303)
    return RedirectResponse(f"/practice/{session.id}{page}", status_code=303)


def session_page(
    request: Request, db: Session, session_id: int, user: User, template: str
) -> Response:
    """The page of an open session; an ended practice session goes to its result."""
    session = owned_session(db, session_id, user)
    if session.status == "ended" and session.mode is SessionMode.practice:
        return RedirectResponse(ended_url(session), status_code=303)
    return render(request, template, practice_chat_context(db, session))


@router.post("/practice")
def start(
    request: Request, db: DbDep, user: AgentDep, scenario_id: Annotated[str, Form()] = ""
) -> Response:
    return start_session_page(request, db, user, scenario_id)


@router.get("/practice/{session_id}")
def chat_page(request: Request, session_id: int, db: DbDep, user: UserDep) -> Response:
    return session_page(request, db, session_id, user, "practice/chat.html")


def practice_chat_context(db: Session, session: PracticeSession) -> dict[str, Any]:
    live = practice.open_live(db, session)
    focus = None
    if session.mode is SessionMode.practice:
        focus = week_of_behavior(session.behavior_id)
    return {"chat": chat_view(live), "session": session, "focus": focus}


def chat_view(live: LiveSession) -> dict[str, Any]:
    """What `practice/_chat.html` needs to draw a conversation (both modes)."""
    scenario = live.conversation.scenario
    preview = live.session.mode is SessionMode.preview
    return {
        "id": live.id,
        "mode": live.session.mode.value,
        "preview": preview,
        "ended": live.ended,
        "outcome": live.session.outcome,
        "title": scenario.title,
        "customer": scenario.customer.name,
        "turns": live.turns,
        "pending": live.pending is not None,
        "return_url": live.return_url,
        "max_chars": practice.MAX_MESSAGE_CHARS,
        # a trainer's preview shows what the customer can see and what each turn did
        "customer_state": live.conversation.view() if preview else None,
        "records": {record.turn: record for record in live.conversation.states} if preview else {},
    }


def load_owned(db: Session, session_id: int, user: User, settings: Settings) -> LiveSession:
    return practice.open_live(db, owned_session(db, session_id, user), settings)


@router.post("/practice/{session_id}/say")
async def say(
    request: Request,
    session_id: int,
    user: UserDep,
    text: Annotated[str, Form()] = "",
) -> Response:
    """The chat form without JavaScript (and chat.js while its socket reconnects): one turn,
    then back to the page. A reply still owed to an earlier message is given first, then this
    message is stored and answered; a message that cannot be stored comes back with the reason
    (and its text, so nothing typed is lost)."""
    engine = request.app.state.engine
    settings = request.app.state.settings
    load = partial(load_owned, session_id=session_id, user=user, settings=settings)
    live = await to_thread.run_sync(run_in_session, engine, load)
    events: list[TurnEvent] = []
    try:
        if live.pending is not None:
            events += [event async for event in practice.run_turn(engine, live, None)]
        if text.strip() or not events:
            events += [event async for event in practice.run_turn(engine, live, text)]
    except PracticeError as exc:
        flash(request, f"Not sent: {exc}.{quoted(text)}", "error")
        return RedirectResponse(f"/practice/{session_id}#composer", status_code=303)
    finally:
        await live.aclose()
    if live.ended:
        return RedirectResponse(ended_url(live.session), status_code=303)
    last = events[-1].index if events else 0
    return RedirectResponse(f"/practice/{session_id}#turn-{last}", status_code=303)


def quoted(text: str, limit: int = 300) -> str:
    """` Your message: "…"` for a refused message, so the agent can copy it again."""
    text = " ".join(text.split())
    if not text:
        return ""
    return f' Your message: "{text if len(text) <= limit else text[:limit] + "…"}"'


@router.post("/practice/{session_id}/end")
def end(request: Request, session_id: int, db: DbDep, user: UserDep) -> Response:
    session = owned_session(db, session_id, user)
    live = practice.open_live(db, session)
    practice.finish(db, live)
    return RedirectResponse(ended_url(live.session), status_code=303)


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


def socket_conversation(
    db: Session, cookie: Mapping[str, Any], session_id: int, settings: Settings
) -> LiveSession | None:
    """The conversation a socket may open: its owner's, signed in; else None."""
    user = session_user(db, cookie)
    session = db.get(PracticeSession, session_id)
    if user is None or session is None or session.user_id != user.id:
        return None
    return practice.open_live(db, session, settings)


@router.websocket("/ws/practice/{session_id}")
async def practice_socket(websocket: WebSocket, session_id: int) -> None:
    if not origin_allowed(websocket):
        await websocket.close(code=POLICY_VIOLATION, reason="cross-site WebSocket refused")
        return
    engine = websocket.app.state.engine
    load = partial(
        socket_conversation,
        cookie=dict(websocket.session),
        session_id=session_id,
        settings=websocket.app.state.settings,
    )
    live = await to_thread.run_sync(run_in_session, engine, load)
    if live is None:
        await websocket.close(code=POLICY_VIOLATION, reason="not your practice session")
        return
    # no connection is held while the socket waits: each turn opens its own transaction
    await websocket.accept()
    channel = Channel(websocket)
    try:
        await converse(channel, live, engine)
    finally:
        await live.aclose()


async def converse(channel: Channel, live: LiveSession, engine: Engine) -> None:
    await channel.send(hello_message(live))
    if live.ended:
        await channel.send(ended_message(live))
        return
    if live.pending is not None:  # the process died before the customer answered
        live = await play_turn(channel, live, engine, None)
    while channel.open and not live.ended:
        try:
            raw = await channel.websocket.receive_text()
        except (WebSocketDisconnect, RuntimeError, KeyError):
            return
        if len(raw) > MAX_WS_MESSAGE_CHARS:
            reason = f"message too big: over {MAX_WS_MESSAGE_CHARS:,} characters"
            await channel.websocket.close(code=MESSAGE_TOO_BIG, reason=reason)
            return
        request = parse_request(raw)
        # a message to store has the sign-in checked in the transaction that stores it
        stores = (
            isinstance(request, dict)
            and request["type"] == "say"
            and isinstance(request.get("text"), str)
        )
        if not stores and not await still_signed_in(channel.websocket):
            await close_signed_out(channel)
            return
        try:
            if isinstance(request, str):
                await channel.error(request)
            elif request["type"] == "end":
                await practice.finish_in_thread(engine, live)
                await channel.send(ended_message(live))
            else:
                signed_in = sign_in_check(channel.websocket)
                if live.pending is not None:  # a reply still owed to the previous message first
                    live = await play_turn(channel, live, engine, None, signed_in)
                live = await play_turn(channel, live, engine, request.get("text"), signed_in)
        except SignedOut:
            await close_signed_out(channel)
            return


async def close_signed_out(channel: Channel) -> None:
    reason = "signed out: sign in again to continue this conversation"
    await channel.websocket.close(code=POLICY_VIOLATION, reason=reason)


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


async def play_turn(
    channel: Channel,
    live: LiveSession,
    engine: Engine,
    text: object,
    signed_in: Callable[[Session], bool] | None = None,
) -> LiveSession:
    """Run one turn (`text=None`: answer the stored agent turn), streaming it, and return the
    conversation to continue with: reloaded when another window changed or ended it.
    `SignedOut` (nothing stored) goes to the caller, which closes the socket."""
    try:
        if text is not None and not isinstance(text, str):
            raise PracticeError('"text" must be a string; send {"type": "say", "text": "..."}')
        async for event in practice.run_turn(engine, live, text, signed_in=signed_in):
            await channel.send(event_message(live, event))
        return live
    except SignedOut:
        raise
    except SessionEnded as exc:
        await channel.error(f"{exc}")
        live = await reload(live, engine)
        await channel.send(ended_message(live))
        return live
    except TurnConflict as exc:
        await channel.error(f"{exc}")
        live = await reload(live, engine)
        await channel.send(hello_message(live))
        return live
    except PracticeError as exc:
        await channel.error(f"{exc}")
        return live
    except Exception:  # a fault of the server: say so, keep the socket, continue from the store
        log.exception("practice session %s: a turn failed", live.id)
        await channel.error(
            "the server could not finish this turn; what was stored is shown again below"
        )
        live = await reload(live, engine)
        await channel.send(hello_message(live))
        return live


async def reload(live: LiveSession, engine: Engine) -> LiveSession:
    """The conversation as stored now (another window or worker moved it on)."""
    return await to_thread.run_sync(
        run_in_session, engine, partial(practice.reload_live, live=live)
    )
