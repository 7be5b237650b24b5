"""Call tests reuse the web fixtures: a migrated database (SQLite and PostgreSQL) with the demo
team, its manager and agents."""

from tests.web.conftest import Browser, app, client, db, login, seeded  # noqa: F401
