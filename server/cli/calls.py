"""`sparring calls …` (import, list, delete, purge recorded calls), `sparring worker` (the Celery
worker for call jobs) and `sparring scorer calibrate` (agreement of the scorer with the managers'
labels)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlmodel import col, select

from server.calls import jobs, service
from server.calls.parse import TRANSCRIPT_SUFFIXES
from server.calls.transcribe import AUDIO_SUFFIXES
from server.cli.context import CliError, db_session, engine, settings
from server.models import Call, CallStatus, User
from server.services import calibration

calls_app = typer.Typer(help="Import and manage recorded real calls.", no_args_is_help=True)
TRANSCRIPTS = {*TRANSCRIPT_SUFFIXES, ".srt"}


def collect(paths: list[Path]) -> list[tuple[Path, Path | None]]:
    """(call file, its transcript when the call file is audio) for files and folders; an audio
    file's transcript is a transcript file with the same name next to it."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
        elif path.is_file():
            files.append(path)
        else:
            raise CliError(f"{path}: no such file or folder")
    audio_stems = {(p.parent, p.stem) for p in files if p.suffix.lower() in AUDIO_SUFFIXES}
    out: list[tuple[Path, Path | None]] = []
    for file in files:
        suffix = file.suffix.lower()
        if suffix in AUDIO_SUFFIXES:
            partner = next(
                (
                    other
                    for other in files
                    if other.suffix.lower() in TRANSCRIPTS
                    and (other.parent, other.stem) == (file.parent, file.stem)
                ),
                None,
            )
            out.append((file, partner))
        elif suffix in TRANSCRIPTS and (file.parent, file.stem) not in audio_stems:
            out.append((file, None))
        elif suffix not in TRANSCRIPTS and not any(p.is_dir() for p in paths):
            raise CliError(f"{file}: unsupported file type; use one of {service.SUPPORTED}")
    if not out:
        raise CliError(f"no call files found; use one of {service.SUPPORTED}")
    return out


@calls_app.command("import")
def import_calls(
    paths: Annotated[
        list[Path], typer.Argument(help="Call files or folders (audio and/or transcripts).")
    ],
    agent: Annotated[str, typer.Option("--agent", help="Email of the agent on the calls.")],
    call_date: Annotated[
        str | None,
        typer.Option("--date", help="Date of the calls, YYYY-MM-DD (default: today)."),
    ] = None,
) -> None:
    """Import recorded calls for an agent, then transcribe and score them.

    Audio (wav, mp3, m4a, ogg, webm) must be stereo with the agent and the customer on separate
    channels (SPARRING_CALL_AGENT_CHANNEL); a mono recording needs its transcript next to it
    (same name, .json/.txt/.vtt/.srt). Transcripts: the scorer's JSON, Agent:/Customer: text,
    WebVTT, SRT, or Amazon Connect Contact Lens JSON. Importing a file again changes nothing.
    With SPARRING_BROKER_URL set the calls are queued for `sparring worker`; otherwise they are
    processed here.
    """
    try:
        when = date.fromisoformat(call_date) if call_date else None
    except ValueError:
        raise CliError(f"--date: {call_date!r} is not a date; use YYYY-MM-DD") from None
    items = collect(paths)
    config = settings()
    eng = engine()
    failures = 0
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            transient=False,
        ) as progress:
            bar = progress.add_task("importing", total=len(items))
            for file, partner in items:
                progress.update(bar, description=f"{file.name}: reading")
                line = _import_one(config, eng, file, partner, agent, when, progress, bar)
                failures += line.startswith("failed")
                progress.console.print(line)
                progress.advance(bar)
            progress.update(bar, description="done")
    finally:
        eng.dispose()
    if failures:
        raise typer.Exit(1)


def _import_one(
    config: object,
    eng: object,
    file: Path,
    partner: Path | None,
    agent_email: str,
    when: date | None,
    progress: Progress,
    bar: object,
) -> str:
    from server.settings import Settings

    assert isinstance(config, Settings)
    with db_session() as session:
        agent = session.exec(select(User).where(User.email == agent_email.strip().lower())).first()
        if agent is None:
            raise CliError(f"--agent: no user {agent_email!r}; see `sparring users list`")
        try:
            imported = service.import_call(
                session,
                config,
                data=file.read_bytes(),
                file_name=file.name,
                agent=agent,
                call_date=when,
                transcript=(partner.read_bytes(), partner.name) if partner else None,
            )
        except service.CallImportError as exc:
            return f"failed  {file}: {exc}"
        call = imported.call
        call_id, status = call.id or 0, call.status
    if not imported.created and status is CallStatus.done:
        return f"same    {file}: already imported as call {call_id}"
    if config.broker_url:
        jobs.submit(eng, config, call_id)  # type: ignore[arg-type]
        return f"queued  {file}: call {call_id}"

    def stage(name: str) -> None:
        progress.update(bar, description=f"{file.name}: {name}")  # type: ignore[arg-type]

    try:
        done = service.process_call(eng, config, call_id, on_stage=stage)  # type: ignore[arg-type]
    except Exception as exc:
        return f"failed  {file}: call {call_id}: {exc}"
    if done is None:
        return f"same    {file}: already imported as call {call_id}"
    if done.status is CallStatus.failed:
        return f"failed  {file}: call {call_id}: {done.error}"
    return f"scored  {file}: call {call_id}, week {done.week} ({done.behavior_id}) {_score(done)}"


def _score(call: Call) -> str:
    report = call.report_json or {}
    behaviors = report.get("behaviors", {})
    result = behaviors.get(call.behavior_id) if isinstance(behaviors, dict) else None
    if not isinstance(result, dict):
        return ""
    return f"{result.get('score')} {result.get('level')}"


@calls_app.command("list")
def list_calls(
    agent: Annotated[str | None, typer.Option("--agent", help="Only this agent's calls.")] = None,
) -> None:
    """List imported calls: id, agent, date, week, status (with the reason when failed)."""
    with db_session() as session:
        query = select(Call, User).join(User, col(User.id) == col(Call.agent_id))
        if agent:
            query = query.where(User.email == agent.strip().lower())
        for call, user in session.exec(query.order_by(col(Call.id))):
            reason = f"  {call.error}" if call.error else ""
            typer.echo(
                f"{call.id}\t{user.email}\t{call.call_date}\tweek {call.week}\t"
                f"{call.status.value}\t{call.file_name}\t{_score(call)}{reason}"
            )


@calls_app.command("delete")
def delete(
    call_id: Annotated[int, typer.Argument(help="The call's id (see `calls list`).")],
) -> None:
    """Delete a call with its audio, transcript, scores and labels."""
    with db_session() as session:
        call = session.get(Call, call_id)
        if call is None:
            raise CliError(f"there is no call {call_id}; see `sparring calls list`")
        service.delete_call(session, call)
    typer.echo(f"deleted call {call_id}")


@calls_app.command("purge")
def purge() -> None:
    """Delete call audio older than SPARRING_KEEP_AUDIO days (transcripts and scores stay)."""
    with db_session() as session:
        count = service.purge_expired_audio(session)
    typer.echo(f"deleted the audio of {count} call(s)")


def worker(
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", min=1, help="Calls processed at once.")
    ] = 1,
) -> None:
    """Run a Celery worker for call jobs (needs SPARRING_BROKER_URL=redis://…)."""
    config = settings()
    if not config.broker_url:
        raise CliError(
            "SPARRING_BROKER_URL is empty: calls are processed in-process; set it to a Redis URL "
            "such as redis://127.0.0.1:6379/0 to run workers"
        )
    jobs.run_worker(config, concurrency=concurrency)


def calibrate(
    team: Annotated[str | None, typer.Option("--team", help="Only this team's labels.")] = None,
) -> None:
    """How the scorer agrees with the managers' labels (practice and calls): per behavior the
    agreement, quadratic-weighted Cohen's kappa and confusion matrix, then drift by month."""
    with db_session() as session:
        try:
            pairs = calibration.stored_pairs(session, team_name=team)
        except calibration.UnknownTeam as exc:
            raise CliError(str(exc)) from None
    typer.echo(calibration.render_text(pairs), nl=False)


def register(app: typer.Typer) -> None:
    """Add the `calls` group, `worker`, and `scorer calibrate` to the `sparring` app."""
    from server.cli.markers import scorer_app

    app.add_typer(calls_app, name="calls")
    app.command("worker")(worker)
    scorer_app.command("calibrate")(calibrate)
