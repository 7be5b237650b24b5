"""Call jobs: the in-process worker, and Celery workers (`sparring worker`) on the local Redis —
states queued → running → done / failed with the reason, and no call lost when a worker is
killed in the middle of one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from sqlmodel import select

from server.calls import jobs, service
from server.db import session_scope
from server.models import Call, CallStatus, User
from server.settings import Settings
from tests.calls.audio import Line, write_call
from tests.conftest import TEST_SECRET

FIXTURES = Path(__file__).parent / "fixtures"
BROKER = os.environ.get("SPARRING_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def _import(engine, settings: Settings, data: bytes, name: str) -> int:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        agent = session.exec(select(User).where(User.email == "agent1@demo.local")).one()
        call = service.import_call(session, settings, data=data, file_name=name, agent=agent).call
        return call.id or 0


def _call(engine, call_id: int) -> Call:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        call = session.get(Call, call_id)
        assert call is not None
        return call


def _wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def test_in_process_worker_runs_the_job(seeded: Settings, engine) -> None:  # type: ignore[no-untyped-def]
    call_id = _import(engine, seeded, (FIXTURES / "power_cut.srt").read_bytes(), "a.srt")
    worker = jobs.InProcessWorker(engine, seeded)
    try:
        worker.submit(call_id).result(timeout=60)
    finally:
        worker.shutdown()
    call = _call(engine, call_id)
    assert call.status is CallStatus.done and call.tries == 1 and call.report_json


def test_bad_audio_fails_with_the_reason(seeded: Settings, engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wav = tmp_path / "call.wav"
    write_call(wav, [Line("agent", 0.2, "Hello, how can I help?")])
    call_id = _import(engine, seeded, wav.read_bytes(), "call.wav")
    for audio in service.audio_dir(seeded).glob("*"):
        audio.unlink()  # gone before the worker got to it
    call = service.process_call(engine, seeded, call_id)
    assert call is not None and call.status is CallStatus.failed
    assert call.error and call.error.startswith("call.wav: the audio file is gone")


@pytest.fixture
def broker() -> Iterator[str]:
    client = redis.Redis.from_url(BROKER)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis at {BROKER} is not reachable; start it or set SPARRING_TEST_REDIS_URL")
    client.flushdb()
    yield BROKER
    client.flushdb()
    client.close()


class Workers:
    """`sparring worker` subprocesses against one database and broker."""

    def __init__(self, settings: Settings, broker: str, tmp_path: Path) -> None:
        self.env = {
            **os.environ,
            "SPARRING_DATA_DIR": str(settings.data_dir),
            "SPARRING_DATABASE_URL": settings.resolved_database_url,
            "SPARRING_SECRET_KEY": TEST_SECRET,
            "SPARRING_BROKER_URL": broker,
            "SPARRING_JOB_TIMEOUT_S": str(settings.job_timeout_s),
            "SPARRING_LOG_LEVEL": "info",
        }
        self.tmp_path = tmp_path
        self.started: list[subprocess.Popen[bytes]] = []
        self.log_files: list[object] = []

    def start(self) -> subprocess.Popen[bytes]:
        log = open(self.tmp_path / f"worker{len(self.started)}.log", "wb")  # noqa: SIM115
        self.log_files.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "worker"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.started.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.tmp_path.glob("worker*.log")))

    def stop(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        for log in self.log_files:
            log.close()  # type: ignore[attr-defined]


@pytest.fixture
def workers(seeded: Settings, broker: str, tmp_path: Path) -> Iterator[Workers]:
    settings = seeded.model_copy(update={"broker_url": broker, "job_timeout_s": 5})
    pool = Workers(settings, broker, tmp_path)
    yield pool
    pool.stop()


def test_celery_worker_processes_a_queued_call(  # type: ignore[no-untyped-def]
    seeded: Settings, engine, workers: Workers, broker: str
) -> None:
    settings = seeded.model_copy(update={"broker_url": broker, "job_timeout_s": 5})
    call_id = _import(engine, settings, (FIXTURES / "contact_lens.json").read_bytes(), "c.json")
    jobs.submit(engine, settings, call_id)
    assert _call(engine, call_id).status is CallStatus.queued  # nobody has taken it yet
    workers.start()
    try:
        _wait(lambda: _call(engine, call_id).status is CallStatus.done, 90, "the call to be done")
    except AssertionError:
        raise AssertionError(workers.logs()) from None
    call = _call(engine, call_id)
    assert call.tries == 1 and call.error is None and call.report_json


def test_no_call_is_lost_when_a_worker_dies_mid_call(  # type: ignore[no-untyped-def]
    seeded: Settings, engine, workers: Workers, broker: str, tmp_path: Path
) -> None:
    settings = seeded.model_copy(update={"broker_url": broker, "job_timeout_s": 5})
    wav = tmp_path / "long.wav"
    lines = [
        Line("customer" if i % 2 else "agent", 0.5 + 4.5 * i, text)
        for i, text in enumerate(
            [
                "Thank you for calling, this is Sam, how can I help today?",
                "My parcel was meant to arrive on Friday and it still has not come.",
                "A parcel that is four days late when you needed it for the weekend is stressful.",
                "It was a birthday present for my son, so yes, it really was.",
                "I will send a replacement by express courier today and email you the tracking.",
                "Thank you, that would be a great help.",
            ]
            * 2
        )
    ]
    write_call(wav, lines)
    call_id = _import(engine, settings, wav.read_bytes(), "long.wav")
    first = workers.start()
    jobs.submit(engine, settings, call_id)
    try:
        _wait(
            lambda: _call(engine, call_id).stage.startswith("transcribing"),
            120,
            "the first worker to start transcribing",
        )
    except AssertionError:
        raise AssertionError(workers.logs()) from None
    first.kill()  # SIGKILL: no chance to requeue or clean up
    first.wait()
    died = _call(engine, call_id)
    assert died.status is CallStatus.running and died.tries == 1
    workers.start()
    try:
        _wait(lambda: _call(engine, call_id).status is CallStatus.done, 180, "recovery")
    except AssertionError:
        raise AssertionError(workers.logs()) from None
    done = _call(engine, call_id)
    assert done.tries >= 2 and done.error is None
    turns = (done.transcript_json or {})["turns"]
    assert isinstance(turns, list) and len(turns) == len(lines)
