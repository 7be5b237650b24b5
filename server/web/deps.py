"""Request dependencies: the database session, the signed-in user, and role checks.

Every route declares who may use it with `require(...)`; anonymous visitors of a page are sent
to the sign-in page, signed-in users without the role get 403."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

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
    with session_scope(request.app.state.engine) as session:
        yield session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DbDep = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def load_user(session: Session, user_id: object) -> User | None:
    if not isinstance(user_id, int):
        return None
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    return user


@dataclass(frozen=True)
class Viewer:
    """A detached copy of the signed-in user for templates (safe after a rollback)."""

    id: int
    email: str
    name: str
    role: Role


def optional_user(request: Request, db: DbDep) -> User | None:
    user = load_user(db, request.session.get("user_id"))
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
