"""Password hashing with Argon2id (argon2-cffi's recommended parameters) and the password rules.

A password must be 8 to 1,024 characters, not only whitespace, not the account's email (or the
part before the @), not one character repeated, and not on the bundled list of common passwords
(`common_passwords.txt`, compared without regard to case). `verify_unknown` spends the same
Argon2 work as a real check, so a sign-in with an unknown email takes as long as a wrong password.
"""

from __future__ import annotations

from contextlib import suppress
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


class PasswordRuleError(ValueError):
    """A password that breaks a rule; the message says which rule and what to choose instead."""


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why `password` may not be used (for the account `email`), or None when it may."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"password must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"password must be at most {MAX_PASSWORD_LENGTH:,} characters"
    if not password.strip():
        return "password cannot be only spaces; use words or characters you can remember"
    folded = password.strip().lower()
    email = email.strip().lower()
    if email and folded in {email, email.split("@")[0]}:
        return "password cannot be the email address; choose something others cannot guess"
    if len(set(folded)) == 1:
        return "password cannot be one character repeated; use a few unrelated words"
    if folded in common_passwords():
        return "password is one of the most common passwords; use a few unrelated words instead"
    return None


def check_password_rules(password: str, *, email: str = "") -> None:
    problem = password_problem(password, email=email)
    if problem is not None:
        raise PasswordRuleError(problem)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    if len(password) > MAX_PASSWORD_LENGTH:
        verify_unknown(password[:MAX_PASSWORD_LENGTH])  # the same work, no unbounded hashing
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("sparring-dummy-password-for-unknown-accounts")


def verify_unknown(password: str) -> bool:
    """Check `password` against a hash no one has, spending the same Argon2 time as a real check
    (used when the email is unknown or the account inactive); always False."""
    with suppress(VerificationError, InvalidHashError):
        _hasher.verify(_dummy_hash(_hasher), password[:MAX_PASSWORD_LENGTH])
    return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
