"""Entry point of the `sparring` command: one Typer app; each command group lives in its own module
and registers itself here."""

from __future__ import annotations

import typer

from server import __version__

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


def main() -> None:
    app()
