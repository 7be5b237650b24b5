"""Sign in and sign out.

Sign-in is rate limited (`server.web.login_limit`) and takes the same Argon2 time whether or not
the email exists. Argon2 runs in threads of its own (`hashing`), one per CPU core, so a burst of
sign-ins never takes the threads that serve pages and chats. The session cookie carries the
user's `session_epoch`; signing out raises it, which ends every session of that user (other
browsers and open chat sockets included)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from server.accounts import MAX_EMAIL_CHARS, end_sessions, get_user_by_email
from server.passwords import hash_password, needs_rehash, verify_password, verify_unknown
from server.web.deps import DbDep, OptionalUserDep, SettingsDep
from server.web.login_limit import begin_attempt, client_address, finish_attempt
from server.web.templating import render

router = APIRouter()
MAX_NEXT_CHARS = 2000
T = TypeVar("T")
_HASHING: RunVar[anyio.CapacityLimiter] = RunVar("sparring_password_hashing")


async def hashing(work: Callable[..., T], *args: Any) -> T:
    """Argon2 work in threads of its own (as many as CPU cores), outside the request threads: a
    burst of sign-ins queues here and never holds up pages, chats or /healthz."""
    try:
        limiter = _HASHING.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(os.cpu_count() or 1)
        _HASHING.set(limiter)
    return await anyio.to_thread.run_sync(work, *args, limiter=limiter)


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
async def login(
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
    attempt = await run_in_threadpool(begin_attempt, engine, settings, email=email, address=address)
    if not attempt.allowed:
        context["error"] = (
            "Too many failed sign-ins for this account from your network. Wait "
            f"{_wait_words(attempt.retry_after_s)} and try again, or sign in from another "
            "network."
        )
        response = render(request, "login.html", context, status_code=429)
        response.headers["Retry-After"] = str(attempt.retry_after_s)
        return response
    user = None
    if len(email) <= MAX_EMAIL_CHARS:
        user = await run_in_threadpool(get_user_by_email, db, email)
    if user is None or not user.is_active:
        # the same Argon2 time as a real check: no enumeration by timing
        await hashing(verify_unknown, password)
        ok = False
    else:
        ok = await hashing(verify_password, user.password_hash, password)
    await run_in_threadpool(finish_attempt, engine, attempt, succeeded=ok)
    if user is None or not ok:
        context["error"] = "Email or password is not right."
        return render(request, "login.html", context, status_code=401)
    if needs_rehash(user.password_hash):
        user.password_hash = await hashing(hash_password, password)
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
