"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from server import __version__
from server.db import limit_threads, make_engine, probe_database
from server.logging_setup import configure_logging
from server.paths import STATIC_DIR
from server.request_log import RequestLogMiddleware
from server.services import judging
from server.settings import Environment, Settings, load_settings
from server.web.csrf import MAX_FIELD_BYTES, MAX_FORM_FIELDS, CSRFMiddleware
from server.web.deps import Forbidden, LoginRequired, NotFound
from server.web.routes import routers
from server.web.templating import render

SESSION_COOKIE = "sparring_session"
SESSION_MAX_AGE_S = 12 * 60 * 60


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    configure_logging(settings.log_level)
    app = FastAPI(
        title="Sparring",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    judging.configure(settings)  # scores use the LLM judge when one is configured
    app.state.engine = make_engine(settings)
    app.state.secret_key = settings.effective_secret_key()
    app.state.time_zone = ZoneInfo(settings.time_zone)

    app.add_middleware(CSRFMiddleware)
    app.add_middleware(
        SessionMiddleware,
        secret_key=app.state.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE_S,
        same_site="lax",
        https_only=settings.env is Environment.production,
    )
    app.add_middleware(RequestLogMiddleware)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for router in routers:
        app.include_router(
            router,
            form_limits={
                "max_fields": MAX_FORM_FIELDS,
                "max_files": MAX_FORM_FIELDS,
                "max_part_size": MAX_FIELD_BYTES,
            },
        )
    _add_error_pages(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        # its own thread, not one of the request threads: it answers while they are all busy
        reachable, detail = await probe_database(app.state.engine)
        body = {
            "status": "ok" if reachable else "error",
            "version": __version__,
            "database": {"reachable": reachable, "detail": detail},
        }
        return JSONResponse(body, status_code=200 if reachable else 503)

    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    limit_threads(app.state.settings)
    yield


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    def login_required(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(Forbidden)
    def forbidden(request: Request, exc: Forbidden) -> Response:
        return render(
            request, "error.html", {"title": "Not allowed", "message": exc.message}, status_code=403
        )

    @app.exception_handler(NotFound)
    def not_found(request: Request, exc: NotFound) -> Response:
        return render(
            request, "error.html", {"title": "Not found", "message": exc.message}, status_code=404
        )

    @app.exception_handler(OverflowError)
    def number_too_large(request: Request, exc: OverflowError) -> Response:
        message = (
            f"{request.method} {request.url.path}: a number in the address or form is too "
            "large; ids are whole numbers below 2^63."
        )
        return render(
            request,
            "error.html",
            {"title": "Check the address", "message": message},
            status_code=400,
        )

    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            f"{'.'.join(str(p) for p in err['loc'][1:]) or 'request'}: {err['msg']}"
            for err in exc.errors()
        ]
        message = f"{request.method} {request.url.path} was not understood: " + "; ".join(problems)
        return render(
            request, "error.html", {"title": "Check the form", "message": message}, status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            message = f"There is no page at {request.url.path}."
        else:
            message = str(exc.detail)
        return render(
            request,
            "error.html",
            {"title": f"Error {exc.status_code}", "message": message},
            status_code=exc.status_code,
        )
