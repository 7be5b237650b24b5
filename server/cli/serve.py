"""`sparring serve` and `sparring demo`."""

from __future__ import annotations

import typer

from server.cli import context
from server.db import session_scope
from server.demo import DEMO_PASSWORD, seed_demo
from server.scenario import ScenarioError
from server.services.scenario_store import SyncResult, sync_shipped
from server.settings import Settings
from server.web.csrf import MAX_WS_MESSAGE_CHARS


def publish_shipped_scenarios() -> SyncResult:
    """Publish the persona files in scenarios/ that the database does not have yet."""
    engine = context.engine()
    try:
        with session_scope(engine) as session:
            return sync_shipped(session)
    except ScenarioError as error:
        raise context.CliError(
            f"the shipped scenarios do not load; fix them (`sparring scenario lint scenarios/`):\n"
            f"{error}"
        ) from None
    finally:
        engine.dispose()


def check_llm_model(settings: Settings) -> None:
    """When an LLM customer is configured, stop with one line unless its endpoint serves the
    model (GET /v1/models)."""
    import asyncio

    from server.customer.llm import verify_model

    problem = asyncio.run(verify_model(settings))
    if problem is not None:
        raise context.CliError(problem)
    if settings.llm_model:
        typer.echo(
            f"LLM customer voice: {settings.llm_model} at {settings.llm_base_url or 'OpenAI'}"
        )


def serve(
    host: str = typer.Option(None, "--host", help="Bind address (default: SPARRING_HOST)."),
    port: int = typer.Option(None, "--port", help="Port (default: SPARRING_PORT)."),
    workers: int = typer.Option(None, "--workers", help="Worker processes (SPARRING_WORKERS)."),
) -> None:
    """Serve the web app (run `sparring db upgrade` first)."""
    import uvicorn

    settings = context.settings()
    settings.ensure_data_dir()
    settings.effective_secret_key()  # generate it once, before several workers race for it
    for published in publish_shipped_scenarios().published:
        typer.echo(f"published scenario {published}")
    check_llm_model(settings)
    uvicorn.run(
        "server.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        log_level=settings.log_level,
        access_log=False,
        # X-Forwarded-For/-Proto only from SPARRING_TRUSTED_PROXIES (never from anyone by default)
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies,
        # a WebSocket message larger than the app accepts is refused by the protocol (code 1009)
        ws_max_size=MAX_WS_MESSAGE_CHARS * 4,
    )


def demo(
    password: str = typer.Option(DEMO_PASSWORD, "--password", help="Password for every demo user."),
) -> None:
    """Create (or refresh) the demo team and one user per role, and print their logins."""
    with context.db_session() as session:
        logins = seed_demo(session, password=password)
    publish_shipped_scenarios()
    typer.echo(f"Demo logins (password for all: {password}):")
    for login in logins:
        typer.echo(f"  {login.role:<8} {login.email}")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("demo")(demo)
