"""The wait for the minimum silence before the customer answers runs on the session clock (the
agent's audio), so a busy machine that delivers the audio late, in bursts, cannot end the
agent's turn in a short pause; only audio that stops arriving ends the wait on the wall clock."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from server.customer.runner import Conversation
from server.models import PracticeSession
from server.scenario.loader import load_scenario
from server.services.practice import LiveSession
from server.voice import call as voice_call
from server.voice.call import MIN_SILENCE_S, VoiceCall, wait_for_silence
from server.voice.protocol import SAMPLE_RATE

SCENARIO = Path(__file__).parents[2] / "scenarios" / "hostile_telecom_outage.yaml"


def a_call() -> VoiceCall:
    conversation = Conversation(load_scenario(SCENARIO), seed=3)
    live = LiveSession(
        PracticeSession(id=1, user_id=1, behavior_id="deescalation"), conversation, []
    )
    return VoiceCall(None, live)  # type: ignore[arg-type]  # the wait touches no database


def receive(call: VoiceCall, seconds: float) -> None:
    """Audio reaching the session clock (what `SessionClock` does for each frame)."""
    call.samples_in += round(seconds * SAMPLE_RATE)
    call.audio_at = time.monotonic()


def paused_after_speech() -> VoiceCall:
    """A call whose agent spoke for two seconds and paused: the VAD has just stopped."""
    call = a_call()
    call.vad_started(0.2)
    receive(call, 2.0)
    call.vad_stopped(0.2)
    return call


@pytest.fixture
def fast_hold(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setattr(voice_call, "MAX_HOLD_S", 0.3)
    return 0.3


async def test_late_audio_that_goes_on_speaking_keeps_the_turn_open(fast_hold: float) -> None:
    """Audio arrives in bursts, each after longer than the wall-clock bound, and holds only a
    short pause before the agent speaks again: the wait ends with the speech going on."""
    call = paused_after_speech()  # a 0.2 s pause so far: not yet the minimum silence
    waiting = asyncio.ensure_future(wait_for_silence(call))
    for _ in range(3):  # the machine is busy: audio trickles in, late but steady
        await asyncio.sleep(fast_hold * 0.6)
        receive(call, 0.02)
        assert not waiting.done()
    call.vad_started(0.2)  # the agent goes on: the pause was under MIN_SILENCE_S
    assert await asyncio.wait_for(waiting, 2) is False


async def test_the_minimum_silence_on_the_session_clock_ends_the_wait(fast_hold: float) -> None:
    call = paused_after_speech()
    waiting = asyncio.ensure_future(wait_for_silence(call))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    receive(call, MIN_SILENCE_S)
    assert await asyncio.wait_for(waiting, 2) is True


async def test_audio_that_stops_arriving_ends_the_wait(fast_hold: float) -> None:
    """A microphone that goes quiet (no frames at all) cannot hold the customer's answer."""
    call = paused_after_speech()
    began = asyncio.get_running_loop().time()
    assert await asyncio.wait_for(wait_for_silence(call), 2) is True
    assert asyncio.get_running_loop().time() - began >= fast_hold * 0.9
    assert any("no audio arriving" in event for _, event in call.metrics.events)


async def test_a_closed_call_ends_the_wait() -> None:
    call = paused_after_speech()
    assert await asyncio.wait_for(wait_for_silence(call, lambda: True), 1) is True
