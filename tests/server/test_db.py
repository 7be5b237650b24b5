"""The engine: SQLite in WAL mode with foreign keys and a short busy timeout, a connection pool
sized by SPARRING_DB_POOL_SIZE, and as many worker threads as connections."""

from __future__ import annotations

from pathlib import Path

import anyio
import anyio.to_thread
from sqlalchemy import text

from server.db import SQLITE_BUSY_TIMEOUT_S, limit_threads, make_engine, pool_limits
from tests.conftest import make_settings


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(make_settings(tmp_path))
    try:
        with engine.connect() as connection:
            pragma = {
                name: connection.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
    finally:
        engine.dispose()
    assert pragma == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": int(SQLITE_BUSY_TIMEOUT_S * 1000),
        "synchronous": 1,  # NORMAL: safe in WAL mode, one fsync per checkpoint
    }
    assert SQLITE_BUSY_TIMEOUT_S <= 5


def test_the_pool_and_the_threads_follow_the_pool_size_setting(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, db_pool_size=7)
    assert pool_limits(settings) == (7, 3)
    engine = make_engine(settings)
    try:
        assert engine.pool.size() == 7  # type: ignore[attr-defined]
        assert engine.pool._max_overflow == 3  # type: ignore[attr-defined]
    finally:
        engine.dispose()

    async def tokens_after_startup() -> float:
        limit_threads(settings)
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    assert anyio.run(tokens_after_startup) == 7


def test_the_app_limits_its_threads_at_startup(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from server.app import create_app

    app = create_app(make_settings(tmp_path, db_pool_size=5))

    @app.get("/test-thread-tokens")
    async def tokens() -> dict[str, float]:
        return {"tokens": anyio.to_thread.current_default_thread_limiter().total_tokens}

    try:
        with TestClient(app) as client:
            assert client.get("/test-thread-tokens").json() == {"tokens": 5}
    finally:
        app.state.engine.dispose()


def test_healthz_answers_while_every_request_thread_is_busy(tmp_path: Path) -> None:
    import threading
    import time

    from fastapi.testclient import TestClient

    from server.app import create_app

    app = create_app(make_settings(tmp_path, db_pool_size=2))
    release = threading.Event()
    busy = threading.Semaphore(0)

    @app.get("/test-busy")
    def occupy() -> dict[str, bool]:
        busy.release()
        return {"released": release.wait(timeout=30)}

    try:
        with TestClient(app) as client:
            workers = [threading.Thread(target=client.get, args=("/test-busy",)) for _ in range(2)]
            for worker in workers:
                worker.start()
            for _ in workers:
                assert busy.acquire(timeout=10)  # both request threads are taken now
            began = time.monotonic()
            response = client.get("/healthz")
            waited = time.monotonic() - began
            release.set()
            for worker in workers:
                worker.join(timeout=10)
        assert response.status_code == 200
        assert waited < 5, f"/healthz waited {waited:.1f} s for a request thread"
    finally:
        release.set()
        app.state.engine.dispose()
