"""Sign in and sign out.

Sign-in is rate limited (`server.web.login_limit`) and takes the same Argon2 time whether or not
the email exists. The session cookie carries the user's `session_epoch`; signing out raises it,
which ends every session of that user (other browsers and open chat sockets included)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from server.accounts import MAX_EMAIL_CHARS, end_sessions, get_user_by_email
from server.passwords import hash_password, needs_rehash, verify_password, verify_unknown
from server.web.deps import DbDep, OptionalUserDep, SettingsDep
from server.web.login_limit import begin_attempt, client_address, finish_attempt
from server.web.templating import render

router = APIRouter()
MAX_NEXT_CHARS = 2000


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in."""
    if (
        target
        and len(target) <= MAX_NEXT_CHARS
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    ):
        return target
    return "/"


@router.get("/login")
def login_page(request: Request, user: OptionalUserDep, next: str = "/") -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "email": ""})


def _wait_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{(seconds + 59) // 60} minutes"


@router.post("/login")
def login(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    email = email.strip().lower()[: MAX_EMAIL_CHARS + 1]
    peer = request.client.host if request.client else ""
    address = client_address(
        peer, request.headers.get("x-forwarded-for"), settings.trusted_proxy_networks
    )
    context = {"next": safe_next(next), "email": email[:MAX_EMAIL_CHARS]}
    engine = request.app.state.engine
    attempt = begin_attempt(engine, settings, email=email, address=address)
    if not attempt.allowed:
        context["error"] = (
            "Too many failed sign-ins for this account from your network. Wait "
            f"{_wait_words(attempt.retry_after_s)} and try again, or sign in from another "
            "network."
        )
        response = render(request, "login.html", context, status_code=429)
        response.headers["Retry-After"] = str(attempt.retry_after_s)
        return response
    user = get_user_by_email(db, email) if len(email) <= MAX_EMAIL_CHARS else None
    if user is None or not user.is_active:
        verify_unknown(password)  # the same Argon2 time as a real check: no enumeration by timing
        ok = False
    else:
        ok = verify_password(user.password_hash, password)
    finish_attempt(engine, attempt, succeeded=ok)
    if user is None or not ok:
        context["error"] = "Email or password is not right."
        return render(request, "login.html", context, status_code=401)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.add(user)
    request.session.clear()  # a fresh session (and CSRF token) after sign-in
    request.session["user_id"] = user.id
    request.session["epoch"] = user.session_epoch
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, db: DbDep, user: OptionalUserDep) -> Response:
    """Sign out here and everywhere else this user is signed in."""
    if user is not None:
        end_sessions(db, user)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
