"""CSRF protection for every state-changing request, and the limits on what a client may send.

A random token lives in the signed session cookie; every form carries it as a hidden
`csrf_token` field (JavaScript sends it as the `X-CSRF-Token` header). The middleware refuses any
POST/PUT/PATCH/DELETE whose token does not match, before a route sees the request, so no form
can forget the check. WebSockets are protected by checking the Origin header instead
(`origin_allowed`).

Before any of that work, and before anyone has signed in, the body is bounded: a declared
`Content-Length` over `MAX_BODY_BYTES` is refused at once with 413, a streamed body is counted
chunk by chunk and refused with 413 the moment it passes the limit (nothing larger is ever held),
and a form with more than `MAX_FORM_FIELDS` fields or a field over `MAX_FIELD_BYTES` gets 400.
A WebSocket message over `MAX_WS_MESSAGE_CHARS` closes the socket with code 1009 and a reason.
A path with a number longer than `MAX_ID_DIGITS` digits (no id is that large; the database
could not even look it up) gets 400, or a refused WebSocket, before any route runs.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import HTTPConnection, Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
FIELD = "csrf_token"
HEADER = "x-csrf-token"

MAX_BODY_BYTES = 4 * 1024 * 1024
"""The largest request body accepted (4 MiB): a 200,000-character persona fits with room."""
MAX_FIELD_BYTES = 2 * 1024 * 1024
"""The largest single form field, as sent (2 MiB)."""
MAX_FORM_FIELDS = 1000
"""The most fields one form may have."""
MAX_WS_MESSAGE_CHARS = 64 * 1024
"""The largest WebSocket message accepted (64 Ki characters); a larger one closes the socket."""

UPLOAD_LIMITS: dict[str, Callable[[Scope], int]] = {}
"""Paths that take file uploads larger than `MAX_BODY_BYTES`: path → the scope's limit in bytes
(route modules register themselves; the route checks its own limit with a precise message)."""


def body_limit(scope: Scope) -> int:
    limit = UPLOAD_LIMITS.get(scope.get("path", ""))
    return limit(scope) if limit is not None else MAX_BODY_BYTES


MAX_ID_DIGITS = 18
"""Ids in addresses have at most 18 digits, so they fit the database's 64-bit integers."""


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


def _signed_in(scope: Scope) -> bool:
    session = scope.get("session")
    return isinstance(session, dict) and isinstance(session.get("user_id"), int)


class BodyTooLarge(Exception):
    """The request body passed `MAX_BODY_BYTES`."""


def _too_large(method: str, path: str, limit: int = MAX_BODY_BYTES) -> PlainTextResponse:
    what = "a smaller file" if path in UPLOAD_LIMITS else "a persona under 200,000 characters"
    return PlainTextResponse(
        f"413 Content Too Large: {method} {path} sent more than {limit // 1024:,} KiB; "
        f"send less ({what}).",
        status_code=413,
        headers={"Connection": "close"},
    )


def _bad_request(message: str) -> PlainTextResponse:
    return PlainTextResponse(f"400 Bad Request: {message}", status_code=400)


def oversized_number(path: str) -> str | None:
    """The first path segment that is a number too large to be an id, if any."""
    for segment in path.split("/"):
        if len(segment) > MAX_ID_DIGITS and segment.isascii() and segment.isdigit():
            return segment
    return None


def declared_length(scope: Scope) -> int | None:
    """The Content-Length header as a number; -1 when it is present but not a number."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            if not text.isdigit() or len(text) > 18:
                return -1
            return int(text)
    return None


async def read_body(receive: Receive, limit: int = MAX_BODY_BYTES) -> bytes | None:
    """The whole body, read in chunks and joined once; None when the client went away. Raises
    `BodyTooLarge` as soon as more than `MAX_BODY_BYTES` have arrived."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge()
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


class CSRFMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        number = oversized_number(path)
        if number is not None and scope["type"] == "websocket":
            reason = f"no such address: {number[:24]}… is not an id"
            await receive()  # the handshake's websocket.connect
            await send({"type": "websocket.close", "code": 1008, "reason": reason})
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if number is not None:
            message = (
                f"{method} {path[:80]}: {number[:24]}… is not an id (ids have at most "
                f"{MAX_ID_DIGITS} digits); check the address."
            )
            await _bad_request(message)(scope, receive, send)
            return
        length = declared_length(scope)
        if length == -1:
            await _bad_request("the Content-Length header is not a number.")(scope, receive, send)
            return
        limit = body_limit(scope)
        if limit > MAX_BODY_BYTES and method in UNSAFE_METHODS and not _signed_in(scope):
            # large uploads only from someone signed in: nobody anonymous gets the big buffer;
            # like any page for members, the answer is the way to the sign-in page
            to_login = RedirectResponse(f"/login?next={quote(path)}", status_code=303)
            await to_login(scope, receive, send)
            return
        if length is not None and length > limit:
            await _too_large(method, path, limit)(scope, receive, send)
            return
        if method not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        try:
            body = await read_body(receive, limit)
        except BodyTooLarge:
            await _too_large(method, path, limit)(scope, receive, send)
            return
        if body is None:
            return

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        request = Request(scope, replay)
        expected = request.session.get("csrf")
        sent = request.headers.get(HEADER)
        if sent is None:
            content_type = request.headers.get("content-type", "")
            if content_type.startswith(FORM_TYPES):
                try:
                    form = await request.form(
                        max_files=MAX_FORM_FIELDS,
                        max_fields=MAX_FORM_FIELDS,
                        max_part_size=MAX_FIELD_BYTES,
                    )
                except (MultiPartException, HTTPException) as exc:
                    detail = exc.message if isinstance(exc, MultiPartException) else exc.detail
                    message = (
                        f"{method} {path}: the form could not be read ({detail}) — at most "
                        f"{MAX_FORM_FIELDS:,} fields of up to {MAX_FIELD_BYTES // 1024:,} KiB each."
                    )
                    await _bad_request(message)(scope, replay, send)
                    return
                value = form.get(FIELD)
                sent = value if isinstance(value, str) else None
                await form.close()
        if (
            not expected
            or not sent
            or not hmac.compare_digest(str(expected).encode(), sent.encode())
        ):
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
