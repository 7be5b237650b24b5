"""Importing, processing and deleting recorded calls.

`import_call` checks a file, stores it against the agent, the call date and the curriculum week
the agent was in on that date, and leaves the call `queued`; a file already imported (same
SHA-256) gives back the existing call. `process_call` is the job a worker runs: it claims the
call, transcribes its audio when there is no transcript, scores it with the shared scorer and
stores the report and one score row per behavior. It is idempotent, so a job delivered twice (a
worker died mid-call and the broker handed the call to another) does no harm.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path, PurePath
from typing import Any

from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

import scorer
from server.calls.parse import TRANSCRIPT_SUFFIXES, parse_call_transcript
from server.calls.transcribe import AUDIO_SUFFIXES, AudioError, probe, require_stereo
from server.db import session_scope
from server.models import (
    Call,
    CallLabel,
    CallScore,
    CallSource,
    CallStatus,
    Role,
    User,
)
from server.models.base import as_utc, utcnow
from server.services.curriculum import plan_for
from server.settings import Settings

log = logging.getLogger(__name__)

SUPPORTED = ", ".join(sorted({*AUDIO_SUFFIXES, *TRANSCRIPT_SUFFIXES, ".srt"}))


class CallImportError(ValueError):
    """A file that cannot be imported; the message names the file and what to do."""


class CallBusy(RuntimeError):
    """Another worker is processing the call right now; try again later."""


@dataclass(frozen=True)
class Imported:
    call: Call
    created: bool  # False: the same file was imported before


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def audio_dir(settings: Settings) -> Path:
    return settings.data_dir / "calls" / "audio"


def kind_of(file_name: str) -> str:
    """`audio` or `transcript` from the file name, or a `CallImportError`."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix in AUDIO_SUFFIXES:
        return "audio"
    if suffix in TRANSCRIPT_SUFFIXES or suffix == ".srt":
        return "transcript"
    raise CallImportError(
        f"{file_name}: unsupported file type {suffix or '(no extension)'!r}; use one of {SUPPORTED}"
    )


def _decode_text(data: bytes, file_name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CallImportError(
            f"{file_name}: not UTF-8 text (byte {exc.start}); save the transcript as UTF-8"
        ) from None


def _parse(data: bytes, file_name: str) -> tuple[dict[str, object], str]:
    try:
        transcript, fmt = parse_call_transcript(_decode_text(data, file_name), file_name)
    except scorer.TranscriptError as exc:
        raise CallImportError(str(exc)) from None
    return transcript.to_dict(), fmt


def import_call(
    session: Session,
    settings: Settings,
    *,
    data: bytes,
    file_name: str,
    agent: User,
    call_date: date | None = None,
    uploaded_by: User | None = None,
    transcript: tuple[bytes, str] | None = None,
) -> Imported:
    """Store one call file (audio or transcript; for audio, optionally its transcript as
    `(bytes, name)`). Raises `CallImportError` and stores nothing when the file cannot be used."""
    kind = kind_of(file_name)
    if agent.role is not Role.agent:
        raise CallImportError(f"{agent.email} is a {agent.role.value}, not an agent")
    if not data:
        raise CallImportError(f"{file_name}: the file is empty")
    digest = content_hash(data)
    existing = session.exec(select(Call).where(Call.content_hash == digest)).first()
    if existing is not None:
        if existing.agent_id != agent.id:
            other = session.get(User, existing.agent_id)
            raise CallImportError(
                f"{file_name}: this recording was already imported for "
                f"{other.email if other else 'another agent'} (call {existing.id}); delete that "
                "call first to import it for someone else"
            )
        if existing.status is CallStatus.failed:
            existing.status, existing.error = CallStatus.queued, None
            existing.updated_at = utcnow()
            session.add(existing)
            session.flush()
        return Imported(existing, created=False)

    when = call_date or date.today()
    plan = plan_for(session, agent, when)
    call = Call(
        content_hash=digest,
        agent_id=agent.id or 0,
        team_id=plan.team.id if plan.team else None,
        uploaded_by=uploaded_by.id if uploaded_by else None,
        source=CallSource.transcript,
        file_name=PurePath(file_name).name[:255],
        file_format="",
        call_date=when,
        week=plan.week.week,
        behavior_id=plan.behavior_id,
    )
    if kind == "transcript":
        call.transcript_json, call.file_format = _parse(data, file_name)
    else:
        suffix = PurePath(file_name).suffix.lower()
        call.file_format = suffix.lstrip(".")
        target = audio_dir(settings) / f"{digest}{suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        try:
            info = probe(target, file_name)
            call.duration_s = round(info.duration_s, 2)
            if transcript is not None:
                call.transcript_json, _fmt = _parse(*transcript)
            else:
                require_stereo(PurePath(file_name), info)
                call.source = CallSource.audio
        except (AudioError, CallImportError) as exc:
            target.unlink(missing_ok=True)
            raise CallImportError(str(exc)) from None
        call.audio_path = str(target)
    session.add(call)
    session.flush()
    return Imported(call, created=True)


# --- processing --------------------------------------------------------------------------------


def _claim(engine: Engine, call_id: int, stale_after_s: int) -> Call | None:
    """Mark the call running for this worker; None when it is done already. Raises `CallBusy`
    while another live worker holds it (its heartbeat is younger than `stale_after_s`)."""
    now = utcnow()
    stale = now - timedelta(seconds=stale_after_s)
    with session_scope(engine) as session:
        call = session.get(Call, call_id)
        if call is None or call.status is CallStatus.done:
            return None
        if call.status is CallStatus.running and as_utc(call.updated_at) > stale:
            raise CallBusy(f"call {call_id} is being processed by another worker")
        claimed = session.execute(
            update(Call)
            .where(
                col(Call.id) == call_id,
                col(Call.status) == call.status,
                col(Call.tries) == call.tries,
            )
            .values(status=CallStatus.running, tries=call.tries + 1, updated_at=now, error=None)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise CallBusy(f"call {call_id} was claimed by another worker")
        session.expire_all()
        return session.get(Call, call_id)


def _heartbeat(engine: Engine, call_id: int, stage: str) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(Call).where(col(Call.id) == call_id).values(stage=stage, updated_at=utcnow())
        )


def fail_call(engine: Engine, call_id: int, reason: str, *, final: bool = True) -> None:
    """Record why the call failed; `final=False` puts it back in the queue (a retry follows)."""
    with session_scope(engine) as session:
        session.execute(
            update(Call)
            .where(col(Call.id) == call_id)
            .values(
                status=CallStatus.failed if final else CallStatus.queued,
                error=reason[:4000],
                updated_at=utcnow(),
            )
        )


def _retention(settings: Settings, now: datetime) -> tuple[bool, datetime | None]:
    """(keep the audio at all, until when)."""
    if settings.keep_audio == "off":
        return False, None
    if settings.keep_audio == "forever":
        return True, None
    return True, now + timedelta(days=int(settings.keep_audio))


def process_call(
    engine: Engine,
    settings: Settings,
    call_id: int,
    *,
    on_stage: Callable[[str], object] | None = None,
) -> Call | None:
    """Transcribe (when needed) and score one call; returns it, or None when there is nothing to do
    (already done, or deleted). Bad input marks the call failed with the reason and returns it;
    any other exception is recorded and re-raised for the job runner to retry."""
    call = _claim(engine, call_id, settings.job_timeout_s)
    if call is None:
        return None

    def stage(name: str) -> None:
        _heartbeat(engine, call_id, name)
        if on_stage is not None:
            on_stage(name)

    timings: dict[str, object] = {}
    try:
        transcript_json = call.transcript_json
        if transcript_json is None:
            from server.calls.transcribe import transcribe_call

            if not call.audio_path or not Path(call.audio_path).exists():
                raise AudioError(
                    f"{call.file_name}: the audio file is gone (deleted by the retention setting "
                    "or by hand); import the recording again"
                )
            result = transcribe_call(
                Path(call.audio_path),
                agent_channel=settings.call_agent_channel,
                model_name=settings.stt_model,
                on_stage=stage,
            )
            transcript_json = result.transcript.to_dict()
            timings.update({k: round(v, 3) for k, v in result.timings.items()})
            call.duration_s = round(result.duration_s, 2)
        stage("scoring")
        began = time.perf_counter()
        transcript = scorer.Transcript.from_dict(transcript_json, source=call.file_name)
        report = scorer.score(transcript).to_dict()
        timings["score"] = round(time.perf_counter() - began, 3)
    except (AudioError, scorer.TranscriptError) as exc:
        fail_call(engine, call_id, str(exc))
        with session_scope(engine) as session:
            return session.get(Call, call_id)
    except Exception as exc:
        fail_call(engine, call_id, f"{type(exc).__name__}: {exc}")
        raise
    stored = _store_result(engine, settings, call, transcript_json, report, timings)
    with session_scope(engine) as session:
        purge_expired_audio(session)  # retention runs with the jobs, whichever worker runs them
    return stored


def _store_result(
    engine: Engine,
    settings: Settings,
    call: Call,
    transcript_json: dict[str, object],
    report: dict[str, object],
    timings: dict[str, object],
) -> Call | None:
    now = utcnow()
    keep, until = _retention(settings, now)
    with session_scope(engine) as session:
        stored = session.get(Call, call.id)
        if stored is None:  # deleted while it was being processed
            return None
        for old in session.exec(select(CallScore).where(CallScore.call_id == call.id)):
            session.delete(old)
        session.flush()
        behaviors = report.get("behaviors", {})
        assert isinstance(behaviors, dict)
        for behavior_id, result in behaviors.items():
            session.add(
                CallScore(
                    call_id=call.id or 0,
                    agent_id=stored.agent_id,
                    week=stored.week,
                    behavior_id=behavior_id,
                    applicable=bool(result["applicable"]),
                    score=result["score"],
                    level=str(result["level"]),
                )
            )
        stored.transcript_json = transcript_json
        stored.report_json = report
        stored.timings_json = timings
        stored.duration_s = call.duration_s or _last_end(transcript_json)
        stored.status, stored.stage, stored.error = CallStatus.done, "", None
        stored.finished_at = stored.updated_at = now
        if stored.audio_path and not keep:
            Path(stored.audio_path).unlink(missing_ok=True)
            stored.audio_path = None
        elif stored.audio_path:
            stored.audio_expires_at = until
        session.add(stored)
        return stored


def _last_end(transcript_json: dict[str, object]) -> float | None:
    turns = transcript_json.get("turns")
    ends = [t.get("end") for t in turns if isinstance(t, dict)] if isinstance(turns, list) else []
    numbers = [e for e in ends if isinstance(e, int | float)]
    return round(max(numbers), 2) if numbers else None


# --- deleting and retention --------------------------------------------------------------------


def delete_call(session: Session, call: Call) -> None:
    """Delete the call with its audio, transcript, scores and labels."""
    if call.audio_path:
        Path(call.audio_path).unlink(missing_ok=True)
    for model in (CallScore, CallLabel):
        for row in session.exec(select(model).where(model.call_id == call.id)):
            session.delete(row)
    session.delete(call)
    session.flush()


def purge_expired_audio(session: Session, now: datetime | None = None) -> int:
    """Delete audio whose retention has passed (the transcript and scores stay); how many."""
    now = now or utcnow()
    calls = session.exec(
        select(Call).where(
            col(Call.audio_path).is_not(None), col(Call.audio_expires_at).is_not(None)
        )
    )
    purged = 0
    for call in calls:
        assert call.audio_expires_at is not None
        if as_utc(call.audio_expires_at) <= now and call.status is CallStatus.done:
            Path(call.audio_path or "").unlink(missing_ok=True)
            call.audio_path, call.audio_expires_at = None, None
            session.add(call)
            purged += 1
    session.flush()
    return purged


def pending_calls(session: Session, stale_after_s: int) -> list[int]:
    """Calls a worker should (re)start: queued ones, and running ones whose worker went silent."""
    stale = utcnow() - timedelta(seconds=stale_after_s)
    out = []
    for call in session.exec(
        select(Call).where(col(Call.status).in_([CallStatus.queued, CallStatus.running]))
    ):
        if call.status is CallStatus.queued or as_utc(call.updated_at) <= stale:
            out.append(call.id or 0)
    return out


# --- reading: the manager's pages --------------------------------------------------------------


@dataclass(frozen=True)
class FloorStat:
    """Real calls of one agent in one curriculum week, graded on that week's behavior."""

    mean: int | None  # the mean score where the behavior applied; None when it never did
    calls: int


def floor_stats(session: Session, agent_ids: list[int]) -> dict[tuple[int, int], FloorStat]:
    """(agent id, week) → the mean real-call score on the week's behavior and how many scored
    calls there were; one grouped query."""
    if not agent_ids:
        return {}
    query = (
        select(
            CallScore.agent_id,
            CallScore.week,
            func.avg(CallScore.score),
            func.count(col(CallScore.call_id)),
        )
        .join(Call, col(Call.id) == col(CallScore.call_id))
        .where(
            col(CallScore.agent_id).in_(agent_ids),
            col(CallScore.behavior_id) == col(Call.behavior_id),
        )
        .group_by(col(CallScore.agent_id), col(CallScore.week))
    )
    return {
        (agent_id, week): FloorStat(round(float(mean)) if mean is not None else None, count)
        for agent_id, week, mean, count in session.exec(query)
    }


def calls_of(session: Session, agent_ids: list[int], limit: int = 200) -> list[Call]:
    """The agents' calls, newest call date first."""
    if not agent_ids:
        return []
    return list(
        session.exec(
            select(Call)
            .where(col(Call.agent_id).in_(agent_ids))
            .order_by(col(Call.call_date).desc(), col(Call.id).desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class TransferRow:
    """One curriculum week of one agent: best practice score next to the real-call mean."""

    week: int
    behavior_id: str
    title: str
    threshold: int
    practice_best: int | None
    practice_attempts: int
    floor: int | None
    floor_calls: int


def transfer_rows(session: Session, agent: User, thresholds: dict[int, Any]) -> list[TransferRow]:
    """Per curriculum week: the agent's best practice score on the week's behavior and the mean
    score of their real calls of that week on it."""
    from server.services.curriculum import curriculum
    from server.services.dashboard import CellStats, cell_stats

    assert agent.id is not None
    practice = cell_stats(session, [agent.id])
    floor = floor_stats(session, [agent.id])
    rows = []
    for week in curriculum().weeks:
        tried = practice.get((agent.id, week.behavior), CellStats(None, 0, None))
        on_calls = floor.get((agent.id, week.week), FloorStat(None, 0))
        rows.append(
            TransferRow(
                week=week.week,
                behavior_id=week.behavior,
                title=week.title,
                threshold=thresholds[week.week].threshold,
                practice_best=tried.best,
                practice_attempts=tried.attempts,
                floor=on_calls.mean,
                floor_calls=on_calls.calls,
            )
        )
    return rows
