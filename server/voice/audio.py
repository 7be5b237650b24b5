"""Keeping voice-practice audio: only when `SPARRING_KEEP_AUDIO` is on (off by default).

With `SPARRING_KEEP_AUDIO=N` (days) or `forever`, each voice connection records the agent's
microphone, exactly the samples the session clock counts, as 16 kHz mono WAV in
`DATA_DIR/voice/<session id>/<clock start>.wav` (the file name is where on the session clock it
begins, so the turn times of the transcript point into it). Recordings older than N days are
deleted whenever a voice call starts. The customer's side is not recorded: it is the transcript
spoken by the TTS voice.
"""

from __future__ import annotations

import shutil
import time
import wave
from pathlib import Path

from server.settings import Settings

SAMPLE_RATE = 16_000


def voice_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / "voice"


def retention_days(settings: Settings) -> int | None:
    """None: keep forever; 0: do not keep; else days."""
    keep = settings.keep_audio
    if keep == "off":
        return 0
    if keep == "forever":
        return None
    return int(keep)


def purge_expired(settings: Settings, now: float | None = None) -> int:
    """Delete recordings older than the retention period; returns how many files went."""
    days = retention_days(settings)
    root = voice_dir(settings)
    if days is None or days == 0 or not root.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - days * 86_400
    removed = 0
    for path in root.glob("*/*.wav"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    for folder in root.iterdir():
        if folder.is_dir() and not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)
    return removed


class Recorder:
    """Writes the microphone stream of one connection to WAV as it arrives."""

    def __init__(self, settings: Settings, session_id: int, clock_start: float) -> None:
        folder = voice_dir(settings) / str(session_id)
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{clock_start:09.3f}.wav"
        self._wav = wave.open(str(self.path), "wb")  # noqa: SIM115 - closed by close()
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(SAMPLE_RATE)

    def write(self, pcm: bytes) -> None:
        self._wav.writeframes(pcm)

    def close(self) -> None:
        self._wav.close()


def recorder_for(settings: Settings, session_id: int, clock_start: float) -> Recorder | None:
    """A recorder when audio is kept, after deleting expired recordings; else None."""
    if retention_days(settings) == 0:
        return None
    purge_expired(settings)
    return Recorder(settings, session_id, clock_start)
