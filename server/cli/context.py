"""What every command needs: validated settings and a database engine, with configuration
problems turned into one readable line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy import Engine
from sqlmodel import Session

from server.db import make_engine, session_scope
from server.settings import Settings, load_settings


class CliError(Exception):
    """Printed as `error: <message>` with exit code 2, without a traceback."""


def settings() -> Settings:
    return load_settings()


def engine() -> Engine:
    return make_engine(settings())


@contextmanager
def db_session() -> Iterator[Session]:
    eng = engine()
    try:
        with session_scope(eng) as session:
            yield session
    finally:
        eng.dispose()


def fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)
