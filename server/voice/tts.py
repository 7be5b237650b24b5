"""Text to speech for the customer: Piper (bundled voice, offline) or edge-tts (online).

pipecat's `TTSService` does the sentence streaming (text is aggregated into sentences and each
is synthesised as soon as it is complete, so the first sentence plays while the rest is still
being written), resampling and interruption. Its `PiperTTSService` is not used as is: it loads
(or downloads) a voice per service, where the bundled voice is loaded once per process and
nothing may be downloaded. A failed sentence does not stop the call: `SpeechFailed` goes
upstream so the customer processor tells the user and the reply stays as captions.

`SPARRING_TTS_ENGINE=edge` synthesises with edge-tts (MP3, decoded with PyAV, which
faster-whisper already brings); on any network error that sentence and the rest of the
session fall back to Piper.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from pipecat.frames.frames import DataFrame, Frame
from pipecat.processors.frame_processor import FrameDirection
from pipecat.services.settings import TTSSettings
from pipecat.services.tts_service import TTSService
from pipecat.transcriptions.language import Language

from server.voice.engines import shared_piper

log = logging.getLogger(__name__)

EDGE_DEFAULT_VOICE = "en-US-GuyNeural"


@dataclass
class SpeechFailed(DataFrame):
    """A sentence of the customer's reply could not be synthesised."""

    text: str = ""
    error: str = ""


@dataclass
class SentenceSynthesised(DataFrame):
    """A sentence was synthesised: its text, audio length, time to first chunk and engine."""

    text: str = ""
    samples: int = 0
    first_chunk_s: float = 0.0
    first_chunk_cpu_s: float = 0.0  # process CPU time of the first chunk (as on an idle machine)
    engine: str = "piper"


class CustomerTTS(TTSService):
    """Piper by default, edge-tts first when `engine == "edge"`."""

    def __init__(
        self,
        *,
        engine: str = "piper",
        edge_voice: str = EDGE_DEFAULT_VOICE,
        piper: Any = None,
        persona: Any = None,
        **kwargs: Any,
    ) -> None:
        """`persona`: the scenario's `customer.voice` (Piper pace and speaker, the edge-tts
        voice, rate and pitch)."""
        if persona is not None and persona.edge is not None:
            edge_voice = persona.edge.voice
        super().__init__(
            push_start_frame=True,
            push_stop_frames=True,
            settings=TTSSettings(
                model=engine,
                voice=edge_voice if engine == "edge" else "en_US-joe-medium",
                language=Language.EN,
            ),
            **kwargs,
        )
        self._engine = engine
        self._edge_voice = edge_voice
        self._piper = piper
        self._persona = persona
        self.fallbacks = 0

    def can_generate_metrics(self) -> bool:
        return True

    async def run_tts(self, text: str, context_id: str) -> AsyncGenerator[Frame, None]:
        if not text.strip():
            return
        loop = asyncio.get_running_loop()
        began = loop.time()
        produced = 0
        first: float | None = None
        cpu: list[float] = []
        engine = self._engine
        try:
            source: AsyncIterator[bytes]
            rate: int
            if engine == "edge":
                try:
                    edge = getattr(self._persona, "edge", None)
                    pcm, rate = await edge_pcm(
                        text,
                        self._edge_voice,
                        rate=edge.rate if edge is not None else "+0%",
                        pitch=edge.pitch if edge is not None else "+0Hz",
                    )
                except Exception as exc:  # noqa: BLE001 - any network error: fall back
                    log.warning("edge-tts failed (%s); falling back to Piper", exc)
                    self._engine = engine = "piper"
                    self.fallbacks += 1
                    source, rate = self._piper_stream(text, cpu)
                else:
                    source = _once(pcm)
            else:
                source, rate = self._piper_stream(text, cpu)
            async for frame in self._stream_audio_frames_from_iterator(
                source, in_sample_rate=rate, context_id=context_id
            ):
                if first is None:
                    first = loop.time() - began
                    await self.stop_ttfb_metrics()
                audio = getattr(frame, "audio", b"")
                produced += len(audio) // 2
                yield frame
        except Exception as exc:  # any engine failure: the reply stays as captions
            log.warning("speech synthesis failed for %r: %s", text[:60], exc)
            await self.push_frame(
                SpeechFailed(text=text, error=f"{type(exc).__name__}: {exc}"),
                FrameDirection.UPSTREAM,
            )
            return
        await self.push_frame(
            SentenceSynthesised(
                text=text,
                samples=produced,
                first_chunk_s=first or 0.0,
                first_chunk_cpu_s=cpu[0] if cpu else 0.0,
                engine=engine,
            ),
            FrameDirection.UPSTREAM,
        )

    def _piper_stream(
        self, text: str, cpu: list[float] | None = None
    ) -> tuple[AsyncIterator[bytes], int]:
        voice = self._piper or shared_piper()
        settings = getattr(self._persona, "piper", None)
        config = None
        if settings is not None and (settings.length_scale != 1.0 or settings.speaker):
            from piper.config import SynthesisConfig

            config = SynthesisConfig(
                speaker_id=settings.speaker, length_scale=settings.length_scale
            )
        return (
            _thread_iter(lambda: voice.synthesize(text, syn_config=config), cpu),
            int(voice.config.sample_rate),
        )


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _thread_iter(
    make: Callable[[], Any], cpu: list[float] | None = None
) -> AsyncIterator[bytes]:
    """Piper's synthesis generator, each chunk computed off the event loop (the process CPU
    time spent on each chunk is appended to `cpu`; ONNX Runtime uses its own threads)."""
    iterator = await asyncio.to_thread(lambda: iter(make()))
    done = object()

    def step() -> Any:
        began = time.process_time()
        chunk = next(iterator, done)
        if cpu is not None:
            cpu.append(time.process_time() - began)
        return chunk

    while True:
        chunk = await asyncio.to_thread(step)
        if chunk is done:
            return
        yield bytes(getattr(chunk, "audio_int16_bytes"))  # noqa: B009 - piper ships no types


async def edge_pcm(
    text: str, voice: str, *, rate: str = "+0%", pitch: str = "+0Hz", timeout_s: float = 8.0
) -> tuple[bytes, int]:
    """Synthesise `text` with edge-tts: 16-bit mono PCM and its rate. edge-tts leaves a
    0-byte file behind when the network fails; it is deleted whatever happens."""
    import edge_tts

    handle, path = tempfile.mkstemp(suffix=".mp3", prefix="sparring-edge-")
    os.close(handle)
    try:
        communicate = edge_tts.Communicate(text, voice, rate=rate, pitch=pitch)
        await asyncio.wait_for(communicate.save(path), timeout_s)
        if os.path.getsize(path) == 0:
            raise OSError("edge-tts returned no audio")
        return await asyncio.to_thread(_decode_mp3, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)


def _decode_mp3(path: str) -> tuple[bytes, int]:
    import av

    with av.open(path) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=24000)
        out = bytearray()
        for frame in container.decode(stream):
            for piece in resampler.resample(frame):
                out += bytes(piece.planes[0])[: piece.samples * 2]
        for piece in resampler.resample(None):
            out += bytes(piece.planes[0])[: piece.samples * 2]
    return bytes(out), 24000
