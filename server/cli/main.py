"""Entry point of the `sparring` command: one Typer app; each command group lives in its own module
and registers itself here."""

from __future__ import annotations

import sys

import typer

from server import __version__
from server.accounts import AccountError
from server.cli import calls as calls_cli
from server.cli import db as db_cli
from server.cli import markers as markers_cli
from server.cli import practice as practice_cli
from server.cli import scenario as scenario_cli
from server.cli import scoring as scoring_cli
from server.cli import serve as serve_cli
from server.cli import users as users_cli
from server.cli.context import CliError
from server.settings import SettingsError

app = typer.Typer(
    name="sparring",
    help="Sparring: practise customer-service soft skills against a virtual customer.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def version() -> None:
    """Print the Sparring version."""
    typer.echo(__version__)


serve_cli.register(app)
db_cli.register(app)
users_cli.register(app)
scenario_cli.register(app)
practice_cli.register(app)
scoring_cli.register(app)
markers_cli.register(app)
calls_cli.register(app)


def main() -> None:
    try:
        app(standalone_mode=True)
    except (SettingsError, AccountError, CliError) as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
