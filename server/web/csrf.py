"""CSRF protection for every state-changing request.

A random token lives in the signed session cookie; every form carries it as a hidden
`csrf_token` field (JavaScript sends it as the `X-CSRF-Token` header). The middleware refuses any
POST/PUT/PATCH/DELETE whose token does not match, before a route sees the request, so no form
can forget the check. WebSockets are protected by checking the Origin header instead
(`origin_allowed`)."""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection, Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
FIELD = "csrf_token"
HEADER = "x-csrf-token"


def csrf_token(request: Any) -> str:
    session = request.session
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


def origin_allowed(conn: HTTPConnection) -> bool:
    """A browser WebSocket must come from a page served by this host."""
    origin = conn.headers.get("origin")
    if origin is None:
        return True  # not a browser (CLI clients, tests): the session cookie still applies
    return urlsplit(origin).netloc == conn.headers.get("host", "")


class CSRFMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        request = Request(scope, replay)
        expected = request.session.get("csrf")
        sent = request.headers.get(HEADER)
        if sent is None:
            content_type = request.headers.get("content-type", "")
            if content_type.startswith(FORM_TYPES):
                form = await request.form()
                value = form.get(FIELD)
                sent = value if isinstance(value, str) else None
                await form.close()
        if not expected or not sent or not hmac.compare_digest(str(expected), sent):
            response = PlainTextResponse(
                "403 Forbidden: the form's security token is missing or expired. "
                "Reload the page and submit again.",
                status_code=403,
            )
            await response(scope, replay, send)
            return

        replayed = False

        async def receive_again() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, receive_again, send)
