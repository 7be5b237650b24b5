"""Running call jobs: an in-process worker by default, Celery on Redis when
`SPARRING_BROKER_URL` is set.

Either way the job is `service.process_call(call_id)` and its state lives on the call row
(queued → running → done, or failed with the reason). With Celery the task is acknowledged only
after it finished (`acks_late`) and is handed back to the queue when its worker dies
(`reject_on_worker_lost`; with Redis, after `SPARRING_JOB_TIMEOUT_S`). Errors other than bad input
are retried with exponential backoff. When a worker starts it also re-sends the calls the database
still shows as queued, or running with a silent worker, so nothing is lost if a web process died
between storing a call and sending its job.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine

from server.calls import service
from server.db import make_engine, session_scope
from server.settings import Settings, load_settings

log = logging.getLogger(__name__)

TASK_NAME = "sparring.process_call"
QUEUE = "sparring-calls"
MAX_RETRIES = 5


# --- in-process --------------------------------------------------------------------------------


class InProcessWorker:
    """One background thread per process that runs call jobs in order."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sparring-calls")
        self._resumed = False
        self._lock = threading.Lock()

    def submit(self, call_id: int) -> Future[Any]:
        with self._lock:
            if not self._resumed:
                self._resumed = True
                with session_scope(self.engine) as session:
                    for pending in service.pending_calls(session, self.settings.job_timeout_s):
                        if pending != call_id:
                            self._executor.submit(self._run, pending)
        return self._executor.submit(self._run, call_id)

    def _run(self, call_id: int) -> None:
        try:
            service.process_call(self.engine, self.settings, call_id)
        except service.CallBusy:
            log.info("call %s is being processed elsewhere", call_id)
        except Exception:
            log.exception("call %s failed", call_id)

    def shutdown(self, wait: bool = True) -> None:
        self._executor.shutdown(wait=wait)


_workers: dict[int, InProcessWorker] = {}
_workers_lock = threading.Lock()


def in_process_worker(engine: Engine, settings: Settings) -> InProcessWorker:
    with _workers_lock:
        worker = _workers.get(id(engine))
        if worker is None or worker.engine is not engine:
            worker = _workers[id(engine)] = InProcessWorker(engine, settings)
        return worker


def submit(engine: Engine, settings: Settings, call_id: int) -> None:
    """Queue the call's job on Celery when a broker is set, else on the in-process worker."""
    if settings.broker_url:
        celery_app(settings.broker_url, settings.job_timeout_s).send_task(
            TASK_NAME, args=[call_id], queue=QUEUE
        )
    else:
        in_process_worker(engine, settings).submit(call_id)


# --- Celery ------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def celery_app(broker_url: str, job_timeout_s: int) -> Any:
    """The Celery app for `broker_url` with the call task registered."""
    from celery import Celery  # type: ignore[import-untyped]

    app = Celery("sparring", broker=broker_url)
    restore_every = max(1, min(10, job_timeout_s // 2))
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_default_queue=QUEUE,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": job_timeout_s,
            "unacked_restore_interval": restore_every,
            "unacked_restore_throttle": 1,
        },
    )

    @app.task(name=TASK_NAME, bind=True, max_retries=MAX_RETRIES)  # type: ignore[untyped-decorator]
    def process_call_task(task: Any, call_id: int) -> str:
        engine, settings = _worker_state()
        try:
            call = service.process_call(engine, settings, call_id)
        except service.CallBusy as exc:
            # Someone else holds it; look again once their heartbeat could have gone stale.
            raise task.retry(exc=exc, countdown=settings.job_timeout_s, max_retries=None) from None
        except Exception as exc:
            retries = task.request.retries
            if retries >= MAX_RETRIES:
                service.fail_call(
                    engine, call_id, f"gave up after {retries + 1} tries: {exc}", final=True
                )
                raise
            service.fail_call(
                engine, call_id, f"try {retries + 1} failed, retrying: {exc}", final=False
            )
            raise task.retry(exc=exc, countdown=min(600, 5 * 2**retries)) from None
        return call.status.value if call is not None else "skipped"

    from celery.signals import worker_ready  # type: ignore[import-untyped]

    @worker_ready.connect(weak=False)  # type: ignore[untyped-decorator]
    def _resend_pending(**_: Any) -> None:
        engine, settings = _worker_state()
        with session_scope(engine) as session:
            pending = service.pending_calls(session, settings.job_timeout_s)
            service.purge_expired_audio(session)
        for call_id in pending:
            app.send_task(TASK_NAME, args=[call_id], queue=QUEUE)
        if pending:
            log.info("re-sent %d pending call job(s): %s", len(pending), pending)

    return app


_state: tuple[Engine, Settings] | None = None
_state_lock = threading.Lock()


def _worker_state() -> tuple[Engine, Settings]:
    global _state
    with _state_lock:
        if _state is None:
            settings = load_settings()
            _state = (make_engine(settings), settings)
        return _state


def run_worker(settings: Settings, concurrency: int = 1, loglevel: str = "info") -> None:
    """Run a Celery worker for call jobs in this process (blocks)."""
    app = celery_app(settings.broker_url, settings.job_timeout_s)
    pool = ["--pool=solo"] if concurrency == 1 else ["--pool=prefork", f"-c{concurrency}"]
    app.worker_main(["worker", f"--loglevel={loglevel}", "-Q", QUEUE, "--without-gossip", *pool])
