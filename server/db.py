"""Database engine and sessions. The schema comes only from alembic migrations (`sparring db
upgrade`); the app never creates tables itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, create_engine

from server.settings import Settings


def make_engine(settings: Settings) -> Engine:
    url = settings.resolved_database_url
    if settings.is_sqlite:
        settings.ensure_data_dir()
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def database_status(engine: Engine) -> tuple[bool, str]:
    """(reachable, detail) for /healthz: can we connect, and which migration is applied."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            try:
                revision = connection.execute(
                    text("SELECT version_num FROM alembic_version")
                ).scalar()
            except SQLAlchemyError:
                return True, "no schema yet: run `sparring db upgrade`"
            return True, f"revision {revision}"
    except SQLAlchemyError as exc:
        return False, str(exc.__cause__ or exc).splitlines()[0]
