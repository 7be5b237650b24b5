"""Real call audio for the tests and the benchmark: lines spoken by the bundled Piper voice,
placed at given times on the agent's or the customer's channel of a stereo WAV."""

from __future__ import annotations

import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from server.speech.models import piper_voice


@dataclass(frozen=True)
class Line:
    speaker: str  # "agent" or "customer"
    start: float  # seconds on the call's clock
    text: str


@dataclass(frozen=True)
class Placed:
    speaker: str
    start: float
    end: float
    text: str


@lru_cache(maxsize=1)
def _voice() -> Any:
    from piper import PiperVoice

    return PiperVoice.load(piper_voice())


@lru_cache(maxsize=512)
def speak(text: str) -> tuple[np.ndarray, int]:
    """The Piper voice saying `text`: int16 samples and the sample rate."""
    voice = _voice()
    chunks = list(voice.synthesize(text))
    rate = chunks[0].sample_rate
    return np.concatenate([c.audio_int16_array for c in chunks]), rate


def write_call(
    path: Path, lines: list[Line], *, agent_channel: str = "left", tail_s: float = 1.0
) -> list[Placed]:
    """A stereo WAV with every line spoken at its start time on its speaker's channel; returns
    where each line actually lies (start, end)."""
    spoken = [(line, *speak(line.text)) for line in lines]
    rate = spoken[0][2] if spoken else 22050
    placed = [
        Placed(line.speaker, line.start, line.start + len(samples) / rate, line.text)
        for line, samples, _ in spoken
    ]
    total = int((max((p.end for p in placed), default=0) + tail_s) * rate)
    stereo = np.zeros((total, 2), np.int16)
    agent_index = 0 if agent_channel == "left" else 1
    for (line, samples, _), where in zip(spoken, placed, strict=True):
        column = agent_index if line.speaker == "agent" else 1 - agent_index
        at = int(where.start * rate)
        stereo[at : at + len(samples), column] = samples
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(stereo.tobytes())
    return placed


def write_stereo_wav(path: Path, *, channels: int = 2, seconds: float = 1.0) -> None:
    """A quiet tone: enough to probe channels and duration."""
    rate = 16000
    t = np.arange(int(seconds * rate)) / rate
    tone = (0.05 * 32767 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)
    frames = np.repeat(tone[:, None], channels, axis=1)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames.tobytes())
