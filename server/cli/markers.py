"""`sparring markers FILE.jsonl` and `sparring scorer eval FILE.jsonl`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from scorer.evaluation import EvalFileError, evaluate, read_rows
from scorer.markers import detect, marker_names

scorer_app = typer.Typer(
    name="scorer",
    help="Measure the scorer's markers against labelled data.",
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
def eval_command(file: FileArgument) -> None:
    """Score the markers against a labelled FILE: accuracy, per-label P/R/F1, confusion."""
    try:
        result = evaluate(file)
    except EvalFileError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(result.render())


def register(app: typer.Typer) -> None:
    """Add `markers` and the `scorer` group to the `sparring` app."""
    app.command("markers")(markers)
    app.add_typer(scorer_app, name="scorer")
