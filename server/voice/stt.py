"""Speech to text: pipecat's segmented faster-whisper service on the process-wide model.

pipecat's `WhisperSTTService` fits, with three changes, which is why it is subclassed here:
its constructor loads a model per service (a session), where one int8 model per process is
shared; its `transcribe` call keeps Whisper's defaults, where a practice turn is short and must
not be conditioned on earlier text (`condition_on_previous_text=False`, greedy decoding); and
a failed or empty segment yields nothing, where the customer processor must know that every
segment of a turn is done, and whether one failed, before it hands the turn over.

Whisper's encoder always reads 30 s of audio (a short segment is padded), and on a CPU that
fixed cost is most of the time a short turn takes to transcribe (tiny.en int8, one thread:
about 0.45 s of 0.55 s for a 3 s line). `transcribe_pcm` encodes the segment with a shorter
padding instead (at least 15 s, `MIN_CONTEXT_FRAMES`), which reads the same on the test lines
and takes a third of the time; when the short pass looks unsure (repetitive, improbable, maybe
not speech, ran long, or stopped short of the speech) the segment is transcribed again the
usual way, and that answer stands unless it reads fewer words still.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from pipecat.frames.frames import (
    DataFrame,
    Frame,
    SystemFrame,
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection
from pipecat.services.whisper.stt import WhisperSTTService
from pipecat.transcriptions.language import Language
from pipecat.utils.time import time_now_iso8601

from server.voice.engines import shared_whisper

# silence after the speech of a segment transcribed at a pause: the VAD's stop window plus
# pipecat's trailing silence (what the segment would have at the VAD's stop)
SPECULATIVE_PAD_S = 0.4
FRAMES_PER_S = 100  # Whisper's log-mel frames
MIN_CONTEXT_FRAMES = 1500  # shorter contexts make short words repeat ("Okay. Okay. Okay.")
FULL_CONTEXT_FRAMES = 3000
CONTEXT_MARGIN_FRAMES = 100
# faster-whisper's defaults for when a decoding is not to be trusted
COMPRESSION_RATIO_LIMIT = 2.4
LOG_PROB_LIMIT = -1.0
NO_SPEECH_LIMIT = 0.6
# A transcript with fewer words than this per second of voice stopped short. Slowed down 2.2
# times (about 110 words a minute), the bundled voice still says 2.4 words or more a second of
# voice, 4 to 6 at its own pace; a segment read as a quarter of its words trips the check.
MIN_WORDS_PER_VOICED_S = 1.5
MIN_VOICED_S = 2.0
VOICED_FRAME = 320  # 20 ms at 16 kHz
VOICED_SHARE = 0.05
VOICED_FLOOR = 0.01


def _short_context(model: Any, samples: np.ndarray) -> str | None:
    """The segment's text from an encoder pass over the segment (padded to 15 s, not 30 s), or
    None when that pass is unsure or cannot be made (then the caller transcribes it fully)."""
    from faster_whisper.audio import pad_or_trim
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_compression_ratio, get_suppressed_tokens

    if not hasattr(model, "feature_extractor") or not hasattr(model, "encode"):
        return None  # not faster-whisper's WhisperModel (a test's stand-in)
    features = model.feature_extractor(samples)[:, :-1]
    frames = features.shape[-1]
    if frames + CONTEXT_MARGIN_FRAMES > FULL_CONTEXT_FRAMES:
        return None
    context = max(
        MIN_CONTEXT_FRAMES,
        math.ceil((frames + CONTEXT_MARGIN_FRAMES) / FRAMES_PER_S) * FRAMES_PER_S,
    )
    encoded = model.encode(pad_or_trim(features, context))
    tokenizer = Tokenizer(
        model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en"
    )
    prompt = model.get_prompt(tokenizer, [], without_timestamps=True)
    # speech is at most ~4 tokens a second: more than `most` is a decoder running on. The limit
    # given to the decoder is the model's own, as in faster-whisper's transcribe: CTranslate2
    # stops short of a smaller `max_length` (at about half of it) without saying so, which cut
    # long segments off mid-sentence.
    most = int(len(samples) / 16000 * 6) + 10
    result = model.model.generate(
        encoded,
        [prompt],
        beam_size=1,
        max_length=model.max_length,
        return_scores=True,
        return_no_speech_prob=True,
        suppress_blank=True,
        suppress_tokens=get_suppressed_tokens(tokenizer, (-1,)),
    )[0]
    tokens = result.sequences_ids[0]
    text = tokenizer.decode(tokens).strip()
    log_prob = result.scores[0] * len(tokens) / (len(tokens) + 1)
    if (
        len(tokens) >= most
        or get_compression_ratio(text) > COMPRESSION_RATIO_LIMIT
        or log_prob < LOG_PROB_LIMIT
        or result.no_speech_prob >= NO_SPEECH_LIMIT
    ):
        return None
    return str(text)


def voiced_seconds(samples: np.ndarray) -> float:
    """How much of a segment is voice: its 20 ms frames louder than a twentieth of the loudest
    (and than a floor), so that the silence the VAD leaves around the speech does not count."""
    frames = len(samples) // VOICED_FRAME
    if frames == 0:
        return 0.0
    rms = np.sqrt(np.mean(samples[: frames * VOICED_FRAME].reshape(frames, -1) ** 2, axis=1))
    loud = rms > max(VOICED_FLOOR, float(rms.max()) * VOICED_SHARE)
    return float(np.count_nonzero(loud)) * VOICED_FRAME / 16000


def stops_short(text: str, samples: np.ndarray) -> bool:
    """Whether `text` covers too few words for the voice in the segment: the decoder ended the
    transcript early ("Thank you for holding." for twelve seconds of speech)."""
    voiced = voiced_seconds(samples)
    return voiced >= MIN_VOICED_S and len(text.split()) < voiced * MIN_WORDS_PER_VOICED_S


def transcribe_pcm(model: Any, samples: np.ndarray, threshold: float = NO_SPEECH_LIMIT) -> str:
    """The text of a speech segment (float32 samples at 16 kHz): the short-context pass, else
    faster-whisper's own transcription with the service's options. When the short pass stops
    short of the speech and the full one reads fewer words still, the short pass stands."""
    short = _short_context(model, samples)
    if short is not None and not stops_short(short, samples):
        return short
    segments, _ = model.transcribe(
        samples,
        language="en",
        beam_size=1,
        condition_on_previous_text=False,
        without_timestamps=True,
    )
    text = " ".join(s.text.strip() for s in segments if s.no_speech_prob < threshold).strip()
    if short is not None and len(short.split()) > len(text.split()):
        return short
    return text


@dataclass
class SpeechPaused(SystemFrame):
    """The VAD has heard silence for `SPEECH_PAUSE_S` after speech (it stops at `VAD_STOP_S`
    unless the speech goes on): the speech-to-text service starts on the segment so far."""


@dataclass
class SpeechResumed(SystemFrame):
    """The speech went on after a `SpeechPaused`."""


class Speculation(bytes):
    """A segment whose transcription started when the speaker paused (`task`)."""

    task: asyncio.Task[SegmentDone] | None = None


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
    early: bool = False  # transcribed from the speaker's pause (before the VAD stopped)


class SparringWhisperSTT(WhisperSTTService):
    """faster-whisper on the shared model; every segment ends in a `SegmentDone` frame."""

    def __init__(self, *, stt_model: str = "", model: Any = None, **kwargs: Any) -> None:
        self._stt_model_name = stt_model
        self._injected_model = model
        self._speculation: Speculation | None = None
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

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        if isinstance(frame, SpeechPaused):
            self._speculate()
            return
        if isinstance(frame, (SpeechResumed, VADUserStartedSpeakingFrame)):
            self._speculation = None  # speech went on: the segment is not over
        await super().process_frame(frame, direction)

    def _speculate(self) -> None:
        """The speaker paused: transcribe the segment so far now. When the VAD stops without
        more speech, that transcription is the segment's (the pause is silence either way)."""
        if not self._user_speaking or not self.is_usable or self._model is None:
            return
        pad = bytes(int(self.sample_rate * SPECULATIVE_PAD_S) * 2)
        pcm = Speculation(bytes(self._audio_buffer) + pad)
        pcm.task = self.create_task(self._transcribe(pcm), name="speculative-stt")
        self._speculation = pcm

    async def _handle_user_stopped_speaking(self, frame: VADUserStoppedSpeakingFrame) -> None:
        speculation, self._speculation = self._speculation, None
        if speculation is None or not self.is_usable:
            await super()._handle_user_stopped_speaking(frame)
            return
        # the segment ended where the speaker paused: its transcription is under way
        self._user_speaking = False
        self._audio_buffer.clear()
        await self._segment_queue.put(speculation)

    async def _transcribe(self, audio: bytes) -> SegmentDone:
        samples = np.frombuffer(audio, dtype=np.int16).astype(np.float32) / 32768.0
        model = self._model
        threshold = float(getattr(self._settings, "no_speech_prob", None) or 0.6)
        audio_s = len(samples) / 16000
        cpu = 0.0

        def transcribe() -> str:
            nonlocal cpu
            assert model is not None
            began_cpu = time.process_time()
            text = transcribe_pcm(model, samples, threshold)
            cpu = time.process_time() - began_cpu
            return text

        loop = asyncio.get_running_loop()
        began = loop.time()
        try:
            text = await asyncio.to_thread(transcribe)
        except Exception as exc:  # any engine failure: the turn continues as text
            return SegmentDone(error=f"{type(exc).__name__}: {exc}", audio_s=audio_s)
        return SegmentDone(text=text, audio_s=audio_s, compute_s=loop.time() - began, cpu_s=cpu)

    async def run_stt(self, audio: bytes) -> AsyncGenerator[Frame, None]:
        if isinstance(audio, Speculation) and audio.task is not None:
            done = await audio.task
            done.early = True
        else:
            done = await self._transcribe(audio)
        if done.text:
            yield TranscriptionFrame(done.text, self._user_id, time_now_iso8601(), Language.EN)
        yield done


def transcriber(model: Any = None, stt_model: str = "") -> Callable[[bytes], str]:
    """A function transcribing 16 kHz 16-bit PCM with `model` (default: the shared one), with
    the same options as the service (for a persona's cut-in, which cannot wait for the VAD)."""

    def transcribe(pcm: bytes) -> str:
        whisper = model or shared_whisper(stt_model)
        samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0
        return transcribe_pcm(whisper, samples, threshold=1.01)

    return transcribe
