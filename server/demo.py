"""The demo installation: one team and one user per role. Running it again changes nothing but the
passwords (so the printed logins always work)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from server.accounts import add_member, create_user, get_or_create_team, get_user_by_email
from server.models import Role
from server.passwords import hash_password, verify_password

DEMO_TEAM = "Demo team"
DEMO_PASSWORD = "sparring-demo"
DEMO_USERS: tuple[tuple[str, str, Role], ...] = (
    ("admin@demo.local", "Ada Admin", Role.admin),
    ("manager@demo.local", "Morgan Manager", Role.manager),
    ("trainer@demo.local", "Tess Trainer", Role.trainer),
    ("agent1@demo.local", "Alex Agent", Role.agent),
    ("agent2@demo.local", "Sam Agent", Role.agent),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    password: str


def seed_demo(
    session: Session, *, password: str = DEMO_PASSWORD, today: date | None = None
) -> list[DemoLogin]:
    today = today or date.today()
    team = get_or_create_team(session, name=DEMO_TEAM)
    if team.curriculum_start is None:
        team.curriculum_start = today - timedelta(days=today.weekday())  # this week's Monday
        session.add(team)
    logins = []
    for email, name, role in DEMO_USERS:
        user = get_user_by_email(session, email)
        if user is None:
            user = create_user(session, email=email, password=password, role=role, name=name)
        elif not verify_password(user.password_hash, password):
            user.password_hash = hash_password(password)
            session.add(user)
        if role in (Role.agent, Role.manager):
            add_member(session, team=team, user=user)
        logins.append(DemoLogin(email=email, role=role.value, password=password))
    session.flush()
    return logins
