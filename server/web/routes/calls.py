"""The manager's real-call pages: the team's calls with an upload form, one call's page
(timestamped transcript, scorecard with evidence, audio that plays from the quoted moment when
audio is kept), blind labelling for calibration, and deletion. Every route is for managers (and
admins) and checks that the call's agent is in a team the user manages."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.types import Scope

from server.calls import jobs, service
from server.models import Call, CallStatus, Team, User
from server.services import calibration, manager_scope
from server.services.curriculum import week_of_behavior
from server.services.form_input import FormError
from server.services.reports import result_in, results_in
from server.settings import Settings
from server.web import csrf
from server.web.deps import DbDep, ManagerDep, NotFound, small_int
from server.web.forms import LabelFormDep
from server.web.routes.manager import chosen_team, scoped
from server.web.templating import flash, render

router = APIRouter(prefix="/manager/calls")
UPLOAD_PATH = "/manager/calls"
ACCEPT = ".wav,.mp3,.m4a,.ogg,.webm,.json,.txt,.vtt,.srt"
MB = 1024 * 1024


def _upload_limit(scope: Scope) -> int:
    """The request-body limit of the upload form: the file limit plus room for the other fields
    and an optional transcript."""
    settings: Settings = scope["app"].state.settings
    return settings.call_upload_max_mb * MB + 8 * MB


csrf.UPLOAD_LIMITS[UPLOAD_PATH] = _upload_limit


def _call(db: Session, user: User, call_id: int) -> tuple[Call, User, Team]:
    call = db.get(Call, call_id)
    if call is None:
        raise NotFound(f"There is no call {call_id}; open calls from /manager/calls.")
    with scoped():
        agent, team = manager_scope.agent_in_scope(db, user, call.agent_id)
    return call, agent, team


def _list_page(
    request: Request,
    db: Session,
    user: User,
    team: Team,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    agents = manager_scope.team_agents(db, team)
    settings: Settings = request.app.state.settings
    names = {a.id: a for a in agents}
    calls = service.calls_of(db, [a.id for a in agents if a.id is not None])
    context = {
        "team": team,
        "teams": manager_scope.managed_teams(db, user),
        "agents": agents,
        "names": names,
        "calls": [(c, result_in(c.report_json, c.behavior_id)) for c in calls],
        "form": form or {"call_date": date.today().isoformat()},
        "errors": errors or {},
        "max_mb": settings.call_upload_max_mb,
        "accept": ACCEPT,
        "keep_audio": settings.keep_audio,
        "pending": any(c.status in (CallStatus.queued, CallStatus.running) for c in calls),
    }
    return render(request, "calls/list.html", context, status_code=400 if errors else 200)


@router.get("")
def calls_page(request: Request, db: DbDep, user: ManagerDep, team: int | None = None) -> Response:
    chosen = chosen_team(db, user, team)
    if chosen is None:
        return render(request, "manager/no_team.html", {"title": "No team yet"})
    return _list_page(request, db, user, chosen)


async def _read_upload(value: Any, limit: int, label: str) -> tuple[bytes, str] | None:
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    data = await value.read(limit + 1)
    if len(data) > limit:
        raise FormError(
            {label: f"{value.filename} is larger than {limit // MB} MB; upload a smaller file."}
        )
    return data, value.filename


@router.post("")
async def upload(request: Request, db: DbDep, user: ManagerDep) -> Response:
    settings: Settings = request.app.state.settings
    form = await request.form(max_part_size=csrf.MAX_FIELD_BYTES)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    raw_team = fields.get("team_id", "")
    team = chosen_team(db, user, small_int(raw_team))
    if team is None:
        raise NotFound("You do not manage a team yet; ask an admin to add you to one.")
    limit = settings.call_upload_max_mb * MB
    errors: dict[str, str] = {}
    try:
        main = await _read_upload(form.get("file"), limit, "file")
        transcript = await _read_upload(form.get("transcript"), limit, "transcript")
    except FormError as exc:
        return _list_page(request, db, user, team, form=fields, errors=exc.errors)
    finally:
        await form.close()
    agent: User | None = None
    agent_id = small_int(fields.get("agent_id", ""))
    if agent_id is not None:
        with scoped():
            agent, _ = manager_scope.agent_in_scope(db, user, agent_id)
    if agent is None:
        errors["agent_id"] = "Agent: pick the agent on the call."
    if main is None:
        errors["file"] = f"Call file: choose a recording or a transcript ({ACCEPT})."
    try:
        call_date = date.fromisoformat(fields.get("call_date", ""))
    except ValueError:
        errors["call_date"] = "Call date: give the date of the call (YYYY-MM-DD)."
    if errors:
        return _list_page(request, db, user, team, form=fields, errors=errors)
    assert agent is not None and main is not None
    try:
        imported = service.import_call(
            db,
            settings,
            data=main[0],
            file_name=main[1],
            agent=agent,
            call_date=call_date,
            uploaded_by=user,
            transcript=transcript,
        )
    except service.CallImportError as exc:
        return _list_page(request, db, user, team, form=fields, errors={"file": str(exc)})
    call = imported.call
    db.commit()
    if imported.created or call.status is CallStatus.queued:
        jobs.submit(request.app.state.engine, settings, call.id or 0)
        flash(request, f"{main[1]}: imported as call {call.id}; it is being processed.")
    else:
        flash(request, f"{main[1]} was imported before: this is call {call.id}.")
    return RedirectResponse(f"/manager/calls/{call.id}", status_code=303)


def _transcript_lines(call: Call) -> list[dict[str, Any]]:
    turns = (call.transcript_json or {}).get("turns")
    if not isinstance(turns, list):
        return []
    return [{"index": i, **turn} for i, turn in enumerate(turns) if isinstance(turn, dict)]


def _call_page(
    request: Request,
    db: Session,
    user: User,
    call_id: int,
    *,
    blind: bool = False,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    call, agent, team = _call(db, user, call_id)
    mine = [label for label in calibration.call_labels(db, call_id) if label.labeled_by == user.id]
    results = results_in(call.report_json)
    focus = result_in(call.report_json, call.behavior_id)
    context = {
        "team": team,
        "teams": manager_scope.managed_teams(db, user),
        "call": call,
        "agent": agent,
        "week": week_of_behavior(call.behavior_id),
        "focus": focus,
        "others": [r for r in results if r.behavior_id != call.behavior_id],
        "metrics": (call.report_json or {}).get("metrics") or {},
        "lines": _transcript_lines(call),
        "has_audio": bool(call.audio_path and Path(call.audio_path).exists()),
        "blind": blind and call.status is CallStatus.done,
        "labels": calibration.call_labels(db, call_id),
        "my_labels": mine,
        "levels": calibration.LEVEL_CHOICES,
        "behaviors": [r.behavior_id for r in results],
        "form": form or {"behavior": call.behavior_id},
        "errors": errors or {},
        "pending": call.status in (CallStatus.queued, CallStatus.running),
    }
    return render(request, "calls/call.html", context, status_code=400 if errors else 200)


@router.get("/{call_id}")
def call_page(
    request: Request, call_id: int, db: DbDep, user: ManagerDep, mode: str = ""
) -> Response:
    return _call_page(request, db, user, call_id, blind=mode == "blind")


@router.get("/{call_id}/audio")
def call_audio(call_id: int, db: DbDep, user: ManagerDep) -> Response:
    call, _, _ = _call(db, user, call_id)
    if not call.audio_path or not Path(call.audio_path).exists():
        raise NotFound(
            f"Call {call_id} keeps no audio (SPARRING_KEEP_AUDIO is off or its days have passed)."
        )
    media = {"mp3": "audio/mpeg", "m4a": "audio/mp4", "ogg": "audio/ogg", "webm": "audio/webm"}
    return FileResponse(call.audio_path, media_type=media.get(call.file_format, "audio/wav"))


@router.post("/{call_id}/label")
def save_label(
    request: Request, call_id: int, db: DbDep, user: ManagerDep, posted: LabelFormDep
) -> Response:
    form = posted.fields()
    call, _, _ = _call(db, user, call_id)
    blind = form.get("blind") == "1"
    try:
        label = calibration.add_call_label(db, call, form, labeled_by=user, blind=blind)
    except FormError as exc:
        return _call_page(request, db, user, call_id, blind=blind, form=form, errors=exc.errors)
    flash(
        request,
        f"Label saved{' (blind)' if label.blind else ''}: you said {label.level}, the scorer said "
        f"{label.scorer_level} on {label.behavior_id}.",
    )
    return RedirectResponse(f"/manager/calls/{call_id}#labels", status_code=303)


@router.post("/{call_id}/remove")
def delete(request: Request, call_id: int, db: DbDep, user: ManagerDep) -> Response:
    call, _, team = _call(db, user, call_id)
    name = call.file_name
    service.delete_call(db, call)
    flash(request, f"Deleted call {call_id} ({name}) with its audio, transcript and scores.")
    return RedirectResponse(f"/manager/calls?team={team.id}", status_code=303)
