"""Fixtures shared by the whole suite: settings that never read a developer's environment, and
migrated databases on SQLite and on the local PostgreSQL.

PostgreSQL comes from `SPARRING_TEST_POSTGRES_URL` (default: the local server over TCP with trust
auth, as `.ci/run` leaves it). Set it to `off` to skip the Postgres half on a machine without one.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from server import migrations
from server.db import make_engine
from server.settings import Settings

POSTGRES_ADMIN_URL = os.environ.get(
    "SPARRING_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Argon2id with minimal cost: the same code path, milliseconds instead of ~100 ms a hash."""
    from argon2 import PasswordHasher

    from server import passwords

    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = original


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's SPARRING_* variables; the working directory is a temp dir."""
    for key in list(os.environ):
        if key.startswith("SPARRING_") and key != "SPARRING_TEST_POSTGRES_URL":
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SPARRING_DATA_DIR", str(tmp_path / "var"))


def make_settings(tmp_path: Path, database_url: str = "", **overrides: object) -> Settings:
    return Settings(  # type: ignore[arg-type]
        data_dir=tmp_path / "var",
        database_url=database_url,
        secret_key=TEST_SECRET,
        **overrides,
    )


class PostgresServer:
    """Creates throw-away databases on the local PostgreSQL."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def url_for(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        name = f"sparring_test_{uuid.uuid4().hex[:12]}"
        clause = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}{clause}"))
        self.created.append(name)
        return name

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    if POSTGRES_ADMIN_URL == "off":
        pytest.skip("SPARRING_TEST_POSTGRES_URL=off: PostgreSQL tests skipped")
    server = PostgresServer(POSTGRES_ADMIN_URL)
    try:
        with server.admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # pragma: no cover - a machine without the local server
        pytest.fail(
            f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable ({exc.__class__.__name__}); "
            "start it (see .ci/run) or set SPARRING_TEST_POSTGRES_URL=off"
        )
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def migrated_templates(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> dict[str, str]:
    """Migrated-once templates: a SQLite file and (lazily) a Postgres template database."""
    sqlite_dir = tmp_path_factory.mktemp("sqlite-template")
    settings = make_settings(sqlite_dir)
    engine = make_engine(settings)
    migrations.upgrade(engine)
    engine.dispose()
    return {"sqlite": str(sqlite_dir / "var" / "sparring.db")}


def _postgres_template(request: pytest.FixtureRequest, templates: dict[str, str]) -> str:
    if "postgres" not in templates:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        name = server.create()
        engine = create_engine(server.url_for(name))
        migrations.upgrade(engine)
        engine.dispose()
        templates["postgres"] = name
    return templates["postgres"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(
    backend: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    migrated_templates: dict[str, str],
) -> str:
    """A fresh, migrated database on the chosen backend."""
    if backend == "sqlite":
        target = tmp_path / "var" / "sparring.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(migrated_templates["sqlite"], target)
        return f"sqlite:///{target}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template = _postgres_template(request, migrated_templates)
    return server.url_for(server.create(template=template))


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    eng = make_engine(settings)
    yield eng
    eng.dispose()
