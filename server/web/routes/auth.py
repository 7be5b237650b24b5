"""Sign in and sign out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from server.accounts import get_user_by_email
from server.passwords import hash_password, needs_rehash, verify_password
from server.web.deps import DbDep, OptionalUserDep, SettingsDep
from server.web.login_limit import is_locked, record_attempt
from server.web.templating import render

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login")
def login_page(request: Request, user: OptionalUserDep, next: str = "/") -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "email": ""})


@router.post("/login")
def login(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    email = email.strip().lower()
    address = request.client.host if request.client else ""
    context = {"next": safe_next(next), "email": email}
    if is_locked(db, settings, email=email, address=address):
        minutes = max(1, settings.login_window_s // 60)
        context["error"] = f"Too many failed sign-ins. Wait {minutes} minutes and try again."
        return render(request, "login.html", context, status_code=429)
    user = get_user_by_email(db, email)
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        record_attempt(db, email=email, address=address, succeeded=False)
        db.commit()
        context["error"] = "Email or password is not right."
        return render(request, "login.html", context, status_code=401)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.add(user)
    record_attempt(db, email=email, address=address, succeeded=True)
    request.session.clear()  # a fresh session (and CSRF token) after sign-in
    request.session["user_id"] = user.id
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
