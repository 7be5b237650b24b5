"""Load benchmark (a plain script, not a test): what users do, at 20, 100 and 200 concurrent
users, against a real `sparring serve` on 127.0.0.1 — SQLite with one worker and PostgreSQL with
two — with the scripted customer.

    .venv/bin/python tests/benchmarks/bench_load.py [--users 20,100,200]
        [--backends sqlite,postgres] [--duration 60] [--think-ms 2000]

Each virtual user is one browser. Nine in ten are agents: open the agent's home page, start a
practice session (`POST /practice`) and open the chat's WebSocket right after the redirect,
chat 3–6 turns with a think time of 0.5–1.5 × `--think-ms`, now and then type a second message
while the customer is still answering, now and then send a turn through the no-JavaScript form
(what chat.js does while its socket reconnects), end the conversation (over the socket or with
the End form), open the scorecard, and start again until `--duration` seconds have passed. One in
ten is a manager opening the team heatmap and an attempt. One agent browser in five signs in
through `POST /login` (Argon2id at its full cost) during the ramp; the others are further tabs
of an account already signed in. A probe in a process of its own asks `/healthz` every 200 ms
throughout.

Afterwards the database is read: every message the server acknowledged or answered must be
stored, every reply received must be stored (stored = sent + replied, per session and by text),
and every ended session with an agent turn must hold exactly one score record.

PostgreSQL comes from `SPARRING_BENCH_POSTGRES_URL` (default: the local server with trust auth);
a throw-away `sparring_bench_*` database is created and dropped.

Targets: 0 lost messages, 0 HTTP 5xx, `/healthz` p99 < 1 s; reply latency p50/p95 reported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

SECRET = "bench-secret-key-that-is-long-enough-0123456789"
PASSWORD = "Sparring-load-bench-2026"
SCENARIO = "hostile_telecom_outage"
POSTGRES_ADMIN_URL = os.environ.get(
    "SPARRING_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
AGENT_LINES = (
    "Can you tell me a bit more about what happened?",
    "So your internet has been down since Monday and you have called three times. Is that right?",
    "Which of your devices lose the connection, and at what time of day does it happen?",
    "Three days without internet when you work from home means you can't reach your clients.",
    "Let me check the line on my side; I can see the fault report from Monday.",
    "What would help you most right now, the repair time or a way to work in the meantime?",
    "I will book a technician for tomorrow morning between 8 and 10.",
    "I will credit your account for the whole week today.",
)
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
REPLY_TIMEOUT_S = 60.0
HEALTHZ_EVERY_S = 0.2
KEEP_ALIVE = httpx.Limits(max_keepalive_connections=0)
"""A new connection per request: a request sent on a kept-alive connection at the moment the
server closes it for idleness would fail in the client and be counted as a server failure."""


@dataclass
class SessionLog:
    """What one practice session's browser sent and saw."""

    session_id: int
    sent: list[str] = field(default_factory=list)  # every message typed and sent
    acked: set[str] = field(default_factory=set)  # the server said it is stored
    refused: dict[str, str] = field(default_factory=dict)  # text -> the reason given
    replies: int = 0  # customer replies received complete
    ended: bool = False


@dataclass
class Stats:
    sessions: dict[int, SessionLog] = field(default_factory=dict)
    reply_s: list[float] = field(default_factory=list)
    first_chunk_s: list[float] = field(default_factory=list)
    form_turn_s: list[float] = field(default_factory=list)
    start_s: list[float] = field(default_factory=list)
    page_s: list[float] = field(default_factory=list)
    login_s: list[float] = field(default_factory=list)
    healthz_s: list[float] = field(default_factory=list)
    healthz_failed: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def fail(self, what: str) -> None:
        self.failures.append(what)


@dataclass
class Config:
    backend: str
    users: int
    workers: int


class Failure(Exception):
    """A request that did not do what a browser expects; counted and the user goes on."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value * 1000:.0f} ms"


# --- setup ---------------------------------------------------------------------------------------


def cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"sparring {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def create_agents(database_url: str, data_dir: Path, count: int) -> list[str]:
    """`count` agents in the demo team, inserted directly with one shared Argon2id hash of
    `PASSWORD` (hashing it once per account would take minutes, and is not what is measured)."""
    from sqlmodel import Session

    from server.accounts import add_member, get_or_create_team
    from server.db import make_engine
    from server.models import Role, User
    from server.passwords import hash_password
    from server.settings import Settings

    settings = Settings(data_dir=data_dir, database_url=database_url, secret_key=SECRET)  # type: ignore[arg-type]
    engine = make_engine(settings)
    shared_hash = hash_password(PASSWORD)
    emails = [f"load{i:03d}@bench.local" for i in range(count)]
    with Session(engine) as session:
        team = get_or_create_team(session, name="Demo team")
        for email in emails:
            user = User(email=email, name=email.split("@")[0], role=Role.agent)
            user.password_hash = shared_hash
            session.add(user)
            session.flush()
            add_member(session, team=team, user=user)
        session.commit()
    engine.dispose()
    return emails


def start_server(
    env: dict[str, str], port: int, workers: int, log: Path
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"the server did not start; see {log}:\n{log.read_text()[-2000:]}")


# --- one browser ---------------------------------------------------------------------------------


class Browser:
    def __init__(self, base: str, stats: Stats, cookies: httpx.Cookies | None = None) -> None:
        self.base = base
        self.stats = stats
        self.client = httpx.AsyncClient(
            base_url=base,
            timeout=REPLY_TIMEOUT_S,
            cookies=cookies,
            follow_redirects=False,
            limits=KEEP_ALIVE,
        )
        self.csrf = ""

    async def aclose(self) -> None:
        await self.client.aclose()

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self.client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            raise Failure(f"{method} {url}: {type(error).__name__}: {error}") from None
        self.stats.statuses[response.status_code] += 1
        if response.status_code >= 500:
            raise Failure(f"{method} {url}: HTTP {response.status_code}")
        return response

    async def page(self, url: str) -> httpx.Response:
        began = time.perf_counter()
        response = await self.request("GET", url)
        self.stats.page_s.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise Failure(f"GET {url}: HTTP {response.status_code}")
        if match := CSRF_META.search(response.text):
            self.csrf = match.group(1)
        return response

    async def post(self, url: str, data: dict[str, str]) -> httpx.Response:
        return await self.request("POST", url, data={**data, "csrf_token": self.csrf})

    async def login(self, email: str) -> None:
        await self.page("/login")
        began = time.perf_counter()
        response = await self.post("/login", {"email": email, "password": PASSWORD})
        self.stats.login_s.append(time.perf_counter() - began)
        if response.status_code != 303:
            raise Failure(f"POST /login for {email}: HTTP {response.status_code}")

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.client.cookies.items())


async def agent_loop(browser: Browser, until: float, think_s: float) -> None:
    while time.monotonic() < until:
        try:
            await browser.page("/agent")
            await practise_once(browser, think_s)
        except Failure as failure:
            browser.stats.fail(str(failure))
            await asyncio.sleep(think_s)


async def manager_loop(browser: Browser, until: float, think_s: float) -> None:
    while time.monotonic() < until:
        try:
            await browser.page("/manager")
            await asyncio.sleep(think_s * random.uniform(1, 3))
            ended = [log.session_id for log in browser.stats.sessions.values() if log.ended]
            if ended:
                await browser.page(f"/attempts/{random.choice(ended)}")
            await asyncio.sleep(think_s * random.uniform(1, 3))
        except Failure as failure:
            browser.stats.fail(str(failure))
            await asyncio.sleep(think_s)


async def practise_once(browser: Browser, think_s: float) -> None:
    stats = browser.stats
    began = time.perf_counter()
    response = await browser.post("/practice", {"scenario_id": SCENARIO})
    stats.start_s.append(time.perf_counter() - began)
    location = response.headers.get("location", "")
    if response.status_code != 303 or not location.startswith("/practice/"):
        raise Failure(f"POST /practice: HTTP {response.status_code} to {location!r}")
    session_id = int(location.rsplit("/", 1)[1])
    log = stats.sessions[session_id] = SessionLog(session_id)
    lines = random.sample(AGENT_LINES, len(AGENT_LINES))
    turns = random.randint(3, 6)
    ws = await open_socket(browser, session_id)  # right after the redirect, as chat.js does
    try:
        n = 0
        while n < turns and not log.ended:
            await asyncio.sleep(think_s * random.uniform(0.5, 1.5))
            roll = random.random()
            if roll < 0.15 and n > 0:  # the socket drops: the form posts this turn
                await ws.close()
                await form_turn(browser, log, lines[n])
                n += 1
                if not log.ended:
                    ws = await open_socket(browser, session_id)
            elif roll < 0.25 and n + 1 < turns:  # a second message typed while the reply streams
                await socket_turns(ws, stats, log, [lines[n], lines[n + 1]])
                n += 2
            else:
                await socket_turns(ws, stats, log, [lines[n]])
                n += 1
        if not log.ended:
            if random.random() < 0.5:
                await ws.send(json.dumps({"type": "end"}))
                await receive_until(ws, log, {"ended"})
                log.ended = True
            else:
                await ws.close()
                response = await browser.post(f"/practice/{session_id}/end", {})
                if response.status_code != 303:
                    raise Failure(f"POST /practice/{session_id}/end: HTTP {response.status_code}")
                log.ended = True
    finally:
        await ws.close()
    await browser.page(f"/attempts/{session_id}")


async def open_socket(browser: Browser, session_id: int) -> Any:
    try:
        ws = await websockets.connect(
            f"ws{browser.base[4:]}/ws/practice/{session_id}",
            additional_headers={"Cookie": browser.cookie_header()},
            origin=browser.base,  # type: ignore[arg-type]
            open_timeout=REPLY_TIMEOUT_S,
        )
        hello = json.loads(await asyncio.wait_for(ws.recv(), REPLY_TIMEOUT_S))
    except (OSError, TimeoutError, websockets.WebSocketException) as error:
        raise Failure(f"socket {session_id}: {type(error).__name__}: {error}") from None
    if hello.get("type") != "hello":
        raise Failure(f"socket {session_id}: first message {hello!r}")
    return ws


async def receive_until(ws: Any, log: SessionLog, kinds: set[str]) -> dict[str, Any]:
    while True:
        try:
            message = json.loads(await asyncio.wait_for(ws.recv(), REPLY_TIMEOUT_S))
        except (TimeoutError, websockets.WebSocketException) as error:
            raise Failure(f"socket {log.session_id}: {type(error).__name__}: {error}") from None
        if message["type"] == "ended":
            log.ended = True
        if message["type"] in kinds:
            return dict(message)


async def socket_turns(ws: Any, stats: Stats, log: SessionLog, lines: list[str]) -> None:
    """Send `lines` back to back and read until each is answered (or refused)."""
    sent_at: list[float] = []
    for line in lines:
        try:
            await ws.send(json.dumps({"type": "say", "text": line}))
        except websockets.WebSocketException as error:
            raise Failure(f"socket {log.session_id}: send: {error}") from None
        log.sent.append(line)
        sent_at.append(time.perf_counter())
    answered = 0
    first_chunk = True
    pending = list(lines)
    while answered < len(lines) and not log.ended:
        message = await receive_until(ws, log, {"agent", "chunk", "turn", "error", "ended"})
        now = time.perf_counter()
        if message["type"] == "agent":
            log.acked.add(message["text"])
            first_chunk = True
        elif message["type"] == "chunk" and first_chunk:
            stats.first_chunk_s.append(now - sent_at[answered])
            first_chunk = False
        elif message["type"] == "turn":
            stats.reply_s.append(now - sent_at[answered])
            log.replies += 1
            answered += 1
        elif message["type"] == "error":
            log.refused[pending[answered]] = message["message"]
            answered += 1


async def form_turn(browser: Browser, log: SessionLog, line: str) -> None:
    log.sent.append(line)
    began = time.perf_counter()
    response = await browser.post(f"/practice/{log.session_id}/say", {"text": line})
    browser.stats.form_turn_s.append(time.perf_counter() - began)
    location = response.headers.get("location", "")
    if response.status_code != 303:
        raise Failure(f"POST /practice/{log.session_id}/say: HTTP {response.status_code}")
    if "#composer" in location:  # refused: the reason is on the next page
        log.refused[line] = "refused by the form"
        return
    log.acked.add(line)
    log.replies += 1
    if location.startswith("/attempts/"):
        log.ended = True


def healthz_probe(base: str) -> None:
    """`--probe URL`: ask /healthz every 200 ms until stdin closes, printing "seconds ok" lines.
    It runs in a process of its own, so the browsers' work in this one does not delay it."""
    import threading

    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    with httpx.Client(base_url=base, timeout=30, limits=KEEP_ALIVE) as client:
        while not stop.is_set():
            began = time.perf_counter()
            try:
                ok = client.get("/healthz").status_code == 200
            except httpx.HTTPError:
                ok = False
            print(f"{time.perf_counter() - began:.6f} {int(ok)}", flush=True)
            stop.wait(HEALTHZ_EVERY_S)


def start_probe(base: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--probe", base],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def stop_probe(probe: subprocess.Popen[str], stats: Stats) -> None:
    output, _ = probe.communicate(input="", timeout=60)
    for line in output.splitlines():
        seconds, ok = line.split()
        stats.healthz_s.append(float(seconds))
        stats.healthz_failed += ok != "1"


# --- a run ---------------------------------------------------------------------------------------


async def drive(base: str, emails: list[str], config: Config, args: argparse.Namespace) -> Stats:
    stats = Stats()
    think_s = args.think_ms / 1000
    ramp_s = min(20.0, config.users / 10)
    began = time.monotonic()
    until = began + ramp_s + args.duration
    cookies: dict[str, asyncio.Future[httpx.Cookies]] = {}
    loop = asyncio.get_running_loop()

    async def user(i: int) -> None:
        await asyncio.sleep(ramp_s * i / config.users)
        is_manager = i % 10 == 9
        agent_no = i - (i + 1) // 10  # agents before this one
        email = "manager@demo.local" if is_manager else emails[(agent_no // 5) % len(emails)]
        first = email not in cookies
        if first:
            cookies[email] = loop.create_future()
        browser = Browser(base, stats)
        try:
            if first:
                try:
                    await browser.login(email)
                    await browser.page("/manager" if is_manager else "/agent")
                    cookies[email].set_result(browser.client.cookies)
                except Failure as failure:
                    cookies[email].set_exception(failure)
                    raise
            else:
                shared = await cookies[email]
                await browser.aclose()
                browser = Browser(base, stats, httpx.Cookies(shared))
                await browser.page("/manager" if is_manager else "/agent")
            if is_manager:
                await manager_loop(browser, until, think_s)
            else:
                await agent_loop(browser, until, think_s)
        except Failure as failure:
            stats.fail(str(failure))
        finally:
            await browser.aclose()

    probe = start_probe(base)
    await asyncio.gather(*(user(i) for i in range(config.users)))
    stop_probe(probe, stats)
    return stats


def check_database(database_url: str, stats: Stats) -> dict[str, int]:
    """Compare what the browsers sent and saw with what is stored."""
    engine = create_engine(database_url)
    ids = list(stats.sessions)
    stored_agent: dict[int, list[str]] = defaultdict(list)
    stored_customer: Counter[int] = Counter()
    records: Counter[int] = Counter()
    status: dict[int, str] = {}
    with engine.connect() as connection:
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ",".join(str(int(i)) for i in part)
            for sid, speaker, said in connection.execute(
                text(f"SELECT session_id, speaker, text FROM turn WHERE session_id IN ({marks})")
            ):
                if speaker == "agent":
                    stored_agent[sid].append(said)
                else:
                    stored_customer[sid] += 1
            for sid, count in connection.execute(
                text(
                    f"SELECT session_id, COUNT(*) FROM scorerecord WHERE session_id IN ({marks}) "
                    "GROUP BY session_id"
                )
            ):
                records[sid] = count
            for sid, state in connection.execute(
                text(f"SELECT id, status FROM practicesession WHERE id IN ({marks})")
            ):
                status[sid] = state
    engine.dispose()
    lost = unacknowledged_stored = refused = bad_scores = 0
    for sid, log in stats.sessions.items():
        agent_rows = stored_agent.get(sid, [])
        for line in log.sent:
            if line in log.refused:
                refused += 1
            elif line not in agent_rows:
                lost += 1  # sent, not refused with a reason, and not stored
        lost += max(0, log.replies - max(0, stored_customer.get(sid, 0) - 1))
        unacknowledged_stored += sum(1 for row in agent_rows if row not in log.acked)
        if status.get(sid) == "ended" and agent_rows and records.get(sid, 0) != 1:
            bad_scores += 1
    return {
        "sessions": len(ids),
        "messages sent": sum(len(log.sent) for log in stats.sessions.values()),
        "replies received": sum(log.replies for log in stats.sessions.values()),
        "refused with a reason": refused,
        "lost": lost,
        "stored without acknowledgement": unacknowledged_stored,
        "ended sessions without exactly one score record": bad_scores,
    }


def run_config(config: Config, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="sparring-load-") as tmp:
        data_dir = Path(tmp) / "var"
        database_url = f"sqlite:///{data_dir / 'sparring.db'}"
        admin = None
        name = ""
        if config.backend == "postgres":
            admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
            name = f"sparring_bench_{uuid.uuid4().hex[:10]}"
            with admin.connect() as connection:
                connection.execute(text(f"CREATE DATABASE {name}"))
            database_url = (
                make_url(POSTGRES_ADMIN_URL)
                .set(database=name)
                .render_as_string(hide_password=False)
            )
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SPARRING_")},
            "SPARRING_DATA_DIR": str(data_dir),
            "SPARRING_SECRET_KEY": SECRET,
            "SPARRING_LOG_LEVEL": "warning",
            "SPARRING_DATABASE_URL": database_url,
        }
        try:
            cli(env, "db", "upgrade")
            cli(env, "demo", "--password", PASSWORD)
            agents = config.users - config.users // 10
            emails = create_agents(database_url, data_dir, max(1, math.ceil(agents / 5)))
            port = free_port()
            log = Path(tmp) / "server.log"
            server = start_server(env, port, config.workers, log)
            began = time.monotonic()
            try:
                stats = asyncio.run(drive(f"http://127.0.0.1:{port}", emails, config, args))
            finally:
                server.terminate()
                server.wait(timeout=60)
            elapsed = time.monotonic() - began
            lines = log.read_text().splitlines()
            server_errors = [
                line
                for line in lines
                if "Traceback" in line or "ERROR" in line or "WARNING" in line
            ]
            if server_errors:  # the first problem in full, since the log goes with the folder
                first = lines.index(server_errors[0])
                print("\n".join(["   server log:", *lines[first : first + 40]]))
            checked = check_database(database_url, stats)
        finally:
            if admin is not None:
                with admin.connect() as connection:
                    connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                admin.dispose()
    return {
        "config": config,
        "stats": stats,
        "db": checked,
        "elapsed": elapsed,
        "log": server_errors,
    }


def report(result: dict[str, Any]) -> bool:
    config: Config = result["config"]
    stats: Stats = result["stats"]
    checked: dict[str, int] = result["db"]
    fivexx = sum(n for code, n in stats.statuses.items() if code >= 500)
    healthz_p99 = percentile(stats.healthz_s, 0.99)
    print(
        f"\n== {config.backend}, {config.workers} worker(s), {config.users} users "
        f"({result['elapsed']:.0f} s)"
    )
    print("   database: " + ", ".join(f"{k} {v}" for k, v in checked.items()))
    print(
        f"   HTTP: {sum(stats.statuses.values())} responses, 5xx {fivexx}; "
        f"other failures {len(stats.failures)}"
        + (f" (first: {stats.failures[0]})" if stats.failures else "")
    )
    print(
        f"   /healthz: {len(stats.healthz_s)} probes, failed {stats.healthz_failed}, "
        f"p50 {ms(percentile(stats.healthz_s, 0.5))}, p99 {ms(healthz_p99)}, "
        f"max {ms(max(stats.healthz_s, default=float('nan')))}"
    )
    print(
        f"   reply (send -> turn complete): {len(stats.reply_s)} replies, "
        f"p50 {ms(percentile(stats.reply_s, 0.5))}, p95 {ms(percentile(stats.reply_s, 0.95))}; "
        f"first chunk p50 {ms(percentile(stats.first_chunk_s, 0.5))}; form turn p50 "
        f"{ms(percentile(stats.form_turn_s, 0.5))}"
    )
    print(
        f"   start session p50 {ms(percentile(stats.start_s, 0.5))}, "
        f"p95 {ms(percentile(stats.start_s, 0.95))}; pages p95 "
        f"{ms(percentile(stats.page_s, 0.95))}; sign-in p50 {ms(percentile(stats.login_s, 0.5))} "
        f"({len(stats.login_s)} sign-ins)"
    )
    if result["log"]:
        print(f"   server log: {len(result['log'])} error lines, first: {result['log'][0]}")
    ok = (
        checked["lost"] == 0
        and fivexx == 0
        and not stats.failures
        and stats.healthz_failed == 0
        and healthz_p99 < 1.0
        and checked["ended sessions without exactly one score record"] == 0
    )
    print(
        "   targets (0 lost, 0 5xx, no failures, /healthz p99 < 1 s):", "met" if ok else "NOT met"
    )
    return ok


def main() -> None:
    if sys.argv[1:2] == ["--probe"]:
        healthz_probe(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="20,100,200", help="concurrent users, comma-separated")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite and/or postgres")
    parser.add_argument(
        "--duration", type=float, default=60, help="seconds of activity after the ramp"
    )
    parser.add_argument(
        "--think-ms", type=float, default=2000, help="mean pause before each message"
    )
    args = parser.parse_args()
    configs = [
        Config(backend, int(users), 1 if backend == "sqlite" else 2)
        for backend in args.backends.split(",")
        for users in args.users.split(",")
    ]
    results = []
    for config in configs:
        results.append(run_config(config, args))
        report(results[-1])
    print("\n| Backend | Users | Lost | HTTP 5xx | /healthz p99 | Reply p50 | Reply p95 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    all_ok = True
    for result in results:
        config, stats = result["config"], result["stats"]
        fivexx = sum(n for code, n in stats.statuses.items() if code >= 500)
        print(
            f"| {config.backend} ({config.workers} worker{'s' if config.workers > 1 else ''}) "
            f"| {config.users} | {result['db']['lost']} | {fivexx} "
            f"| {ms(percentile(stats.healthz_s, 0.99))} | {ms(percentile(stats.reply_s, 0.5))} "
            f"| {ms(percentile(stats.reply_s, 0.95))} |"
        )
    for result in results:
        all_ok = report_ok(result) and all_ok
    sys.exit(0 if all_ok else 1)


def report_ok(result: dict[str, Any]) -> bool:
    stats: Stats = result["stats"]
    return (
        result["db"]["lost"] == 0
        and not any(code >= 500 for code in stats.statuses)
        and not stats.failures
        and stats.healthz_failed == 0
        and percentile(stats.healthz_s, 0.99) < 1.0
    )


if __name__ == "__main__":
    main()
