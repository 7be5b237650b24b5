"""Web tests: the real app over a real migrated database (SQLite and PostgreSQL), demo users,
shipped scenarios (seeded once into a template that every test copies), and a TestClient that
signs in with the CSRF token like a browser."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine
from sqlmodel import Session

from server.app import create_app
from server.db import session_scope
from server.demo import seed_demo
from server.services.scenario_store import sync_shipped
from server.settings import Settings
from tests.conftest import PostgresServer, _postgres_template

DEMO_PASSWORD = "web-demo-password"
CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')


class Browser(TestClient):
    """A TestClient that keeps the CSRF token of the last page it saw."""

    csrf: str = ""

    def page(self, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        response = self.get(url, **kwargs)  # type: ignore[arg-type]
        if match := CSRF_RE.search(response.text):
            self.csrf = match.group(1)
        return response

    def submit(self, url: str, data: dict[str, object] | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
        if not self.csrf:
            self.page("/login")
        return self.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)  # type: ignore[arg-type]

    def login(self, email: str, password: str = DEMO_PASSWORD) -> Browser:
        self.page("/login")
        response = self.submit(
            "/login", {"email": email, "password": password}, follow_redirects=False
        )
        assert response.status_code == 303, response.text
        self.page("/login")  # fresh CSRF token of the new session
        return self


def _seed(engine: Engine) -> None:
    with session_scope(engine) as session:
        seed_demo(session, password=DEMO_PASSWORD)
        sync_shipped(session)


@pytest.fixture(scope="session")
def seeded_templates(
    tmp_path_factory: pytest.TempPathFactory, migrated_templates: dict[str, str]
) -> dict[str, str]:
    """The migrated templates with the demo team and the shipped personas, seeded once: each web
    test starts from a copy instead of hashing the demo passwords and parsing every persona."""
    target = tmp_path_factory.mktemp("seeded-template") / "sparring.db"
    shutil.copy(migrated_templates["sqlite"], target)
    engine = create_engine(f"sqlite:///{target}")
    _seed(engine)
    engine.dispose()
    return {"sqlite": str(target)}


def _seeded_postgres(request: pytest.FixtureRequest, templates: dict[str, str]) -> str:
    if "postgres" not in templates:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        migrated = _postgres_template(request, request.getfixturevalue("migrated_templates"))
        name = server.create(template=migrated)
        engine = create_engine(server.url_for(name))
        _seed(engine)
        engine.dispose()
        templates["postgres"] = name
    return templates["postgres"]


@pytest.fixture
def database_url(
    backend: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    seeded_templates: dict[str, str],
) -> str:
    """A fresh database on the chosen backend, migrated and seeded (a copy of the template)."""
    if backend == "sqlite":
        target = tmp_path / "var" / "sparring.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(seeded_templates["sqlite"], target)
        return f"sqlite:///{target}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.url_for(server.create(template=_seeded_postgres(request, seeded_templates)))


@pytest.fixture
def seeded(settings: Settings) -> Settings:
    """Settings of a database holding the demo team (password DEMO_PASSWORD) and every
    shipped persona."""
    return settings


@pytest.fixture
def app(seeded: Settings):  # type: ignore[no-untyped-def]
    application = create_app(seeded)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app) -> Iterator[Browser]:  # type: ignore[no-untyped-def]
    with Browser(app) as browser:
        yield browser


@pytest.fixture
def login(app) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """`login(email)` -> a new signed-in Browser (several may be open at once)."""
    browsers: list[Browser] = []

    def make(email: str) -> Browser:
        browser = Browser(app)
        browser.__enter__()
        browsers.append(browser)
        return browser.login(email)

    yield make
    for browser in browsers:
        browser.__exit__(None, None, None)


@pytest.fixture
def db(app) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    with Session(app.state.engine, expire_on_commit=False) as session:
        yield session
