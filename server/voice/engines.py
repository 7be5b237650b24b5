"""The speech engines voice practice shares across sessions: loaded once per process.

Whisper (faster-whisper, CTranslate2 int8) and the Piper voice are read-only after loading and
safe to call from several threads, so every voice session of a worker uses the same copies;
a session costs its buffers, not a model.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from server.speech.models import piper_voice, whisper_model

if TYPE_CHECKING:
    from faster_whisper import WhisperModel
    from piper import PiperVoice

_lock = threading.Lock()


@lru_cache(maxsize=4)
def _whisper(name_or_path: str) -> WhisperModel:
    from faster_whisper import WhisperModel

    return WhisperModel(name_or_path, device="cpu", compute_type="int8", cpu_threads=1)


def shared_whisper(stt_model: str = "") -> WhisperModel:
    """The faster-whisper model named by `SPARRING_STT_MODEL` (empty: bundled tiny.en), int8."""
    with _lock:
        return _whisper(whisper_model(stt_model))


@lru_cache(maxsize=1)
def _piper() -> PiperVoice:
    from piper import PiperVoice

    return PiperVoice.load(str(piper_voice()))


def shared_piper() -> PiperVoice:
    """The bundled Piper voice (`en_US-joe-medium`, 22.05 kHz)."""
    with _lock:
        return _piper()


def warm_up(stt_model: str = "") -> None:
    """Load both engines and run each once (ONNX Runtime and CTranslate2 are slow on their first
    call), so the first voice call answers as fast as the next ones."""
    import numpy as np

    whisper = shared_whisper(stt_model)
    segments, _ = whisper.transcribe(np.zeros(16_000, np.float32), language="en", beam_size=1)
    list(segments)
    for _chunk in shared_piper().synthesize("Hello."):
        pass
