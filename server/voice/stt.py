"""Speech to text: pipecat's segmented faster-whisper service on the process-wide model.

pipecat's `WhisperSTTService` fits, with three changes, which is why it is subclassed here:
its constructor loads a model per service (a session), where one int8 model per process is
shared; its `transcribe` call keeps Whisper's defaults, where a practice turn is short and must
not be conditioned on earlier text (`condition_on_previous_text=False`, greedy decoding); and
a failed or empty segment yields nothing, where the customer processor must know that every
segment of a turn is done, and whether one failed, before it hands the turn over.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from pipecat.frames.frames import DataFrame, Frame, TranscriptionFrame
from pipecat.services.whisper.stt import WhisperSTTService
from pipecat.transcriptions.language import Language
from pipecat.utils.time import time_now_iso8601

from server.voice.engines import shared_whisper


@dataclass
class SegmentDone(DataFrame):
    """One VAD segment was transcribed (`text`, maybe empty) or failed (`error`)."""

    text: str = ""
    error: str | None = None
    audio_s: float = 0.0
    compute_s: float = 0.0  # wall time
    # CPU time of the process while transcribing (CTranslate2 computes on its own threads);
    # with one call at a time, about what an uncontended machine would take
    cpu_s: float = 0.0


class SparringWhisperSTT(WhisperSTTService):
    """faster-whisper on the shared model; every segment ends in a `SegmentDone` frame."""

    def __init__(self, *, stt_model: str = "", model: Any = None, **kwargs: Any) -> None:
        self._stt_model_name = stt_model
        self._injected_model = model
        super().__init__(
            settings=WhisperSTTService.Settings(
                model=stt_model or "bundled-tiny.en", language=Language.EN, no_speech_prob=0.6
            ),
            device="cpu",
            compute_type="int8",
            trailing_silence_secs=0.3,
            # a safety net only: every segment ends in a finalized transcript (or SegmentDone),
            # which ends the turn at once
            ttfs_p99_latency=1.0,
            **kwargs,
        )

    def _load(self) -> None:
        # the process-wide model (or one given by the caller), never a per-session load
        self._model = self._injected_model or shared_whisper(self._stt_model_name)

    async def run_stt(self, audio: bytes) -> AsyncGenerator[Frame, None]:
        samples = np.frombuffer(audio, dtype=np.int16).astype(np.float32) / 32768.0
        model = self._model
        threshold = float(getattr(self._settings, "no_speech_prob", None) or 0.6)

        cpu = 0.0

        def transcribe() -> str:
            nonlocal cpu
            assert model is not None
            began_cpu = time.process_time()
            segments, _ = model.transcribe(
                samples,
                language="en",
                beam_size=1,
                condition_on_previous_text=False,
                without_timestamps=True,
            )
            text = " ".join(s.text.strip() for s in segments if s.no_speech_prob < threshold)
            cpu = time.process_time() - began_cpu
            return text.strip()

        loop = asyncio.get_running_loop()
        began = loop.time()
        try:
            text = await asyncio.to_thread(transcribe)
        except Exception as exc:  # any engine failure: the turn continues as text
            yield SegmentDone(error=f"{type(exc).__name__}: {exc}", audio_s=len(samples) / 16000)
            return
        compute = loop.time() - began
        if text:
            yield TranscriptionFrame(text, self._user_id, time_now_iso8601(), Language.EN)
        yield SegmentDone(text=text, audio_s=len(samples) / 16000, compute_s=compute, cpu_s=cpu)


def transcriber(model: Any = None, stt_model: str = "") -> Callable[[bytes], str]:
    """A function transcribing 16 kHz 16-bit PCM with `model` (default: the shared one), with
    the same options as the service (for a persona's cut-in, which cannot wait for the VAD)."""

    def transcribe(pcm: bytes) -> str:
        whisper = model or shared_whisper(stt_model)
        samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0
        segments, _ = whisper.transcribe(
            samples, language="en", beam_size=1, condition_on_previous_text=False
        )
        return " ".join(s.text.strip() for s in segments).strip()

    return transcribe
