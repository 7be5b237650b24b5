"""Voice practice in Chromium with a fake microphone: a WAV of the agent's line (spoken by the
bundled Piper voice, after enough silence for the customer's opening) is the microphone; the
page captures it with the AudioWorklet, the server hears it, and the test sees both sides'
captions and, after *End conversation*, the scorecard. A refused microphone is explained and
offers the text chat of the same session."""

from __future__ import annotations

import re
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.browser.conftest import (  # noqa: F401  (fixtures)
    CHROMIUM_ARGS,
    DEMO_PASSWORD,
    chromium,
    live_server,
)
from tests.voice.harness import RATE, synthesise

pytestmark = pytest.mark.browser

LINE = (
    "I'm sorry your internet has been down since Monday. That sounds like it is costing you work."
)
LEAD_S = 10.0  # the customer's opening plays first (about six seconds)


@pytest.fixture(scope="module")
def microphone_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Silence, the agent's line, then a long silence (Chromium loops the file)."""
    speech = synthesise(LINE)
    silence = np.zeros(int(LEAD_S * RATE), np.int16)
    tail = np.zeros(int(60 * RATE), np.int16)
    samples = np.concatenate([silence, speech, tail])
    path = tmp_path_factory.mktemp("mic") / "agent.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())
    return path


@pytest.fixture(scope="module")
def voice_browser(chromium: str, microphone_wav: Path) -> Iterator[object]:  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-audio-capture={microphone_wav}",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield browser
        browser.close()


def signed_in(voice_browser, live_server):  # type: ignore[no-untyped-def]  # noqa: F811
    context = voice_browser.new_context(base_url=live_server.url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill("agent1@demo.local")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return context, page


def test_a_voice_practice_with_a_fake_microphone(voice_browser, live_server) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context, page = signed_in(voice_browser, live_server)
    try:
        page.goto("/agent")
        page.get_by_role("button", name=re.compile(r"by voice$")).first.click()
        page.wait_for_url(re.compile(r"/practice/\d+/voice$"))
        page.get_by_role("button", name="Start talking").click()
        customer = page.locator("#turn-0 .msg-text")
        agent = page.locator("#turn-1 .msg-text")
        reply = page.locator("#turn-2 .msg-text")
        page.wait_for_function(
            "document.querySelector('#turn-1 .msg-text') !== null", timeout=60_000
        )
        page.wait_for_function(
            "document.querySelector('#turn-2 .msg-text') !== null", timeout=60_000
        )
        assert customer.inner_text().strip()
        heard = agent.inner_text().lower()
        assert "internet" in heard and "monday" in heard, heard
        assert reply.inner_text().strip()
        page.get_by_role("button", name="End conversation").click()
        page.wait_for_url(re.compile(r"/attempts/\d+$"), timeout=30_000)
        assert page.get_by_text(re.compile("PASS|NOT YET")).first.is_visible()
    finally:
        context.close()


def test_a_refused_microphone_is_explained_with_a_switch_to_text(  # type: ignore[no-untyped-def]
    voice_browser,
    live_server,  # noqa: F811
) -> None:
    context, page = signed_in(voice_browser, live_server)
    try:
        page.add_init_script(
            "navigator.mediaDevices.getUserMedia = () => Promise.reject("
            "new DOMException('Permission denied', 'NotAllowedError'));"
        )
        page.goto("/agent")
        page.get_by_role("button", name=re.compile(r"by voice$")).first.click()
        page.wait_for_url(re.compile(r"/practice/\d+/voice$"))
        session_url = page.url.removesuffix("/voice")
        page.get_by_role("button", name="Start talking").click()
        notice = page.locator("#voice-notice")
        notice.wait_for(state="visible")
        assert "not allowed" in notice.inner_text()
        notice.get_by_role("link", name="Continue in the text chat").click()
        page.wait_for_url(session_url)
        assert page.get_by_label(re.compile("Your reply to")).is_visible()
    finally:
        context.close()
