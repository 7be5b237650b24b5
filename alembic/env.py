"""Alembic environment: the target metadata is SQLModel's, the URL comes from Sparring's settings
(or from `config.attributes["connection"]` when `server.migrations` passes one in)."""

from alembic import context
from sqlmodel import SQLModel

import server.models  # noqa: F401  (registers every table)
from server.db import make_engine
from server.settings import load_settings

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    settings = load_settings()
    context.configure(
        url=settings.resolved_database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(load_settings())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
