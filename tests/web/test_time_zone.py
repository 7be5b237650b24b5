"""Pages show stored UTC times in the installation's time zone (`SPARRING_TIME_ZONE`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from server.app import create_app
from server.models import PracticeSession
from server.settings import Settings
from tests.web.conftest import Browser
from tests.web.test_agent_scorecard import LINES, play

STARTED = datetime(2026, 7, 1, 18, 30, tzinfo=UTC)


@pytest.fixture
def new_york(seeded: Settings) -> Iterator[object]:
    application = create_app(seeded.model_copy(update={"time_zone": "America/New_York"}))
    yield application
    application.state.engine.dispose()


def _attempt(application: object) -> int:
    with Session(application.state.engine, expire_on_commit=False) as db:  # type: ignore[attr-defined]
        session_id = play(db, "agent1@demo.local", LINES)
        attempt = db.get(PracticeSession, session_id)
        assert attempt is not None
        attempt.started_at = STARTED
        db.add(attempt)
        db.commit()
    return session_id


def test_attempt_times_are_shown_in_the_configured_zone(new_york) -> None:  # type: ignore[no-untyped-def]
    session_id = _attempt(new_york)
    with Browser(new_york) as agent:
        agent.login("agent1@demo.local")
        scorecard = agent.page(f"/attempts/{session_id}").text
        assert "01 Jul 2026, 14:30" in scorecard  # 18:30 UTC is 14:30 in New York (EDT)
        assert "01 Jul 2026, 18:30" not in scorecard
        assert "01 Jul 2026, 14:30" in agent.page("/agent/history").text
    with Browser(new_york) as manager:
        manager.login("manager@demo.local")
        with Session(new_york.state.engine) as db:
            attempt = db.get(PracticeSession, session_id)
            assert attempt is not None
            agent_id, week = attempt.user_id, attempt.week
        drill_down = manager.page(f"/manager/agents/{agent_id}/weeks/{week}").text
        assert "Attempt of 01 Jul 2026, 14:30" in drill_down
        assert "01 Jul 2026, 14:30" in manager.page(f"/manager/agents/{agent_id}").text
        label = manager.page(f"/manager/attempts/{session_id}/label").text
        assert "01 Jul 2026, 14:30" in label


def test_utc_is_the_default(app) -> None:  # type: ignore[no-untyped-def]
    session_id = _attempt(app)
    with Browser(app) as agent:
        agent.login("agent1@demo.local")
        assert "01 Jul 2026, 18:30" in agent.page(f"/attempts/{session_id}").text
