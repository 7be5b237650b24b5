"""Login rate limiting. Failed attempts are counted in the database (so the limit holds across
workers): per email within the window, and per client address at four times that number, so a
whole contact centre behind one address is not locked out by one person."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from server.models import LoginAttempt
from server.models.base import utcnow
from server.settings import Settings

ADDRESS_FACTOR = 4


def _failures(session: Session, settings: Settings, condition: ColumnElement[bool]) -> int:
    since = utcnow() - timedelta(seconds=settings.login_window_s)
    query = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.at >= since, LoginAttempt.succeeded == False, condition)  # noqa: E712
    )
    return int(session.exec(query).one())


def is_locked(session: Session, settings: Settings, *, email: str, address: str) -> bool:
    by_email = col(LoginAttempt.email) == email
    if _failures(session, settings, by_email) >= settings.login_max_attempts:
        return True
    limit = settings.login_max_attempts * ADDRESS_FACTOR
    by_address = col(LoginAttempt.address) == address
    return bool(address) and _failures(session, settings, by_address) >= limit


def record_attempt(session: Session, *, email: str, address: str, succeeded: bool) -> None:
    session.add(LoginAttempt(email=email, address=address, succeeded=succeeded))
    session.flush()
