from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlmodel import SQLModel

import server.models  # noqa: F401
from server import migrations
from server.db import make_engine
from tests.conftest import PostgresServer, make_settings

EXPECTED_TABLES = set(SQLModel.metadata.tables)


def test_migrated_database_has_every_model_table(engine) -> None:  # type: ignore[no-untyped-def]
    tables = set(inspect(engine).get_table_names())
    assert tables >= EXPECTED_TABLES
    assert "alembic_version" in tables


def _round_trip(engine) -> None:  # type: ignore[no-untyped-def]
    migrations.upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= EXPECTED_TABLES
    migrations.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrations.upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= EXPECTED_TABLES


def test_up_down_up_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(make_settings(tmp_path))
    _round_trip(engine)
    engine.dispose()


@pytest.mark.postgres
def test_up_down_up_on_postgres(tmp_path: Path, postgres_server: PostgresServer) -> None:
    url = postgres_server.url_for(postgres_server.create())
    engine = make_engine(make_settings(tmp_path, url))
    _round_trip(engine)
    engine.dispose()


def test_models_and_migrations_agree(engine) -> None:  # type: ignore[no-untyped-def]
    """Autogenerate against a migrated database finds nothing to do: every model change comes
    with its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
