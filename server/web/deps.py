"""Request dependencies: the database session, the signed-in user, and role checks.

Every route declares who may use it with `require(...)`; anonymous visitors of a page are sent
to the sign-in page, signed-in users without the role get 403."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, WebSocket
from sqlalchemy import bindparam, select
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from server.db import session_scope
from server.models import Role, User
from server.settings import Settings


class LoginRequired(Exception):
    """Raised for an anonymous visitor; the handler redirects to /login?next=…"""


class Forbidden(Exception):
    """Raised when the signed-in user may not see this; rendered as a 403 page."""

    def __init__(self, message: str = "You do not have access to this page.") -> None:
        super().__init__(message)
        self.message = message


class NotFound(Exception):
    def __init__(self, message: str = "There is nothing at this address.") -> None:
        super().__init__(message)
        self.message = message


def get_db(request: Request) -> Iterator[Session]:
    """The request's database session. Declared with `scope="function"`, so it commits (or
    rolls back) as soon as the route returns and **before** the response is sent: whatever the
    next request reads (the page a redirect points at, a WebSocket opened right after) is
    already stored."""
    with session_scope(request.app.state.engine) as session:
        yield session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DbDep = Annotated[Session, Depends(get_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


MAX_ID_DIGITS = 18
"""Ids in forms and addresses are at most 18 ASCII digits, so they fit a 64-bit column."""


def small_int(text: str) -> int | None:
    """`text` as a non-negative id (ASCII digits only, at most 18 of them), else None: `²`,
    `٣` and 25-digit numbers are not ids and must not reach `int()` or the database."""
    text = text.strip()
    if not text or len(text) > MAX_ID_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def load_user(session: Session, user_id: object, epoch: object = 0) -> User | None:
    """The active user `user_id` when `epoch` (from the session cookie) is still theirs: a
    sign-out, password reset, role change or deactivation raises the user's epoch and so ends
    every session issued before it."""
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.session_epoch != epoch:
        return None
    return user


def session_user(session: Session, cookie: Mapping[str, Any]) -> User | None:
    """The user a (request or WebSocket) session cookie belongs to, if it is still valid."""
    return load_user(session, cookie.get("user_id"), cookie.get("epoch", 0))


_USERS = User.__table__  # type: ignore[attr-defined]
_SIGN_IN = select(_USERS.c.is_active, _USERS.c.session_epoch).where(
    _USERS.c.id == bindparam("user_id")
)
"""One statement built once, run as plain SQL: it is asked on every chat turn."""


def still_valid(db: Session, cookie: Mapping[str, Any]) -> bool:
    """Whether `session_user` would find the cookie's user (active, same epoch), read as two
    columns instead of a loaded `User`."""
    user_id, epoch = cookie.get("user_id"), cookie.get("epoch", 0)
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return False
    row = db.connection().execute(_SIGN_IN, {"user_id": user_id}).first()
    return row is not None and bool(row.is_active) and row.session_epoch == epoch


def sign_in_check(connection: HTTPConnection) -> Callable[[Session], bool]:
    """`check(db)`: whether the connection's session cookie is still valid, asked in a
    transaction the caller has open anyway (e.g. the one that stores a chat turn)."""
    cookie = connection.session

    def check(db: Session) -> bool:
        return still_valid(db, cookie)

    return check


async def still_signed_in(websocket: WebSocket) -> bool:
    """Whether the socket's session is still valid (checked before every turn), in a thread so
    the event loop never waits on the database."""
    check = sign_in_check(websocket)

    def in_session() -> bool:
        with Session(websocket.app.state.engine) as db:
            return check(db)

    return await run_in_threadpool(in_session)


@dataclass(frozen=True)
class Viewer:
    """A detached copy of the signed-in user for templates (safe after a rollback)."""

    id: int
    email: str
    name: str
    role: Role


def optional_user(request: Request, db: DbDep) -> User | None:
    user = session_user(db, request.session)
    # end the read-only transaction: the connection goes back to the pool while the route waits
    # for a thread (nothing is pending yet, and the loaded user stays usable)
    db.commit()
    if user is not None:
        assert user.id is not None
        request.state.user = Viewer(id=user.id, email=user.email, name=user.name, role=user.role)
    return user


def current_user(request: Request, db: DbDep) -> User:
    user = optional_user(request, db)
    if user is None:
        raise LoginRequired()
    return user


def require(*roles: Role) -> Callable[..., User]:
    """A dependency that returns the signed-in user if their role is one of `roles`
    (admins may use every page)."""

    def dependency(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role is Role.admin or user.role in roles:
            return user
        raise Forbidden()

    return dependency


UserDep = Annotated[User, Depends(current_user)]
OptionalUserDep = Annotated[User | None, Depends(optional_user)]
AgentDep = Annotated[User, Depends(require(Role.agent))]
ManagerDep = Annotated[User, Depends(require(Role.manager))]
TrainerDep = Annotated[User, Depends(require(Role.trainer))]
AdminDep = Annotated[User, Depends(require(Role.admin))]
StaffDep = Annotated[User, Depends(require(Role.manager, Role.trainer))]
