"""Jinja2 templates with the globals every page needs (current user, CSRF token, nav)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.responses import HTMLResponse

from server import __version__
from server.models.base import as_utc
from server.paths import TEMPLATES_DIR
from server.web import labels
from server.web.csrf import csrf_token

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals["sparring_version"] = __version__
templates.env.globals["csrf_token"] = csrf_token


@pass_context
def local_time(context: Context, moment: datetime | None) -> str:
    """Template filter: a stored UTC time shown in the installation's time zone
    (`SPARRING_TIME_ZONE`) in the pages' one format, e.g. `{{ attempt.started_at|local }}`."""
    return _local(context, moment, labels.DATETIME_FORMAT)


@pass_context
def local_day(context: Context, moment: datetime | None) -> str:
    """Template filter: the calendar day of a stored UTC time, in the installation's time zone."""
    return _local(context, moment, labels.DATE_FORMAT)


def _local(context: Context, moment: datetime | None, fmt: str) -> str:
    if moment is None:
        return ""
    app_state = getattr(getattr(context.get("request"), "app", None), "state", None)
    zone = getattr(app_state, "time_zone", UTC)
    return as_utc(moment).astimezone(zone).strftime(fmt)


templates.env.filters["local"] = local_time
templates.env.filters["local_day"] = local_day
labels.register(templates.env)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render a page; `user` (or None) is always available to the template."""
    ctx = {"user": getattr(request.state, "user", None), **(context or {})}
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


def flash(request: Request, message: str, kind: str = "info") -> None:
    """Queue a one-time message shown on the next rendered page."""
    request.session.setdefault("flash", []).append({"kind": kind, "message": message})


def pop_flashes(request: Request) -> list[dict[str, str]]:
    return list(request.session.pop("flash", []))


templates.env.globals["pop_flashes"] = pop_flashes
