"""Sessions can be revoked: signing out, a password reset, a role change and deactivation end
every session of that user (other browsers and open chat sockets included), and reactivating an
account does not bring old cookies back. Also: the admin page's rules now live in accounts."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select
from starlette.websockets import WebSocketDisconnect

from server import accounts
from server.accounts import get_user_by_email
from server.models import Role, Team, TeamMember, User
from tests.web.conftest import Browser


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """Session revocation is plain ORM code: one backend is enough here."""
    return str(request.param)


def _user_id(db: Session, email: str) -> int:
    db.expire_all()
    user = get_user_by_email(db, email)
    assert user is not None and user.id is not None
    return user.id


def _signed_in(browser: Browser) -> bool:
    response = browser.get("/", follow_redirects=False)
    return not response.headers.get("location", "").startswith("/login")


def _admin_save(admin: Browser, user_id: int, **form: Any) -> None:
    admin.page(f"/admin/users/{user_id}")
    response = admin.submit(f"/admin/users/{user_id}", form, follow_redirects=False)
    assert response.status_code == 303


def test_logout_ends_every_session_of_the_user(login, app) -> None:  # type: ignore[no-untyped-def]
    first = login("manager@demo.local")
    second = login("manager@demo.local")
    old_cookie = dict(first.cookies)
    first.submit("/logout", follow_redirects=False)
    assert not _signed_in(first)
    assert not _signed_in(second), "the other browser was signed out too"
    with Browser(app, cookies=old_cookie) as replay:
        assert not _signed_in(replay), "a copied cookie from before the sign-out is dead"
    assert _signed_in(login("manager@demo.local")), "signing in again works"


def test_password_reset_and_role_change_end_sessions(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin@demo.local")
    agent = login("agent1@demo.local")
    agent_id = _user_id(db, "agent1@demo.local")
    _admin_save(admin, agent_id, role="agent", active="1", password="new horse battery")
    assert not _signed_in(agent)
    agent = Browser(admin.app)
    agent.__enter__()
    agent.login("agent1@demo.local", "new horse battery")
    _admin_save(admin, agent_id, role="agent", active="1", name="Same role")
    assert _signed_in(agent), "saving without a change of role or password keeps the session"
    _admin_save(admin, agent_id, role="trainer", active="1")
    assert not _signed_in(agent)
    agent.__exit__(None, None, None)
    assert _signed_in(admin), "the admin's own session is untouched"


def test_reactivation_does_not_revive_old_cookies(login, app, db: Session) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin@demo.local")
    agent = login("agent2@demo.local")
    cookie = dict(agent.cookies)
    agent_id = _user_id(db, "agent2@demo.local")
    _admin_save(admin, agent_id, role="agent")  # no `active`: deactivated
    assert not _signed_in(agent)
    _admin_save(admin, agent_id, role="agent", active="1")
    with Browser(app, cookies=cookie) as replay:
        assert not _signed_in(replay)
    assert _signed_in(login("agent2@demo.local"))


def test_an_open_socket_is_closed_on_the_next_turn_after_deactivation(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin@demo.local")
    agent = login("agent1@demo.local")
    agent.page("/agent")
    start = agent.submit("/practice", {"scenario_id": "hostile_telecom_outage"})
    session_id = int(str(start.url).rsplit("/", 1)[1])
    with agent.websocket_connect(f"/ws/practice/{session_id}") as ws:
        assert ws.receive_json()["type"] == "hello"
        _admin_save(admin, _user_id(db, "agent1@demo.local"), role="agent")
        ws.send_json({"type": "say", "text": "Hello, how can I help you today?"})
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1008
    assert "signed out" in closed.value.reason
    from server.models import Turn

    db.expire_all()
    stored = db.exec(select(Turn).where(Turn.session_id == session_id)).all()
    assert [turn.speaker for turn in stored] == ["customer"], "no turn stored after deactivation"


def test_update_user_keeps_the_rules_in_accounts(db: Session) -> None:
    admin = accounts.require_user(db, "admin@demo.local")
    agent = accounts.require_user(db, "agent1@demo.local")
    with pytest.raises(accounts.AccountError, match="your own admin role"):
        accounts.update_user(db, actor=admin, user=admin, role="agent", name="", active=True)
    with pytest.raises(accounts.AccountError, match="deactivate yourself"):
        accounts.update_user(db, actor=admin, user=admin, role="admin", name="", active=False)
    night = accounts.get_or_create_team(db, name="Night shift")
    demo = db.exec(select(Team).where(Team.name != "Night shift")).one()
    assert night.id is not None and demo.id is not None
    epoch = agent.session_epoch
    accounts.update_user(
        db, actor=admin, user=agent, role="agent", name="Sam", active=True, team_ids=[night.id, 999]
    )
    db.flush()
    teams = set(db.exec(select(TeamMember.team_id).where(TeamMember.user_id == agent.id)))
    assert teams == {night.id}, "memberships follow the form; unknown teams are ignored"
    assert agent.name == "Sam" and agent.session_epoch == epoch, "no sign-out for a rename"
    with pytest.raises(accounts.AccountError, match="most common"):
        accounts.update_user(
            db, actor=admin, user=agent, role="manager", name="", active=True, password="password1"
        )
    assert agent.role is Role.agent, "nothing changes when one field is refused"
    with pytest.raises(accounts.AccountError, match="at most 120"):
        accounts.update_user(db, actor=admin, user=agent, role="agent", name="n" * 121, active=True)


def test_admin_forms_refuse_long_names_and_odd_numbers(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin@demo.local")
    admin.page("/admin/users")
    response = admin.submit(
        "/admin/users",
        {
            "email": "long.name@demo.local",
            "password": "a-long-password",
            "name": "x" * 900_000,
            "team_id": "²",
        },
    )
    assert response.status_code == 200 and "at most 120 characters" in response.text
    assert get_user_by_email(db, "long.name@demo.local") is None
    response = admin.submit(
        "/admin/users",
        {"email": "odd.team@demo.local", "password": "a-long-password", "team_id": "²"},
    )
    assert response.status_code == 200 and "Created odd.team@demo.local" in response.text
    user = get_user_by_email(db, "odd.team@demo.local")
    assert user is not None
    assert not db.exec(select(TeamMember).where(TeamMember.user_id == user.id)).all()
    user_id = _user_id(db, "agent1@demo.local")
    admin.page(f"/admin/users/{user_id}")
    saved = admin.submit(
        f"/admin/users/{user_id}",
        {"role": "agent", "active": "1", "team_ids": ["²", "9" * 30]},
    )
    assert saved.status_code == 200 and "Saved agent1@demo.local" in saved.text
    teams = admin.submit("/admin/teams", {"name": "t" * 121})
    assert "under 120 characters" in teams.text


def test_deactivated_users_are_not_on_the_teams_page(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin@demo.local")
    user = db.get(User, _user_id(db, "agent2@demo.local"))
    assert user is not None
    link = f'href="/admin/users/{user.id}"'
    assert link in admin.page("/admin/teams").text
    accounts.set_active(db, user, False)
    db.commit()
    assert link not in admin.page("/admin/teams").text


def test_deactivated_agents_are_not_on_the_heatmap_or_its_count(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    from bs4 import BeautifulSoup

    manager = login("manager@demo.local")

    def shown() -> tuple[str, set[str]]:
        page = BeautifulSoup(manager.page("/manager").text, "html.parser")
        count = page.select_one("#passed-now").get_text(" ", strip=True)
        return count, {a["href"] for a in page.select("a[href^='/manager/agents/']")}

    count, links = shown()
    agent = db.get(User, _user_id(db, "agent2@demo.local"))
    assert agent is not None
    assert any(link.startswith(f"/manager/agents/{agent.id}") for link in links)
    accounts.set_active(db, agent, False)
    db.commit()
    count_after, links_after = shown()
    assert not any(link.startswith(f"/manager/agents/{agent.id}") for link in links_after)
    before = int(count.split(" of ")[1].split()[0])
    assert f"of {before - 1} agents" in count_after
