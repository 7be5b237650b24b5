"""Who may use which route: every route of the app, for an anonymous visitor, each role, a second
agent of the same team and a manager of another team.

The table below is the access policy. A new route fails `test_every_route_is_in_the_matrix`
until it is added here with its audience."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from starlette.testclient import WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

from server.models import Assignment, Call, CallSource, CallStatus, Team
from server.services import practice
from server.services.scenario_store import latest_version
from server.web.routes import routers
from tests.web.conftest import DEMO_PASSWORD, Browser
from tests.web.manager_attempts import other_team, practise, user

ANON = "anonymous"
OWNER = "agent1@demo.local"  # owns the attempt and the open practice session
PEER = "agent2@demo.local"  # same team, not the owner
MANAGER = "manager@demo.local"  # manages the owner's team
OTHER_MANAGER = "night.manager@demo.local"  # manages another team
TRAINER = "trainer@demo.local"
ADMIN = "admin@demo.local"
VISITORS = (ANON, OWNER, PEER, MANAGER, OTHER_MANAGER, TRAINER, ADMIN)

EVERYONE = frozenset(VISITORS) - {ANON}
AGENTS = frozenset({OWNER, PEER, ADMIN})
TEAM_STAFF = frozenset({MANAGER, ADMIN})
MANAGERS = frozenset({MANAGER, OTHER_MANAGER, ADMIN})
TRAINERS = frozenset({TRAINER, ADMIN})
ADMINS = frozenset({ADMIN})
ATTEMPT_VIEWERS = frozenset({OWNER, MANAGER, ADMIN})
OWNER_ONLY = frozenset({OWNER})

# (method, path template) -> who may use it. `{...}` are filled from the fixture's objects.
POLICY: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/"): EVERYONE,
    ("POST", "/logout"): EVERYONE,
    ("GET", "/admin/users"): ADMINS,
    ("POST", "/admin/users"): ADMINS,
    ("GET", "/admin/users/{user_id}"): ADMINS,
    ("POST", "/admin/users/{user_id}"): ADMINS,
    ("GET", "/admin/teams"): ADMINS,
    ("POST", "/admin/teams"): ADMINS,
    ("GET", "/trainer/scenarios"): TRAINERS,
    ("GET", "/trainer/scenarios/new"): TRAINERS,
    ("GET", "/trainer/scenarios/reference"): TRAINERS,
    ("POST", "/trainer/scenarios/new"): TRAINERS,
    ("GET", "/trainer/scenarios/{scenario_id}"): TRAINERS,
    ("GET", "/trainer/scenarios/{scenario_id}/edit"): TRAINERS,
    ("POST", "/trainer/scenarios/{scenario_id}/draft"): TRAINERS,
    ("POST", "/trainer/scenarios/{scenario_id}/discard"): TRAINERS,
    ("POST", "/trainer/scenarios/{scenario_id}/validate"): TRAINERS,
    ("POST", "/trainer/scenarios/{scenario_id}/preview"): TRAINERS,
    ("POST", "/trainer/scenarios/{scenario_id}/publish"): TRAINERS,
    ("GET", "/trainer/scenarios/{scenario_id}/versions/{number}"): TRAINERS,
    ("POST", "/trainer/scenarios/{scenario_id}/versions/{number}/restore"): TRAINERS,
    ("GET", "/trainer/scenarios/{scenario_id}/diff"): TRAINERS,
    ("GET", "/agent"): AGENTS,
    ("GET", "/agent/card"): AGENTS,
    ("GET", "/agent/history"): AGENTS,
    ("GET", "/attempts/{session_id}"): ATTEMPT_VIEWERS,
    ("POST", "/attempts/{session_id}/retake"): OWNER_ONLY,
    ("POST", "/practice"): AGENTS,
    ("GET", "/practice/{session_id}"): OWNER_ONLY,
    ("POST", "/practice/{session_id}/say"): OWNER_ONLY,
    ("POST", "/practice/{session_id}/end"): OWNER_ONLY,
    ("WS", "/ws/practice/{session_id}"): OWNER_ONLY,
    ("POST", "/practice/voice"): AGENTS,
    ("GET", "/practice/{session_id}/voice"): OWNER_ONLY,
    ("WS", "/ws/practice/{session_id}/voice"): OWNER_ONLY,
    ("GET", "/manager"): MANAGERS,
    ("GET", "/manager/agents/{user_id}"): TEAM_STAFF,
    ("GET", "/manager/agents/{user_id}/weeks/{week}"): TEAM_STAFF,
    ("GET", "/manager/curriculum"): MANAGERS,
    ("POST", "/manager/curriculum"): MANAGERS,
    ("POST", "/manager/curriculum/overrides"): MANAGERS,
    ("POST", "/manager/curriculum/overrides/{override_id}/remove"): TEAM_STAFF,
    ("GET", "/manager/attempts/{attempt_id}/label"): TEAM_STAFF,
    ("POST", "/manager/attempts/{attempt_id}/label"): TEAM_STAFF,
    ("GET", "/manager/calibration"): MANAGERS,
    ("GET", "/manager/export.csv"): MANAGERS,
    ("GET", "/manager/calibration.csv"): MANAGERS,
    ("GET", "/manager/calls"): MANAGERS,
    ("POST", "/manager/calls"): MANAGERS,
    ("GET", "/manager/calls/{call_id}"): TEAM_STAFF,
    ("GET", "/manager/calls/{call_id}/audio"): TEAM_STAFF,
    ("POST", "/manager/calls/{call_id}/label"): TEAM_STAFF,
    ("POST", "/manager/calls/{call_id}/remove"): TEAM_STAFF,
}
PUBLIC = {("GET", "/login"), ("POST", "/login")}


def app_routes() -> set[tuple[str, str]]:
    found = set()
    for router in routers:
        for route in router.routes:
            for method in getattr(route, "methods", None) or {"WS"}:
                found.add((method, route.path))  # type: ignore[attr-defined]
    return found


def test_every_route_is_in_the_matrix() -> None:
    assert app_routes() == set(POLICY) | PUBLIC


@pytest.fixture
def world(app, db: Session) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Objects the routes point at: the owner's scored attempt and open session, an override."""
    other_team(db, DEMO_PASSWORD)
    attempt = practise(db, OWNER)
    open_session = practice.start_practice(
        db, user(db, OWNER), scenario_id="calm_banking_fraud_alert"
    )
    team = db.exec(select(Team).where(Team.name == "Demo team")).one()
    override = Assignment(
        team_id=team.id, behavior_id="clarity", starts_on=attempt.started_at.date()
    )
    db.add(override)
    audio = app.state.settings.data_dir / "calls" / "audio" / "world.wav"
    audio.parent.mkdir(parents=True, exist_ok=True)
    audio.write_bytes(b"RIFF" + bytes(64))
    call = Call(
        content_hash="0" * 64,
        agent_id=user(db, OWNER).id or 0,
        source=CallSource.transcript,
        file_name="world.wav",
        file_format="wav",
        call_date=attempt.started_at.date(),
        week=1,
        behavior_id="active_listening",
        status=CallStatus.done,
        audio_path=str(audio),
    )
    db.add(call)
    db.commit()
    shipped = latest_version(db, "calm_banking_fraud_alert")
    assert shipped is not None
    return {
        "user_id": str(user(db, OWNER).id),
        "scenario_id": "calm_banking_fraud_alert",
        "number": str(shipped.version),
        "session_id_attempt": str(attempt.id),
        "session_id_open": str(open_session.id),
        "attempt_id": str(attempt.id),
        "week": "1",
        "override_id": str(override.id),
        "call_id": str(call.id),
    }


def concrete(path: str, world: dict[str, str]) -> str:
    """Fill a path template; practice routes use the open session, attempt routes the attempt."""
    key = "session_id_open" if path.startswith(("/practice", "/ws/")) else "session_id_attempt"
    values = {**world, "session_id": world[key]}
    return path.format(**values)


@pytest.fixture
def visitor(login, app):  # type: ignore[no-untyped-def]
    """`visitor(who)` -> a Browser signed in as `who`, or anonymous with a CSRF token."""
    anonymous: list[Browser] = []

    def make(who: str) -> Browser:
        if who != ANON:
            return login(who)  # type: ignore[no-any-return]
        browser = Browser(app)
        browser.__enter__()
        browser.page("/login")
        anonymous.append(browser)
        return browser

    yield make
    for browser in anonymous:
        browser.__exit__(None, None, None)


def attempt_status(browser: Browser, method: str, path: str) -> int:
    if method == "WS":
        try:
            with browser.websocket_connect(path) as socket:
                socket.receive_json()
                return 101
        except WebSocketDenialResponse as denial:
            return int(denial.status_code)
        except WebSocketDisconnect as closed:
            return 403 if closed.code == 1008 else 500
    if method == "GET":
        return browser.get(path, follow_redirects=False).status_code
    return browser.submit(path, {}, follow_redirects=False).status_code


@pytest.mark.parametrize("who", VISITORS)
def test_route_access(who: str, visitor, world: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    browser = visitor(who)
    failures = []
    for (method, template), allowed in sorted(POLICY.items()):
        if (method, template) == ("POST", "/logout"):
            continue  # signing out would end the visitor's session for the routes after it
        path = concrete(template, world)
        status = attempt_status(browser, method, path)
        if who == ANON:
            ok = status in (303, 403) if method == "WS" else status == 303
        elif who in allowed:
            ok = status not in (401, 403, 404) and status < 500
        elif who == OTHER_MANAGER and "{" in template:
            ok = status in (403, 404)  # another team's object: refused or not found, never shown
        else:
            ok = status == 403
        if not ok:
            failures.append(f"{method} {path}: {status}")
    assert failures == [], f"{who}: unexpected statuses"


def test_anonymous_is_sent_to_sign_in(visitor, world: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    browser = visitor(ANON)
    for method, template in sorted(POLICY):
        if method != "GET":
            continue
        response = browser.get(concrete(template, world), follow_redirects=False)
        assert response.headers["location"].startswith("/login?next="), template
