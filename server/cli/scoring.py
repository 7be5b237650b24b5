"""`sparring score FILE`: grade a transcript (JSON, plain text or WebVTT) with the shared scorer;
`--judge` adds the LLM judge configured by `SPARRING_LLM_*` on top of the marker rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer

import scorer
from scorer.judge import LLMJudge


def score(
    file: Annotated[
        Path, typer.Argument(help="Transcript: .json, .vtt, or Agent:/Customer: lines.")
    ],
    behavior: Annotated[
        list[str] | None,
        typer.Option("--behavior", "-b", help="Behavior id to score (repeatable; default: all)."),
    ] = None,
    output: Annotated[
        str, typer.Option("--format", "-f", help="text (scorecard) or json.")
    ] = "text",
    judge: Annotated[
        bool,
        typer.Option(
            "--judge",
            help="Ask the LLM judge (SPARRING_LLM_MODEL, SPARRING_LLM_BASE_URL, "
            "SPARRING_LLM_API_KEY) per behavior; the markers decide where it gives no verified "
            "verdict, and the report says which layer decided and why.",
        ),
    ] = False,
) -> None:
    """Score a transcript: per behavior a score, level, quoted evidence and coaching."""
    if output not in ("text", "json"):
        _fail(f"--format: unknown format {output!r} — use text or json")
    llm_judge = configured_judge() if judge else None
    try:
        transcript = scorer.load(file)
        report = scorer.score(transcript, behaviors=behavior or None, judge=llm_judge)
    except scorer.TranscriptError as exc:
        _fail(str(exc))
    except ValueError as exc:
        _fail(f"--behavior: {exc}")
    if output == "json":
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(scorer.render_text(report, transcript), nl=False)


def configured_judge() -> LLMJudge:
    """The LLM judge the settings configure, for `--judge`; exits with the reason when none."""
    from server.services.judging import judge_from_settings, judge_status
    from server.settings import load_settings

    settings = load_settings()
    llm_judge = judge_from_settings(settings)
    if llm_judge is None:
        _fail(f"--judge: {judge_status(settings)}")
    return llm_judge


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.command("score")(score)
