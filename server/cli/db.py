"""`sparring db …`: apply or revert the schema migrations."""

from __future__ import annotations

import typer
from sqlalchemy import inspect

from server import migrations
from server.cli import context

db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade(
    revision: str = typer.Argument("heads", help="Target revision (default: latest)."),
) -> None:
    """Apply migrations up to REVISION (creates the schema on a new database)."""
    engine = context.engine()
    try:
        migrations.upgrade(engine, revision)
    finally:
        engine.dispose()
    typer.echo(f"database upgraded to {revision}")


@db_app.command("downgrade")
def downgrade(
    revision: str = typer.Argument(..., help="Target revision, or `base` for empty."),
) -> None:
    """Revert migrations down to REVISION."""
    engine = context.engine()
    try:
        migrations.downgrade(engine, revision)
    finally:
        engine.dispose()
    typer.echo(f"database downgraded to {revision}")


@db_app.command("current")
def current() -> None:
    """Show the applied revision and the tables present."""
    engine = context.engine()
    try:
        tables = inspect(engine).get_table_names()
        with engine.connect() as conn:
            revision = (
                conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
                if "alembic_version" in tables
                else None
            )
    finally:
        engine.dispose()
    typer.echo(f"revision: {revision or 'none (run `sparring db upgrade`)'}")
    typer.echo(f"tables: {len([t for t in tables if t != 'alembic_version'])}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
