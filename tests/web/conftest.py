"""Web tests: the real app over a real migrated database (SQLite and PostgreSQL), demo users,
shipped scenarios, and a TestClient that signs in with the CSRF token like a browser."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from server.app import create_app
from server.db import session_scope
from server.demo import seed_demo
from server.services.scenario_store import sync_shipped
from server.settings import Settings

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


@pytest.fixture
def seeded(settings: Settings, engine) -> Settings:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        seed_demo(session, password=DEMO_PASSWORD)
        sync_shipped(session)
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
