"""Call tests reuse the web fixtures: a migrated database (SQLite and PostgreSQL) with the demo
team, its manager and agents, the app and signed-in browsers. Every fixture the web tests define
is taken over, so that both are seeded the same way."""

from typing import Any

from _pytest.fixtures import FixtureFunctionDefinition

import tests.web.conftest as web

_shared: dict[str, Any] = {
    name: value for name, value in vars(web).items() if isinstance(value, FixtureFunctionDefinition)
}
globals().update(_shared)
