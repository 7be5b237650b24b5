"""Users and teams as plain functions: the CLI, the admin pages and the demo seed call these."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from server.models import Role, Team, TeamMember, User
from server.passwords import MIN_PASSWORD_LENGTH, hash_password

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """A request about users or teams that cannot be carried out, with what to do instead."""


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise AccountError(f"email {email!r} is not a valid address (expected name@domain.tld)")
    return email


def parse_role(role: str) -> Role:
    try:
        return Role(role.strip().lower())
    except ValueError:
        valid = ", ".join(r.value for r in Role)
        raise AccountError(f"role {role!r} is unknown; use one of {valid}") from None


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def require_user(session: Session, email: str) -> User:
    user = get_user_by_email(session, email)
    if user is None:
        raise AccountError(f"no user with email {email!r}; see `sparring users list`")
    return user


def create_user(
    session: Session, *, email: str, password: str, role: Role | str = Role.agent, name: str = ""
) -> User:
    email = normalise_email(email)
    check_password(password)
    if get_user_by_email(session, email) is not None:
        raise AccountError(f"a user with email {email!r} already exists")
    user = User(
        email=email,
        name=name.strip() or email.split("@")[0],
        role=parse_role(role) if isinstance(role, str) else role,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def set_role(session: Session, *, email: str, role: Role | str) -> User:
    user = require_user(session, email)
    user.role = parse_role(role) if isinstance(role, str) else role
    session.add(user)
    return user


def reset_password(session: Session, *, email: str, password: str) -> User:
    check_password(password)
    user = require_user(session, email)
    user.password_hash = hash_password(password)
    session.add(user)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.email)))


def get_or_create_team(session: Session, *, name: str) -> Team:
    team = session.exec(select(Team).where(Team.name == name)).first()
    if team is None:
        team = Team(name=name)
        session.add(team)
        session.flush()
    return team


def add_member(session: Session, *, team: Team, user: User) -> None:
    exists = session.exec(
        select(TeamMember).where(TeamMember.team_id == team.id, TeamMember.user_id == user.id)
    ).first()
    if exists is None:
        assert team.id is not None and user.id is not None
        session.add(TeamMember(team_id=team.id, user_id=user.id))
        session.flush()


def user_team_ids(session: Session, user: User) -> list[int]:
    rows = session.exec(select(TeamMember.team_id).where(TeamMember.user_id == user.id))
    return list(rows)
