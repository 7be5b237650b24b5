"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from server import __version__
from server.db import database_status, make_engine
from server.logging_setup import configure_logging
from server.request_log import RequestLogMiddleware
from server.settings import Settings, load_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    configure_logging(settings.log_level)
    app = FastAPI(title="Sparring", version=__version__, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.engine = make_engine(settings)
    app.state.secret_key = settings.effective_secret_key()
    app.add_middleware(RequestLogMiddleware)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        reachable, detail = database_status(app.state.engine)
        body = {
            "status": "ok" if reachable else "error",
            "version": __version__,
            "database": {"reachable": reachable, "detail": detail},
        }
        return JSONResponse(body, status_code=200 if reachable else 503)

    return app
