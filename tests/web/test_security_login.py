"""Sign-in under attack: equal Argon2 work for unknown emails, an atomic limiter that slows a
guesser without locking the owner out, X-Forwarded-For believed only from trusted proxies, old
attempts pruned, and the password rules."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func
from sqlmodel import Session, select

from server import passwords
from server.app import create_app
from server.models import LoginAttempt
from server.models.base import utcnow
from server.passwords import MAX_PASSWORD_LENGTH, password_problem
from server.settings import Settings
from server.web.login_limit import begin_attempt, client_address, finish_attempt
from tests.web.conftest import DEMO_PASSWORD, Browser

ATTACKER = ("203.0.113.66", 40000)
OWNER_AT_HOME = ("198.51.100.7", 40001)


class CountingHasher(PasswordHasher):
    """The real Argon2 hasher, counting how often a password is checked."""

    verified = 0

    def verify(self, hash: Any, password: Any) -> bool:  # noqa: A002
        CountingHasher.verified += 1
        return super().verify(hash, password)


def _from(app: Any, address: tuple[str, int]) -> Browser:
    browser = Browser(app, client=address)
    browser.__enter__()
    browser.page("/login")
    return browser


def _try(browser: Browser, email: str, password: str, **headers: str) -> int:
    response = browser.submit(
        "/login", {"email": email, "password": password}, headers=headers, follow_redirects=False
    )
    return response.status_code


def test_unknown_email_costs_the_same_argon2_check(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    hasher = CountingHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    browser = _from(app, ATTACKER)
    for email, password in [
        ("nobody@demo.local", "whatever-it-is"),
        ("agent1@demo.local", "wrong-password"),
        ("x" * 300 + "@demo.local", "too-long-email"),
    ]:
        before = CountingHasher.verified
        assert _try(browser, email, password) == 401
        assert CountingHasher.verified == before + 1, f"{email[:20]}: one Argon2 check"


def test_a_guesser_is_slowed_but_the_owner_still_signs_in(app: Any) -> None:
    attacker = _from(app, ATTACKER)
    for _ in range(5):
        assert _try(attacker, "admin@demo.local", "guess-guess") == 401
    refused = attacker.submit(
        "/login", {"email": "admin@demo.local", "password": DEMO_PASSWORD}, follow_redirects=False
    )
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 300
    assert "another network" in refused.text
    owner = _from(app, OWNER_AT_HOME)
    assert _try(owner, "admin@demo.local", DEMO_PASSWORD) == 303, "the owner is not locked out"
    assert _try(attacker, "agent1@demo.local", DEMO_PASSWORD) == 303, "other accounts work"


def test_one_address_cannot_spray_many_accounts(app: Any) -> None:
    attacker = _from(app, ATTACKER)
    for i in range(20):
        assert _try(attacker, f"user{i}@demo.local", "guess-guess") == 401
    assert _try(attacker, "user99@demo.local", "guess-guess") == 429
    assert _try(_from(app, OWNER_AT_HOME), "agent1@demo.local", DEMO_PASSWORD) == 303


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(seeded: Settings) -> None:
    untrusted = create_app(seeded)
    attacker = _from(untrusted, ("127.0.0.1", 40000))
    for i in range(5):
        assert _try(attacker, "admin@demo.local", "guess", **{"X-Forwarded-For": f"10.0.0.{i}"})
    assert _try(attacker, "admin@demo.local", "guess", **{"X-Forwarded-For": "10.9.9.9"}) == 429
    untrusted.state.engine.dispose()

    options = {**seeded.model_dump(), "trusted_proxies": "127.0.0.1"}
    proxied = create_app(Settings(**options))
    proxy = _from(proxied, ("127.0.0.1", 40000))
    for _ in range(5):
        assert _try(proxy, "trainer@demo.local", "guess", **{"X-Forwarded-For": "192.0.2.1"}) == 401
    assert _try(proxy, "trainer@demo.local", "guess", **{"X-Forwarded-For": "192.0.2.1"}) == 429
    other = {"X-Forwarded-For": "192.0.2.2"}
    assert _try(proxy, "trainer@demo.local", DEMO_PASSWORD, **other) == 303
    proxied.state.engine.dispose()


def test_client_address_reads_forwarded_for_from_the_right() -> None:
    import ipaddress

    trusted = (ipaddress.ip_network("10.0.0.0/8"),)
    assert client_address("203.0.113.1", "1.2.3.4", trusted) == "203.0.113.1"
    assert client_address("10.0.0.2", "1.2.3.4", ()) == "10.0.0.2"
    assert client_address("10.0.0.2", "6.6.6.6, 1.2.3.4, 10.0.0.9", trusted) == "1.2.3.4"
    assert client_address("10.0.0.2", "garbage, 1.2.3.4", trusted) == "1.2.3.4"
    assert client_address("10.0.0.2", "1.2.3.4, not-an-ip", trusted) == "10.0.0.2"


def test_check_and_record_is_atomic(app: Any, seeded: Settings) -> None:
    engine = app.state.engine

    def one(_: int) -> bool:
        return begin_attempt(
            engine, seeded, email="agent2@demo.local", address="198.51.100.99"
        ).allowed

    with ThreadPoolExecutor(max_workers=12) as pool:
        allowed = list(pool.map(one, range(50)))
    # never more than the limit; a try that is being refused still counts for an instant, so a
    # burst may let slightly fewer through, never more
    assert 1 <= sum(allowed) <= seeded.login_max_attempts
    while one(0):  # one at a time, the rest of the allowance; then the address waits
        allowed.append(True)
    assert sum(allowed) == seeded.login_max_attempts
    with Session(engine) as db:
        stored = db.exec(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.email == "agent2@demo.local")
        ).one()
    assert stored == sum(allowed), "refused tries leave no row, so they cannot extend the wait"


def test_successes_do_not_count_and_old_rows_are_pruned(app: Any, seeded: Settings) -> None:
    engine = app.state.engine
    for _ in range(8):
        attempt = begin_attempt(engine, seeded, email="a@demo.local", address="192.0.2.50")
        assert attempt.allowed
        finish_attempt(engine, attempt, succeeded=True)
    with Session(engine) as db:
        db.add(LoginAttempt(email="old@demo.local", address="x", at=utcnow() - timedelta(days=2)))
        db.commit()
    begin_attempt(engine, seeded, email="b@demo.local", address="192.0.2.51")
    with Session(engine) as db:
        assert (
            db.exec(
                select(func.count())
                .select_from(LoginAttempt)
                .where(LoginAttempt.email == "old@demo.local")
            ).one()
            == 0
        )


@pytest.mark.parametrize(
    ("password", "email", "rule"),
    [
        ("short", "", "at least 8"),
        ("x" * (MAX_PASSWORD_LENGTH + 1), "", "at most 1,024"),
        ("        ", "", "only spaces"),
        ("password", "", "most common"),
        ("12345678", "", "most common"),
        ("Password1", "", "most common"),
        ("sam.agent@demo.local", "Sam.Agent@demo.local", "email"),
        ("sam.agent", "sam.agent@demo.local", "email"),
        ("zzzzzzzzzz", "", "repeated"),
    ],
)
def test_password_rules(password: str, email: str, rule: str) -> None:
    problem = password_problem(password, email=email)
    assert problem is not None and rule in problem


def test_good_passwords_pass_and_the_list_ships_with_the_package() -> None:
    assert password_problem("correct horse battery", email="a@b.co") is None
    assert password_problem("xy" * (MAX_PASSWORD_LENGTH // 2)) is None
    assert len(passwords.common_passwords()) > 150
    assert passwords.COMMON_PASSWORDS_FILE.parent.name == "server"


def test_a_huge_password_is_refused_without_hashing_it(app: Any) -> None:
    browser = _from(app, ATTACKER)
    assert _try(browser, "agent1@demo.local", "p" * 900_000) == 401
