"""Chat benchmark (a plain script, not a test): a real `sparring serve` (one worker, SQLite,
scripted customer) on a loopback port, 200 agent sessions chatting at once over WebSockets.

    .venv/bin/python tests/benchmarks/bench_chat.py [--sessions 200] [--turns 5] [--think-ms 1500]

Each session sends `--turns` messages; between a reply and its next message the agent "types"
for a random 0.5–1.5 × `--think-ms` (0 runs the sessions back to back, a stress test). Reply
latency is measured from sending a message to the turn-complete message. Afterwards the turn rows
in the database are counted against the turns sent and received.

Targets: p95 ≤ 100 ms, no errors, no lost turns.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import websockets

SECRET = "bench-secret-key-that-is-long-enough-0123456789"
PASSWORD = "bench-password"
SCENARIO = "hostile_telecom_outage"
AGENT_LINES = (
    "Can you tell me a bit more about what happened?",
    "So your internet has been down since Monday and you have called three times. Is that right?",
    "Which of your devices lose the connection, and at what time of day does it happen?",
    "Three days without internet when you work from home means you can't reach your clients.",
    "Let me check the line on my side; I can see the fault report from Monday.",
    "What would help you most right now, the repair time or a way to work in the meantime?",
)
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@dataclass
class SessionResult:
    session_id: int
    latencies: list[float] = field(default_factory=list)
    first_chunk: list[float] = field(default_factory=list)
    sent: int = 0
    received: int = 0
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def create_agents(env: dict[str, str], count: int) -> list[str]:
    """Agents in the demo team, created directly in the database (fast password hashing is not
    the point of this benchmark)."""
    os.environ.update(env)
    from server.accounts import add_member, create_user, get_or_create_team
    from server.db import make_engine, session_scope
    from server.settings import load_settings

    engine = make_engine(load_settings())
    emails = [f"bench{i:03d}@bench.local" for i in range(count)]
    with session_scope(engine) as session:
        team = get_or_create_team(session, name="Demo team")
        for email in emails:
            user = create_user(session, email=email, password=PASSWORD, role="agent")
            add_member(session, team=team, user=user)
    engine.dispose()
    return emails


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"the server did not start; see {log}")


async def open_session(base: str, email: str) -> tuple[int, str]:
    """Sign in and start one practice session; returns (session id, cookie header)."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        page = await client.get("/login")
        token = CSRF_META.search(page.text)
        assert token, "no CSRF token on /login"
        response = await client.post(
            "/login",
            data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)},
        )
        page = await client.get("/agent")
        token = CSRF_META.search(page.text)
        assert token and page.status_code == 200, f"/agent failed for {email}"
        response = await client.post(
            "/practice", data={"scenario_id": SCENARIO, "csrf_token": token.group(1)}
        )
        assert response.status_code == 303, response.text
        session_id = int(response.headers["location"].rsplit("/", 1)[1])
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        return session_id, cookie


async def chat(
    ws_base: str,
    origin: str,
    session_id: int,
    cookie: str,
    turns: int,
    think_ms: float,
    start: asyncio.Event,
) -> SessionResult:
    result = SessionResult(session_id)
    lines = list(AGENT_LINES)
    random.shuffle(lines)
    await start.wait()
    try:
        async with websockets.connect(
            f"{ws_base}/ws/practice/{session_id}",
            additional_headers={"Cookie": cookie},
            origin=origin,  # type: ignore[arg-type]
            open_timeout=60,
        ) as ws:
            hello = json.loads(await ws.recv())
            assert hello["type"] == "hello", hello
            ended = False
            for n in range(turns):
                if think_ms:
                    await asyncio.sleep(think_ms / 1000 * random.uniform(0.5, 1.5))
                sent_at = time.perf_counter()
                await ws.send(json.dumps({"type": "say", "text": lines[n % len(lines)]}))
                result.sent += 1
                first = True
                while True:
                    message = json.loads(await ws.recv())
                    if message["type"] == "chunk" and first:
                        result.first_chunk.append(time.perf_counter() - sent_at)
                        first = False
                    elif message["type"] == "turn":
                        result.latencies.append(time.perf_counter() - sent_at)
                        result.received += 1
                        break
                    elif message["type"] == "ended":  # the customer ended it before this send
                        result.sent -= 1
                        ended = True
                        break
                    elif message["type"] == "error":
                        result.errors.append(message["message"])
                        break
                if ended:
                    break
            if not ended:
                await ws.send(json.dumps({"type": "end"}))
                while json.loads(await ws.recv())["type"] != "ended":
                    pass
    except Exception as error:  # noqa: BLE001 - every failure is counted and printed
        result.errors.append(f"{type(error).__name__}: {error}")
    return result


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def count_turns(db_path: Path, session_ids: list[int]) -> dict[int, int]:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            f"SELECT session_id, COUNT(*) FROM turn WHERE session_id IN "
            f"({','.join('?' * len(session_ids))}) GROUP BY session_id",
            session_ids,
        ).fetchall()
    return {int(sid): int(n) for sid, n in rows}


async def run(args: argparse.Namespace, env: dict[str, str], port: int) -> list[SessionResult]:
    base = f"http://127.0.0.1:{port}"
    emails = create_agents(env, args.agents)
    opened = []
    for i in range(0, args.sessions, 20):  # sign in and start sessions, 20 at a time
        batch = [
            open_session(base, emails[j % len(emails)])
            for j in range(i, min(args.sessions, i + 20))
        ]
        opened.extend(await asyncio.gather(*batch))
    start = asyncio.Event()
    tasks = [
        asyncio.create_task(
            chat(f"ws://127.0.0.1:{port}", base, sid, cookie, args.turns, args.think_ms, start)
        )
        for sid, cookie in opened
    ]
    began = time.perf_counter()
    start.set()
    results = await asyncio.gather(*tasks)
    print(f"chat phase: {time.perf_counter() - began:.1f} s")
    return list(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--agents", type=int, default=20, help="agents owning the sessions")
    parser.add_argument("--turns", type=int, default=5, help="messages per session")
    parser.add_argument(
        "--think-ms", type=float, default=1500, help="mean pause before each message (0 = none)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sparring-bench-") as tmp:
        data_dir = Path(tmp) / "var"
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SPARRING_")},
            "SPARRING_DATA_DIR": str(data_dir),
            "SPARRING_SECRET_KEY": SECRET,
            "SPARRING_LOG_LEVEL": "warning",
            "SPARRING_WORKERS": "1",
        }
        cli(env, "db", "upgrade")
        cli(env, "demo", "--password", PASSWORD)
        server = start_server(env, port, Path(tmp) / "server.log")
        try:
            results = asyncio.run(run(args, env, port))
        finally:
            server.terminate()
            server.wait(timeout=30)
        stored = count_turns(data_dir / "sparring.db", [r.session_id for r in results])

    latencies = [x * 1000 for r in results for x in r.latencies]
    first = [x * 1000 for r in results for x in r.first_chunk]
    errors = [e for r in results for e in r.errors]
    lost = sum(1 for r in results if stored.get(r.session_id, 0) != 1 + r.sent + r.received)
    print(
        f"sessions: {len(results)} (agents {args.agents}), messages per session "
        f"{args.turns}, think time {args.think_ms:g} ms ± 50%"
    )
    print(f"turns: sent {sum(r.sent for r in results)}, replies {len(latencies)}")
    if latencies:
        print(
            f"reply latency (send -> turn complete): p50 {statistics.median(latencies):.1f} ms, "
            f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms"
        )
        print(
            f"first chunk: p50 {statistics.median(first):.1f} ms, "
            f"p95 {percentile(first, 0.95):.1f} ms"
        )
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    print(f"sessions whose stored turns differ from sent + received + opening: {lost}")
    ok = latencies and percentile(latencies, 0.95) <= 100 and not errors and lost == 0
    print("target p95 <= 100 ms, no errors, no lost turns:", "met" if ok else "NOT met")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
