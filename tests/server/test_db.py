"""The engine: SQLite in WAL mode with foreign keys and a short busy timeout, a connection pool
sized by SPARRING_DB_POOL_SIZE, and as many worker threads as connections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import pytest
from sqlalchemy import text

from server.db import SQLITE_BUSY_TIMEOUT_S, WriteGate, limit_threads, make_engine, pool_limits
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


def _write_table(tmp_path: Path) -> Any:
    engine = make_engine(make_settings(tmp_path))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (n INTEGER)"))
    return engine


def test_sqlite_writers_queue_at_the_write_gate_instead_of_failing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that has to wait longer than SQLite's busy timeout for another write of the
    same process queues instead of failing with "database is locked"."""
    import threading
    import time

    import server.db

    monkeypatch.setattr(server.db, "SQLITE_BUSY_TIMEOUT_S", 0.2)
    engine = _write_table(tmp_path)
    holding = threading.Event()
    errors: list[BaseException] = []

    def slow_writer() -> None:
        with engine.connect() as connection:
            connection.execute(text("INSERT INTO note VALUES (1)"))
            holding.set()
            time.sleep(1.0)  # five busy timeouts
            connection.commit()

    def second_writer() -> None:
        try:
            with engine.connect() as connection:
                connection.execute(text("INSERT INTO note VALUES (2)"))
                connection.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    first = threading.Thread(target=slow_writer)
    first.start()
    assert holding.wait(timeout=10)
    second = threading.Thread(target=second_writer)
    second.start()
    first.join(timeout=10)
    second.join(timeout=10)
    try:
        assert errors == []
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT n FROM note ORDER BY n")).scalars().all()
        assert rows == [1, 2]
    finally:
        engine.dispose()


def test_the_write_gate_is_given_back_only_after_the_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writers of one process never meet SQLite's own lock: with no busy timeout at all, a
    writer let through the gate before the previous COMMIT returned would fail at once with
    "database is locked" (with the timeout, it sleeps in SQLite's busy handler instead)."""
    import threading

    import server.db

    monkeypatch.setattr(server.db, "SQLITE_BUSY_TIMEOUT_S", 0.0)
    engine = _write_table(tmp_path)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(40):
                with engine.connect() as connection:
                    connection.execute(text("INSERT INTO note VALUES (:n)"), {"n": n * 100 + i})
                    connection.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == []
        with engine.connect() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM note")).scalar() == 240
    finally:
        engine.dispose()


def test_the_write_gate_is_free_after_commit_rollback_and_an_unfinished_connection(
    tmp_path: Path,
) -> None:
    engine = _write_table(tmp_path)
    try:
        with engine.connect() as connection:
            connection.execute(text("INSERT INTO note VALUES (1)"))
            connection.rollback()
        with engine.connect() as connection:
            connection.execute(text("INSERT INTO note VALUES (2)"))  # closed without commit
        with engine.connect() as connection:
            connection.execute(text("INSERT INTO note VALUES (3)"))
            connection.commit()
        gate = engine.dialect.do_commit.__self__  # the installed WriteGate
        assert isinstance(gate, WriteGate)
        assert gate._lock.acquire(timeout=0.5), "the gate was left taken"
        gate._lock.release()
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT n FROM note")).scalars().all()
        assert rows == [3]
    finally:
        engine.dispose()
