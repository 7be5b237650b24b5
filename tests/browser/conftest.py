"""Browser tests: a real `sparring serve` subprocess on a free loopback port, with a migrated,
demo-seeded SQLite database, driven by Debian's headless Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Generator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_SECRET

CHROMIUM = os.environ.get("SPARRING_TEST_CHROMIUM", "/usr/bin/chromium")
HOW_TO_ENABLE = (
    "install Debian's `chromium` package (.ci/run does) or point SPARRING_TEST_CHROMIUM at a "
    "Chromium binary"
)
DEMO_PASSWORD = "browser-demo-pw"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


def find_chromium() -> str | None:
    """The Chromium to drive: SPARRING_TEST_CHROMIUM (default /usr/bin/chromium), else the
    `chromium` on PATH, else None."""
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    return shutil.which("chromium")


def chromium_or_skip(found: str | None, ci: bool) -> str:
    """Browser tests run when a Chromium is found, are skipped (one summary line, grouped by
    pytest's `-ra`) when none is, and are required when CI=true."""
    if found is not None:
        return found
    message = f"browser tests need Chromium, none at {CHROMIUM} or on PATH: {HOW_TO_ENABLE}"
    if ci:
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def chromium() -> str:
    return chromium_or_skip(find_chromium(), os.environ.get("CI", "").lower() == "true")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Every browser test skipped for want of Chromium reports from this file and no line, so
    pytest's summary folds them into one `SKIPPED [n] tests/browser/conftest.py: ...` line."""
    report: pytest.TestReport = yield
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and HOW_TO_ENABLE in str(longrepr[2]):
        report.longrepr = (__file__, None, longrepr[2])  # type: ignore[assignment]
    return report


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    def __init__(self, url: str, env: dict[str, str]) -> None:
        self.url = url
        self.env = env

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "server.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("live") / "var"
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SPARRING_")},
        "SPARRING_DATA_DIR": str(data_dir),
        "SPARRING_SECRET_KEY": TEST_SECRET,
        "SPARRING_LOG_LEVEL": "warning",
    }
    server = LiveServer(f"http://127.0.0.1:{port}", env)
    server.cli("db", "upgrade")
    server.cli("demo", "--password", DEMO_PASSWORD)
    log = open(data_dir / "server.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log.close()
            raise RuntimeError(f"server did not start:\n{(data_dir / 'server.log').read_text()}")
        time.sleep(0.2)
    yield server
    process.terminate()
    process.wait(timeout=15)
    log.close()


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[object]:
    """Chromium for one test module. Playwright's sync API keeps an event loop running while it
    is open, so it must be closed before the asyncio tests of other modules run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):  # type: ignore[no-untyped-def]
    """`new_page(email)` -> a Playwright page signed in as that demo user."""
    contexts = []

    def make(email: str | None = None):  # type: ignore[no-untyped-def]
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if email:
            page.goto("/login")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
            assert "/login" not in page.url, f"sign-in failed for {email}"
        return page

    yield make
    for context in contexts:
        context.close()
