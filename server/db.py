"""Database engine and sessions. The schema comes only from alembic migrations (`sparring db
upgrade`); the app never creates tables itself.

Concurrency: every request and every WebSocket turn runs its database work in a worker thread
with a short transaction of its own, so the event loop never waits on a lock or a connection.
Each worker process keeps at most `SPARRING_DB_POOL_SIZE` connections (plus half as many again
at peaks) and runs at most that many threads at once (`limit_threads`), so a thread never waits
long for a connection. SQLite runs in WAL mode (readers never wait for the writer) with foreign
keys on; its writers queue at a `WriteGate` in turn, and wait at most `SQLITE_BUSY_TIMEOUT_S`
for another process's write."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, create_engine

from server.settings import Settings

T = TypeVar("T")


SQLITE_BUSY_TIMEOUT_S = 5.0
"""How long a SQLite writer waits for the write lock before giving up ("database is locked").
Transactions are a few milliseconds long, so waiting longer would only hide a design fault."""


def pool_limits(settings: Settings) -> tuple[int, int]:
    """(pool size, overflow) of one worker process: `SPARRING_DB_POOL_SIZE` connections kept
    open, and half as many again opened at peaks and closed afterwards."""
    size = settings.db_pool_size
    return size, max(1, size // 2)


def make_engine(settings: Settings) -> Engine:
    url = settings.resolved_database_url
    size, overflow = pool_limits(settings)
    if settings.is_sqlite:
        settings.ensure_data_dir()
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
            pool_size=size,
            max_overflow=overflow,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        WriteGate().install(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=size, max_overflow=overflow)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
    cursor.close()


WRITE_GATE_TIMEOUT_S = 30.0
"""How long a SQLite writer queues at the `WriteGate` of its process: a busy moment makes writes
slower, not lost."""
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP)\b", re.IGNORECASE)
_HOLDS_GATE = "sparring_holds_write_gate"


class WriteGate:
    """One writing transaction at a time per SQLite database in this process, in the order they
    asked. SQLite allows one writer; without the gate, the others poll for its lock with growing
    sleeps and can give up after the busy timeout while the writes before them were quick. A
    connection takes the gate before its first write statement and gives it back when its
    transaction has ended (after the commit or rollback, or when the connection goes back to
    the pool); the queue is woken the moment the gate is free. Another process (a second
    worker, the CLI) is still kept in order by SQLite's busy timeout.

    The gate is given back only once SQLite's COMMIT has returned (the engine's `commit` event
    comes before it): a writer let in earlier would find SQLite's lock still taken and sleep in
    SQLite's busy handler (1, 2, 5, 10 … ms) while holding the gate, and the queue behind it
    with it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._commit: Callable[[Any], None] = _no_op
        self._rollback: Callable[[Any], None] = _no_op

    def install(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine.pool, "checkin", self._release_record)
        # the dialect runs the DBAPI commit and rollback (for the pool's reset too)
        dialect = engine.dialect
        self._commit, self._rollback = dialect.do_commit, dialect.do_rollback
        dialect.do_commit = self._do_commit  # type: ignore[method-assign]
        dialect.do_rollback = self._do_rollback  # type: ignore[method-assign]

    def _do_commit(self, dbapi_connection: Any) -> None:
        try:
            self._commit(dbapi_connection)
        finally:
            self._release_proxied(dbapi_connection)

    def _do_rollback(self, dbapi_connection: Any) -> None:
        try:
            self._rollback(dbapi_connection)
        finally:
            self._release_proxied(dbapi_connection)

    def _before(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        info = conn.connection.info
        if info.get(_HOLDS_GATE) or not _WRITE.match(statement):
            return
        # past WRITE_GATE_TIMEOUT_S (a stuck writer), go on: SQLite's own lock still decides
        info[_HOLDS_GATE] = self._lock.acquire(timeout=WRITE_GATE_TIMEOUT_S)

    def _after(self, conn: Any, *_args: Any) -> None:
        if not conn.connection.dbapi_connection.in_transaction:  # the write committed itself
            self._release(conn.connection.info)

    def _release_record(self, _dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            self._release(record.info)

    def _release_proxied(self, connection: Any) -> None:
        try:
            info = connection.info
        except (AttributeError, NotImplementedError):  # the engine's first-connect probe
            return
        self._release(info)

    def _release(self, info: dict[str, Any]) -> None:
        if info.pop(_HOLDS_GATE, False):
            self._lock.release()


def _no_op(_connection: Any) -> None:
    pass


def limit_threads(settings: Settings) -> None:
    """Run at most `SPARRING_DB_POOL_SIZE` threads at once in this worker (call it inside the
    event loop, at startup): synchronous routes and the WebSocket's database work share these
    threads, so they never outnumber the connections and no request waits for the pool."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.db_pool_size


def run_in_session(engine: Engine, work: Callable[[Session], T]) -> T:
    """`work(session)` in one short transaction (committed on success, rolled back on error);
    call it from a worker thread, e.g. `await anyio.to_thread.run_sync(run_in_session, ...)`."""
    with session_scope(engine) as session:
        return work(session)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


_PROBE_LIMITER: RunVar[anyio.CapacityLimiter] = RunVar("sparring_probe_limiter")


async def probe_database(engine: Engine) -> tuple[bool, str]:
    """`database_status` in a thread of its own (one per worker), outside the request threads,
    so /healthz answers promptly however busy the requests are."""
    try:
        limiter = _PROBE_LIMITER.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(1)
        _PROBE_LIMITER.set(limiter)
    return await anyio.to_thread.run_sync(database_status, engine, limiter=limiter)


def database_status(engine: Engine) -> tuple[bool, str]:
    """(reachable, detail) for /healthz: can we connect, and which migration is applied."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            try:
                revision = connection.execute(
                    text("SELECT version_num FROM alembic_version")
                ).scalar()
            except SQLAlchemyError:
                return True, "no schema yet: run `sparring db upgrade`"
            return True, f"revision {revision}"
    except SQLAlchemyError as exc:
        return False, str(exc.__cause__ or exc).splitlines()[0]
