"""`sparring scenario …`: check persona files and print their JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from server.scenario.loader import jsonschema, lint

scenario_app = typer.Typer(
    help="Persona files: lint them, print their schema.", no_args_is_help=True
)


@scenario_app.command("lint")
def lint_command(
    paths: Annotated[
        list[Path], typer.Argument(help="Persona files or folders (e.g. scenarios/).")
    ],
) -> None:
    """List every problem as `file:line: field: message`; exit 1 when there is any."""
    missing = [path for path in paths if not path.exists()]
    for path in missing:
        typer.echo(f"{path}: no such file or folder", err=True)
    count, problems = lint(path for path in paths if path.exists())
    for problem in problems:
        typer.echo(str(problem))
    if problems or missing:
        total = len(problems) + len(missing)
        typer.echo(f"{total} problem(s); fix them and run the lint again", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {count} scenarios")


@scenario_app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of a persona file (the curriculum's is under $defs)."""
    typer.echo(json.dumps(jsonschema(), indent=2))


def register(app: typer.Typer) -> None:
    app.add_typer(scenario_app, name="scenario")
