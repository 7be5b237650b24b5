"""Admin pages: users and teams, with validation that keeps data safe."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlmodel import Session, select

from server.accounts import get_user_by_email
from server.models import Role, Team, TeamMember
from server.passwords import verify_password


def _user_id(db: Session, email: str) -> int:
    user = get_user_by_email(db, email)
    assert user is not None and user.id is not None
    return user.id


def test_users_page_lists_everyone_with_role_and_team(login) -> None:  # type: ignore[no-untyped-def]
    page = login("admin@demo.local").page("/admin/users")
    soup = BeautifulSoup(page.text, "html.parser")
    rows = {
        tr.find("a").get_text(): [td.get_text() for td in tr.find_all("td")]
        for tr in soup.select("tbody tr")
    }
    assert rows["manager@demo.local"][2:4] == ["manager", "Demo team"]
    assert rows["trainer@demo.local"][2:4] == ["trainer", ""]
    assert len(rows) == 5


def test_admin_creates_a_user_in_a_team(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin@demo.local")
    admin.page("/admin/users")
    team = db.exec(select(Team)).one()
    response = admin.submit(
        "/admin/users",
        {
            "email": "new.agent@demo.local",
            "password": "a-long-password",
            "role": "agent",
            "name": "New Agent",
            "team_id": str(team.id),
        },
    )
    assert "Created new.agent@demo.local (agent)." in response.text
    db.expire_all()
    user = get_user_by_email(db, "new.agent@demo.local")
    assert user is not None and user.role is Role.agent
    assert verify_password(user.password_hash, "a-long-password")
    assert db.exec(select(TeamMember).where(TeamMember.user_id == user.id)).one()


def test_bad_user_input_is_reported_and_nothing_is_created(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin@demo.local")
    admin.page("/admin/users")
    short = admin.submit("/admin/users", {"email": "x@demo.local", "password": "short"})
    assert "User not created: password must be at least 8 characters." in short.text
    dup = admin.submit("/admin/users", {"email": "agent1@demo.local", "password": "long-enough"})
    assert "already exists" in dup.text
    bad_email = admin.submit("/admin/users", {"email": "not-an-email", "password": "long-enough"})
    assert "is not a valid address" in bad_email.text
    assert get_user_by_email(db, "x@demo.local") is None


def test_admin_changes_role_teams_and_password(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin@demo.local")
    user_id = _user_id(db, "trainer@demo.local")
    team = db.exec(select(Team)).one()
    admin.page(f"/admin/users/{user_id}")
    response = admin.submit(
        f"/admin/users/{user_id}",
        {
            "role": "manager",
            "name": "Tess",
            "active": "1",
            "password": "brand-new-pass",
            "team_ids": [str(team.id)],
        },
    )
    assert "Saved trainer@demo.local." in response.text
    db.expire_all()
    user = get_user_by_email(db, "trainer@demo.local")
    assert user is not None and user.role is Role.manager and user.name == "Tess"
    assert verify_password(user.password_hash, "brand-new-pass")
    assert db.exec(select(TeamMember).where(TeamMember.user_id == user_id)).one()


def test_admin_cannot_lock_themselves_out(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin@demo.local")
    user_id = _user_id(db, "admin@demo.local")
    admin.page(f"/admin/users/{user_id}")
    response = admin.submit(f"/admin/users/{user_id}", {"role": "agent", "active": "1"})
    assert "you cannot remove your own admin role" in response.text
    db.expire_all()
    assert get_user_by_email(db, "admin@demo.local").role is Role.admin  # type: ignore[union-attr]


def test_teams_create_and_refuse_duplicates(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin@demo.local")
    admin.page("/admin/teams")
    assert "Created team North." in admin.submit("/admin/teams", {"name": "North"}).text
    assert "already exists" in admin.submit("/admin/teams", {"name": "North"}).text
    assert "give it a name" in admin.submit("/admin/teams", {"name": "  "}).text
    page = admin.page("/admin/teams")
    names = [
        td.get_text()
        for td in BeautifulSoup(page.text, "html.parser").select("tbody td:first-child")
    ]
    assert names == ["Demo team", "North"]


def test_non_admins_get_403(login) -> None:  # type: ignore[no-untyped-def]
    for email in ("manager@demo.local", "trainer@demo.local", "agent1@demo.local"):
        browser = login(email)
        assert browser.get("/admin/users").status_code == 403
        browser.page("/login")
        assert browser.submit("/admin/teams", {"name": "Sneaky"}).status_code == 403
