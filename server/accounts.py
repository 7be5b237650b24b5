"""Users and teams as plain functions: the CLI, the admin pages and the demo seed call these.

Every change that should sign a user out everywhere (a new password, another role,
deactivation or reactivation, signing out) raises the user's `session_epoch`: the session cookie
carries the epoch it was issued under, and a cookie or open WebSocket with an older one is no
longer accepted (`server.web.deps.load_user`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlmodel import Session, select

from server.models import Role, Team, TeamMember, User
from server.passwords import hash_password, password_problem

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL_CHARS = 254
MAX_NAME_CHARS = 120
MAX_TEAM_NAME_CHARS = 120


class AccountError(ValueError):
    """A request about users or teams that cannot be carried out, with what to do instead."""


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > MAX_EMAIL_CHARS:
        raise AccountError(f"email must be at most {MAX_EMAIL_CHARS} characters")
    if not EMAIL_RE.match(email):
        raise AccountError(f"email {email!r} is not a valid address (expected name@domain.tld)")
    return email


def clean_name(name: str, *, what: str = "name", limit: int = MAX_NAME_CHARS) -> str:
    name = name.strip()
    if len(name) > limit:
        raise AccountError(f"{what} must be at most {limit} characters (got {len(name):,})")
    return name


def parse_role(role: str) -> Role:
    try:
        return Role(role.strip().lower())
    except ValueError:
        valid = ", ".join(r.value for r in Role)
        raise AccountError(f"role {role[:40]!r} is unknown; use one of {valid}") from None


def check_password(password: str, *, email: str = "") -> None:
    problem = password_problem(password, email=email)
    if problem is not None:
        raise AccountError(problem)


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def require_user(session: Session, email: str) -> User:
    user = get_user_by_email(session, email)
    if user is None:
        raise AccountError(f"no user with email {email!r}; see `sparring users list`")
    return user


def end_sessions(session: Session, user: User) -> None:
    """Sign `user` out everywhere: every cookie and open WebSocket issued so far stops working."""
    user.session_epoch = (user.session_epoch or 0) + 1
    session.add(user)


def create_user(
    session: Session, *, email: str, password: str, role: Role | str = Role.agent, name: str = ""
) -> User:
    email = normalise_email(email)
    check_password(password, email=email)
    if get_user_by_email(session, email) is not None:
        raise AccountError(f"a user with email {email!r} already exists")
    user = User(
        email=email,
        name=clean_name(name) or email.split("@")[0][:MAX_NAME_CHARS],
        role=parse_role(role) if isinstance(role, str) else role,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def _change_role(session: Session, user: User, role: Role) -> None:
    if user.role is not role:
        user.role = role
        end_sessions(session, user)


def set_role(session: Session, *, email: str, role: Role | str) -> User:
    user = require_user(session, email)
    _change_role(session, user, parse_role(role) if isinstance(role, str) else role)
    session.add(user)
    return user


def set_active(session: Session, user: User, active: bool) -> None:
    """Deactivate or reactivate; either way the sessions issued before end (reactivating does not
    bring old cookies back)."""
    if user.is_active != active:
        user.is_active = active
        end_sessions(session, user)


def _set_password(session: Session, user: User, password: str) -> None:
    check_password(password, email=user.email)
    user.password_hash = hash_password(password)
    end_sessions(session, user)


def reset_password(session: Session, *, email: str, password: str) -> User:
    user = require_user(session, email)
    _set_password(session, user, password)
    return user


def update_user(
    session: Session,
    *,
    actor: User,
    user: User,
    role: str,
    name: str,
    active: bool,
    password: str = "",
    team_ids: Iterable[int] = (),
) -> User:
    """The admin page's save: role, name, active, an optional new password and the teams.

    Checks everything before changing anything. An admin cannot remove their own admin role or
    deactivate themselves, so an installation never loses its last way in by accident."""
    new_role = parse_role(role)
    new_name = clean_name(name)
    if password:
        check_password(password, email=user.email)
    if user.id == actor.id and (new_role is not Role.admin or not active):
        raise AccountError(
            "you cannot remove your own admin role or deactivate yourself; ask another admin"
        )
    _change_role(session, user, new_role)
    set_active(session, user, active)
    user.name = new_name or user.name
    if password:
        _set_password(session, user, password)
    session.add(user)
    set_memberships(session, user, team_ids)
    return user


def set_memberships(session: Session, user: User, team_ids: Iterable[int]) -> None:
    """Make `user` a member of exactly the existing teams among `team_ids`."""
    wanted = set(team_ids)
    for membership in session.exec(select(TeamMember).where(TeamMember.user_id == user.id)):
        if membership.team_id not in wanted:
            session.delete(membership)
        wanted.discard(membership.team_id)
    for team_id in wanted:
        if (team := session.get(Team, team_id)) is not None:
            add_member(session, team=team, user=user)


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.email)))


def get_or_create_team(session: Session, *, name: str) -> Team:
    name = clean_name(name, what="team name", limit=MAX_TEAM_NAME_CHARS)
    if not name:
        raise AccountError("a team needs a name")
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
