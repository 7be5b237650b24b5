"""A real voice call, end to end: the app served by uvicorn in a thread (SQLite, demo users,
shipped scenarios), and a client that speaks the voice WebSocket protocol like the browser does:
it streams 16 kHz microphone audio in real time (silence between utterances, as a microphone
does) and records every message with its arrival time. Agent utterances are synthesised with
the bundled Piper voice, so the whole path runs on real audio and real models."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import soxr
import uvicorn
import websockets
from fastapi import FastAPI
from sqlmodel import Session, select

from server.app import create_app
from server.db import make_engine, session_scope
from server.demo import seed_demo
from server.migrations import upgrade
from server.models import PracticeSession, ScoreRecord, Turn, User
from server.services import practice
from server.services.scenario_store import sync_shipped
from server.settings import Settings
from server.voice.engines import shared_piper

RATE = 16_000
FRAME = 320  # 20 ms
PASSWORD = "voice-demo-password"
CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')


def synthesise(text: str) -> np.ndarray:
    """`text` spoken by the bundled Piper voice, as 16 kHz int16 samples."""
    voice = shared_piper()
    pcm = b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text))
    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0
    resampled = soxr.resample(samples, voice.config.sample_rate, RATE)
    return (np.clip(resampled, -1, 1) * 32767).astype(np.int16)


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate (lower-cased, punctuation dropped)."""
    ref = re.findall(r"[a-z0-9']+", reference.lower())
    hyp = re.findall(r"[a-z0-9']+", hypothesis.lower())
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[0], i
        for j, h in enumerate(hyp, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (r != h))
    return d[len(hyp)] / max(len(ref), 1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class VoiceServer:
    app: FastAPI
    url: str
    settings: Settings

    def login(self, email: str = "agent1@demo.local") -> httpx.Client:
        client = httpx.Client(base_url=self.url, follow_redirects=False)
        page = client.get("/login").text
        token = CSRF_RE.search(page)
        assert token is not None
        response = client.post(
            "/login",
            data={"csrf_token": token.group(1), "email": email, "password": PASSWORD},
        )
        assert response.status_code == 303, response.text
        return client

    def start_session(self, scenario: str = "hostile_telecom_outage", seed: int = 3) -> int:
        with session_scope(self.app.state.engine) as db:
            user = db.exec(select(User).where(User.email == "agent1@demo.local")).one()
            session = practice.start_practice(db, user, scenario_id=scenario, seed=seed)
            assert session.id is not None
            return session.id

    def turns(self, session_id: int) -> list[Turn]:
        with Session(self.app.state.engine) as db:
            return list(
                db.exec(select(Turn).where(Turn.session_id == session_id).order_by(Turn.index))  # type: ignore[arg-type]
            )

    def session(self, session_id: int) -> PracticeSession:
        with Session(self.app.state.engine) as db:
            found = db.get(PracticeSession, session_id)
            assert found is not None
            return found

    def score(self, session_id: int) -> dict[str, Any] | None:
        with Session(self.app.state.engine) as db:
            record = db.exec(
                select(ScoreRecord).where(ScoreRecord.session_id == session_id)
            ).first()
            return None if record is None else dict(record.report_json)


@contextmanager
def voice_server(tmp_path: Path, **settings: Any) -> Iterator[VoiceServer]:
    config = Settings(  # type: ignore[arg-type]
        data_dir=tmp_path / "var",
        secret_key="voice-test-secret-key-0123456789abcdef",
        log_level="warning",
        **settings,
    )
    engine = make_engine(config)
    upgrade(engine)
    with session_scope(engine) as db:
        seed_demo(db, password=PASSWORD)
        sync_shipped(db)
    engine.dispose()
    app = create_app(config)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the voice test server did not start")
        time.sleep(0.05)
    try:
        yield VoiceServer(app, f"http://127.0.0.1:{port}", config)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        app.state.engine.dispose()


@dataclass
class Received:
    at: float
    message: dict[str, Any]


@dataclass
class VoiceClient:
    """Speaks the protocol: `await client.say(samples)` queues an utterance on the microphone,
    which otherwise sends silence in real time."""

    ws: Any
    started: float = field(default_factory=time.monotonic)
    messages: list[Received] = field(default_factory=list)
    audio_bytes: int = 0
    audio_chunks: list[tuple[float, int]] = field(default_factory=list)  # (arrival, bytes)
    queue: list[tuple[np.ndarray, int]] = field(default_factory=list)  # (samples, last voiced)
    speech_ends: list[float] = field(default_factory=list)  # when an utterance's last frame went
    voiced_ends: list[float] = field(default_factory=list)  # when its last voiced frame went
    speaking: bool = False
    closed: bool = False
    samples_sent: int = 0

    async def mic(self) -> None:
        """Send 20 ms frames at the real-time pace."""
        begin = time.monotonic()
        current: np.ndarray | None = None
        position = 0
        last_voiced = 0
        try:
            while not self.closed:
                if current is None and self.queue:
                    (current, last_voiced), position = self.queue.pop(0), 0
                    self.speaking = True
                if current is not None:
                    frame = current[position : position + FRAME]
                    if position <= last_voiced < position + FRAME:
                        voiced_frame_sent = True
                    else:
                        voiced_frame_sent = False
                    position += FRAME
                    if len(frame) < FRAME:
                        frame = np.concatenate([frame, np.zeros(FRAME - len(frame), np.int16)])
                    if position >= len(current):
                        current = None
                        self.speaking = False
                        self.speech_ends.append(time.monotonic())
                else:
                    frame = np.zeros(FRAME, np.int16)
                    voiced_frame_sent = False
                await self.ws.send(frame.tobytes())
                if voiced_frame_sent:
                    self.voiced_ends.append(time.monotonic())
                self.samples_sent += FRAME
                delay = begin + self.samples_sent / RATE - time.monotonic()
                await asyncio.sleep(max(delay, 0))
        except websockets.ConnectionClosed:
            self.closed = True

    async def listen(self) -> None:
        try:
            async for data in self.ws:
                now = time.monotonic()
                if isinstance(data, bytes):
                    self.audio_bytes += len(data)
                    self.audio_chunks.append((now, len(data)))
                else:
                    self.messages.append(Received(now, json.loads(data)))
        except websockets.ConnectionClosed:
            pass
        self.closed = True

    def say(self, samples: np.ndarray) -> None:
        voiced = np.nonzero(np.abs(samples) > 600)[0]
        self.queue.append((samples, int(voiced[-1]) if len(voiced) else len(samples) - 1))

    def first_audio_after(self, moment: float) -> float | None:
        """Arrival time of the first customer audio received after `moment`."""
        return next((at for at, _ in self.audio_chunks if at > moment), None)

    def of(self, message_type: str, **match: Any) -> list[dict[str, Any]]:
        return [
            r.message
            for r in self.messages
            if r.message.get("type") == message_type
            and all(r.message.get(k) == v for k, v in match.items())
        ]

    async def wait_for(
        self, message_type: str, timeout: float = 60.0, count: int = 1, **match: Any
    ) -> dict[str, Any]:
        kind = message_type
        deadline = time.monotonic() + timeout
        while len(self.of(kind, **match)) < count:
            if time.monotonic() > deadline:
                seen = [r.message for r in self.messages][-8:]
                raise AssertionError(f"no {kind} {match} within {timeout} s; last: {seen}")
            if self.closed:
                raise AssertionError(f"socket closed before {kind} {match}")
            await asyncio.sleep(0.02)
        return self.of(kind, **match)[count - 1]

    async def customer_final(self, index: int, timeout: float = 60.0) -> dict[str, Any]:
        return await self.wait_for("caption", timeout, speaker="customer", index=index, final=True)

    async def send_json(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))


@contextmanager
def _noop() -> Iterator[None]:
    yield


async def connect(server: VoiceServer, http: httpx.Client, session_id: int) -> Any:
    cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    ws_url = server.url.replace("http", "ws") + f"/ws/practice/{session_id}/voice"
    return await websockets.connect(
        ws_url,
        additional_headers={"Cookie": cookie, "Origin": server.url},
        max_size=None,
    )


async def run_client(ws: Any) -> tuple[VoiceClient, list[asyncio.Task[None]]]:
    client = VoiceClient(ws)
    tasks = [asyncio.create_task(client.mic()), asyncio.create_task(client.listen())]
    return client, tasks


async def close(client: VoiceClient, tasks: list[asyncio.Task[None]]) -> None:
    client.closed = True
    await client.ws.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
