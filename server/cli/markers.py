"""`sparring markers FILE.jsonl`, `sparring scorer eval FILE.jsonl | DIR` and `sparring scorer
trust` (the README's "How far to trust the scorer" section, generated)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from scorer.evaluation import (
    EvalFileError,
    evaluate,
    evaluate_conversations,
    read_rows,
    replace_trust_section,
    trust_section,
)
from scorer.markers import detect, marker_names
from server.cli.scoring import configured_judge

scorer_app = typer.Typer(
    name="scorer",
    help="Measure the scorer against labelled data.",
    no_args_is_help=True,
)

FileArgument = Annotated[
    Path, typer.Argument(help="A .jsonl file: one JSON object per line.", show_default=False)
]


def markers(file: FileArgument) -> None:
    """Print the markers of each agent turn in FILE.

    Each line of FILE is {"text": "<agent turn>", "context": "<previous customer turn>"};
    each output line is {"markers": [...]}, in the same order.
    """
    try:
        rows = read_rows(file)
    except EvalFileError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=1) from None
    for row in rows:
        names = marker_names(detect(row.text, context=row.context))
        typer.echo(json.dumps({"markers": names}))


@scorer_app.command("eval")
def eval_command(
    path: Annotated[
        Path,
        typer.Argument(
            help="A labelled .jsonl file (markers), or a folder of labelled conversations "
            '(.json transcripts with "expect": {behavior_id: level}).',
            show_default=False,
        ),
    ],
    misses: Annotated[
        bool,
        typer.Option(
            "--misses",
            help="Folder only: list the disagreements of the tune half (the check half is "
            "shown only in aggregate).",
        ),
    ] = False,
    output: Annotated[
        str, typer.Option("--format", "-f", help="Folder only: text or json.")
    ] = "text",
    judge: Annotated[
        bool,
        typer.Option(
            "--judge",
            help="Folder only: score with the LLM judge configured by SPARRING_LLM_* on top of "
            "the markers (shows how many labels the judge decided).",
        ),
    ] = False,
) -> None:
    """Measure the scorer against labelled data.

    A .jsonl FILE measures the markers: accuracy, per-label P/R/F1 and confusion.
    A FOLDER of labelled conversations measures the behaviors: level agreement, a confusion
    matrix per behavior and quadratic-weighted Cohen's kappa, overall and on the two fixed
    halves of the folder ("tune" and "check", by the SHA-1 of each file name).
    """
    if output not in ("text", "json"):
        _fail(f"--format: unknown format {output!r}; use text or json")
    if not path.is_dir():
        if misses or judge or output != "text":
            _fail(
                f"{path}: --misses, --judge and --format apply to a folder of labelled "
                "conversations, not to a .jsonl file"
            )
        try:
            result = evaluate(path)
        except EvalFileError as error:
            _fail(str(error))
        typer.echo(result.render())
        return
    llm_judge = configured_judge() if judge else None
    try:
        found = evaluate_conversations(path, judge=llm_judge)
    except EvalFileError as error:
        _fail(str(error))
    if output == "json":
        typer.echo(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(found.render(misses=misses))


SHIPPED = Path(__file__).resolve().parents[2] / "tests" / "scorer" / "conversations"


@scorer_app.command("trust")
def trust_command(
    sets: Annotated[
        list[str] | None,
        typer.Argument(
            help="Folders of labelled conversations, each DIR or NAME=DIR (NAME is what the "
            "section calls it; default: the folder's path). Default: the conversations shipped "
            "in tests/scorer/conversations.",
            show_default=False,
        ),
    ] = None,
    write: Annotated[
        Path | None,
        typer.Option(
            "--write",
            help="Replace the generated section of this Markdown file (between its "
            "scorer-trust marker comments) instead of printing it.",
        ),
    ] = None,
) -> None:
    """Generate the "How far to trust the scorer" section: per-behavior level agreement and
    quadratic-weighted kappa on labelled conversations, next to the human-human figure."""
    chosen = list(sets or [f"tests/scorer/conversations={SHIPPED}"])
    measured = []
    for item in chosen:
        name, _, folder = item.rpartition("=")
        name = name or folder
        try:
            measured.append((name, evaluate_conversations(folder)))
        except EvalFileError as error:
            _fail(str(error))
    section = trust_section(measured)
    if write is None:
        typer.echo(section)
        return
    try:
        text = write.read_text(encoding="utf-8")
    except OSError as error:
        _fail(f"{write}: cannot be read ({error.strerror}); pass the Markdown file to update")
    try:
        updated = replace_trust_section(text, section, str(write))
    except EvalFileError as error:
        _fail(str(error))
    if updated != text:
        write.write_text(updated, encoding="utf-8")
    typer.echo(f"{write}: section {'updated' if updated != text else 'already current'}")


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Add `markers` and the `scorer` group to the `sparring` app."""
    app.command("markers")(markers)
    app.add_typer(scorer_app, name="scorer")
