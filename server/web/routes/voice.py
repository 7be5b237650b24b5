"""Voice practice: the page and its WebSocket (`server.voice` runs the call).

`GET /practice/{id}/voice` shows the voice page of a practice session (the same owner check
as the text chat; the text chat of the same session is one click away). WebSocket
`/ws/practice/{id}/voice` (same-origin, signed session cookie, owner only) speaks the protocol
described in `server.voice.protocol`. A dropped socket loses nothing: every turn is stored when
its text is final, and connecting again resumes the call.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache, partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, WebSocket
from fastapi.responses import Response
from sqlmodel import Session

from server.models import PracticeSession
from server.services import practice
from server.web.csrf import origin_allowed
from server.web.deps import AgentDep, DbDep, UserDep, session_user, still_signed_in
from server.web.routes.practice import (
    POLICY_VIOLATION,
    session_page,
    start_session_page,
)

router = APIRouter()


@router.post("/practice/voice")
def start_voice(
    request: Request, db: DbDep, user: AgentDep, scenario_id: Annotated[str, Form()] = ""
) -> Response:
    """*Practise by voice* on a scenario: a new session, opened on the voice page."""
    return start_session_page(request, db, user, scenario_id, "/voice")


@router.get("/practice/{session_id}/voice")
def voice_page(request: Request, session_id: int, db: DbDep, user: UserDep) -> Response:
    return session_page(request, db, session_id, user, "practice/voice.html")


def engines_of(app: Any) -> Any:
    """The engines a call uses: `app.state.voice_engines` when set, else the settings'."""
    from server.voice.pipeline import Engines

    engines = getattr(app.state, "voice_engines", None)
    if isinstance(engines, Engines):
        return engines
    settings = app.state.settings
    return Engines(stt_model=settings.stt_model, tts_engine=settings.tts_engine)


@lru_cache(maxsize=4)
def warm_once(stt_model: str) -> None:
    """Load and warm the speech engines on the first call of this process (off the loop)."""
    from server.voice.engines import warm_up

    warm_up(stt_model)


@router.websocket("/ws/practice/{session_id}/voice")
async def voice_socket(websocket: WebSocket, session_id: int) -> None:
    if not origin_allowed(websocket):
        await websocket.close(code=POLICY_VIOLATION, reason="cross-site WebSocket refused")
        return
    engine = websocket.app.state.engine
    with Session(engine, expire_on_commit=False) as db:
        user = session_user(db, dict(websocket.session))
        session = db.get(PracticeSession, session_id)
        if user is None or session is None or session.user_id != user.id:
            await websocket.close(code=POLICY_VIOLATION, reason="not your practice session")
            return
        try:  # the voice extra is optional: pipecat and the speech engines load on first use
            from server.voice.audio import recorder_for
            from server.voice.call import VoiceCall, snapshot
            from server.voice.pipeline import run_call
        except ImportError as exc:
            await websocket.close(
                code=POLICY_VIOLATION,
                reason=f"voice is not installed ({exc.name}); install sparring[offline-voice]",
            )
            return
        live = practice.open_live(db, session, websocket.app.state.settings)
        if live.conversation.channel != "voice" and not live.ended:
            # from now on the transcript carries times: the scorer reads it as a voice call
            live.conversation.channel = "voice"
            session.channel = "voice"
            session.state_json = snapshot(live)
            db.add(session)
            db.commit()
    await websocket.accept()
    engines = engines_of(websocket.app)
    if engines.whisper is None and engines.piper is None:
        await asyncio.to_thread(warm_once, engines.stt_model)
    call = VoiceCall(engine, live)

    async def sign_out() -> None:
        reason = "signed out: sign in again to continue this conversation"
        await websocket.close(code=POLICY_VIOLATION, reason=reason)

    call.signed_in = partial(still_signed_in, websocket)
    call.sign_out = sign_out
    recorder = recorder_for(websocket.app.state.settings, live.id, call.offset)
    if recorder is not None:
        call.on_audio = recorder.write
    try:
        await run_call(websocket, call, engines)
    finally:
        if recorder is not None:
            recorder.close()
        await live.aclose()
