"""Login rate limiting that slows guessing without letting anyone lock an owner out.

Policy (counted in the database, so it holds across workers):

* per account **and** address: at most `login_max_attempts` failed sign-ins within
  `login_window_s`; then that address must wait until its oldest failure leaves the window. The
  same account from another address (the owner at home, on a phone) is not affected, so a
  stranger cannot lock anyone out, the admin included;
* per address: at most four times that many failures over all accounts, so one address cannot
  spray many accounts (a whole contact centre behind one address still gets 20 a window).

Check and record are one step (`begin_attempt`): the attempt is written and committed first,
then the failures are counted including every attempt written so far, so concurrent tries cannot
all pass one check (the one that makes the count exceed the limit is refused and its row
removed). A correct password marks its row as succeeded (`finish_attempt`). Rows older than a day
(or the window, when longer) are deleted as new attempts arrive.

The client address is the peer of the connection; `X-Forwarded-For` is read only when that peer
is one of `SPARRING_TRUSTED_PROXIES`, from the right, skipping the trusted proxies themselves.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, delete, func
from sqlmodel import Session, col, select

from server.models import LoginAttempt
from server.models.base import as_utc, utcnow
from server.settings import Settings

ADDRESS_FACTOR = 4
KEEP_AT_LEAST = timedelta(days=1)
MAX_ADDRESS_CHARS = 64
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt that may go ahead (`allowed`) or must wait `retry_after_s` seconds."""

    id: int | None
    allowed: bool
    retry_after_s: int = 0


def client_address(
    peer: str | None, forwarded_for: str | None, trusted: tuple[IPNetwork, ...]
) -> str:
    """The address to count attempts against: the connection's peer, unless the peer is a
    trusted proxy, in which case the right-most `X-Forwarded-For` entry that is not itself a
    trusted proxy."""
    address = peer or ""
    if not trusted or not forwarded_for or not _is_trusted(address, trusted):
        return address[:MAX_ADDRESS_CHARS]
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # a forged or garbled entry: stop at the last address a proxy vouched for
        address = hop
        if not _is_trusted(hop, trusted):
            break
    return address[:MAX_ADDRESS_CHARS]


def _is_trusted(address: str, trusted: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def _failures_since(
    session: Session, since: datetime, *conditions: ColumnElement[bool]
) -> list[LoginAttempt]:
    query = (
        select(LoginAttempt)
        .where(col(LoginAttempt.at) >= since, col(LoginAttempt.succeeded).is_(False), *conditions)
        .order_by(col(LoginAttempt.at))
    )
    return list(session.exec(query))


def _retry_after(oldest: LoginAttempt, settings: Settings) -> int:
    ends = as_utc(oldest.at) + timedelta(seconds=settings.login_window_s)
    return max(1, math.ceil((ends - utcnow()).total_seconds()))


def begin_attempt(engine: Engine, settings: Settings, *, email: str, address: str) -> Attempt:
    """Record a sign-in attempt (as failed until `finish_attempt` says otherwise) and decide, in
    the light of every attempt recorded so far, whether it may go ahead."""
    email = email[:254]
    now = utcnow()
    since = now - timedelta(seconds=settings.login_window_s)
    keep_from = now - max(KEEP_AT_LEAST, timedelta(seconds=settings.login_window_s))
    with Session(engine, expire_on_commit=False) as session:
        session.execute(delete(LoginAttempt).where(col(LoginAttempt.at) < keep_from))
        attempt = LoginAttempt(email=email, address=address, succeeded=False, at=now)
        session.add(attempt)
        session.commit()
        attempt_id = attempt.id
        limit = settings.login_max_attempts
        by_address = col(LoginAttempt.address) == address
        pair = _failures_since(session, since, col(LoginAttempt.email) == email, by_address)
        refused_by: list[LoginAttempt] = []
        if len(pair) > limit:
            refused_by = pair
        elif address:
            count = session.exec(
                select(func.count())
                .select_from(LoginAttempt)
                .where(
                    col(LoginAttempt.at) >= since,
                    col(LoginAttempt.succeeded).is_(False),
                    by_address,
                )
            ).one()
            if int(count) > limit * ADDRESS_FACTOR:
                refused_by = _failures_since(session, since, by_address)
        if not refused_by:
            return Attempt(attempt_id, allowed=True)
        oldest = next(row for row in refused_by if row.id != attempt_id)
        wait = _retry_after(oldest, settings)
        # a refused try is not a guess: it does not count, so it cannot extend the wait
        session.execute(delete(LoginAttempt).where(col(LoginAttempt.id) == attempt_id))
        session.commit()
        return Attempt(None, allowed=False, retry_after_s=wait)


def finish_attempt(engine: Engine, attempt: Attempt, *, succeeded: bool) -> None:
    """Mark an allowed attempt as succeeded (it then counts against no limit)."""
    if not succeeded or attempt.id is None:
        return
    with Session(engine) as session:
        row = session.get(LoginAttempt, attempt.id)
        if row is not None:
            row.succeeded = True
            session.add(row)
            session.commit()
