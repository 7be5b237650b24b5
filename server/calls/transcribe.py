"""Recorded-call audio → a timed two-speaker transcript.

A call recording is stereo with the agent on one channel and the customer on the other (which is
which is `SPARRING_CALL_AGENT_CHANNEL`). Each channel is decoded with PyAV to 16 kHz mono, then
faster-whisper transcribes it with its Silero voice-activity filter (so silence on the channel is
skipped), word timestamps, and the speech chunks decoded in batches. The words of a channel are
cut into utterances at pauses; the two channels' utterances are put on the one clock of the
recording, ordered by start time, and consecutive utterances of one speaker form a turn. A turn
that starts before the other speaker's turn has ended is an overlap, which the scorer counts as
an interruption.

Mono recordings are refused: the speakers are not guessed. Import a transcript with the audio
instead.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

import numpy as np

from scorer import Transcript, Turn
from server.calls.parse import merge_same_speaker
from server.speech.models import whisper_model

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

AUDIO_SUFFIXES = frozenset({".wav", ".mp3", ".m4a", ".ogg", ".webm"})
SAMPLE_RATE = 16_000
PAUSE_SPLIT_S = 0.8  # a pause this long inside one channel ends an utterance
BATCH_SIZE = 8  # speech chunks decoded together (measured: a quarter less CPU than one by one)


class AudioError(ValueError):
    """An audio file that cannot be used; the message names the file and what to do."""


@dataclass(frozen=True)
class AudioInfo:
    channels: int
    duration_s: float
    codec: str
    sample_rate: int


def probe(path: Path, name: str = "") -> AudioInfo:
    """Channels, duration and codec of an audio file, or an `AudioError` saying what is wrong
    (naming the file as `name`, by default its own name)."""
    import av

    name = name or path.name

    try:
        with av.open(str(path)) as container:
            streams = container.streams.audio
            if not streams:
                raise AudioError(f"{name}: the file has no audio stream")
            stream = streams[0]
            duration = (
                float(stream.duration * stream.time_base)
                if stream.duration is not None and stream.time_base is not None
                else (container.duration or 0) / 1_000_000
            )
            return AudioInfo(
                channels=stream.codec_context.channels,
                duration_s=duration,
                codec=stream.codec_context.name,
                sample_rate=stream.codec_context.sample_rate,
            )
    except av.error.FFmpegError as exc:
        raise AudioError(
            f"{name}: cannot read it as audio ({exc.strerror or exc}); "
            "use wav, mp3, m4a, ogg or webm"
        ) from None


def require_stereo(path: PurePath, info: AudioInfo) -> None:
    if info.channels < 2:
        raise AudioError(
            f"{path.name}: mono recording — Sparring needs the agent and the customer on separate "
            "channels (a stereo recording) to tell who said what. Import a transcript of the call "
            "(.json, .txt, .vtt, .srt or Contact Lens JSON) with the same name next to the audio."
        )


def decode_channels(path: Path, rate: int = SAMPLE_RATE) -> list[np.ndarray]:
    """The first two channels of the file as float32 samples at `rate` Hz, decoded into one
    buffer sized from the stream's duration (grown if the estimate was short), so a long call
    costs its samples once and not a list of frames plus a copy."""
    import av

    buffer = np.zeros((2, 0), np.float32)
    filled = 0

    def append(frame: Any) -> None:
        nonlocal buffer, filled
        samples = frame.to_ndarray()
        count = samples.shape[1]
        if filled + count > buffer.shape[1]:
            grown = np.zeros((2, max(2 * buffer.shape[1], filled + count)), np.float32)
            grown[:, :filled] = buffer[:, :filled]
            buffer = grown
        buffer[:, filled : filled + count] = samples
        filled += count

    try:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            seconds = (
                float(stream.duration * stream.time_base)
                if stream.duration is not None and stream.time_base is not None
                else (container.duration or 0) / 1_000_000
            )
            buffer = np.zeros((2, int(seconds * rate) + rate), np.float32)
            resampler = av.AudioResampler(format="fltp", layout="stereo", rate=rate)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    append(out)
            for out in resampler.resample(None):
                append(out)
    except av.error.FFmpegError as exc:
        raise AudioError(f"{path.name}: decoding failed ({exc.strerror or exc})") from None
    return [buffer[0, :filled], buffer[1, :filled]]


_model_lock = threading.Lock()


@lru_cache(maxsize=2)
def _load_model(name_or_path: str) -> WhisperModel:
    from faster_whisper import WhisperModel

    return WhisperModel(
        whisper_model(name_or_path),
        device="cpu",
        compute_type="int8",
        cpu_threads=os.cpu_count() or 1,
    )


def load_model(name_or_path: str = "") -> WhisperModel:
    """The faster-whisper model (`SPARRING_STT_MODEL`, else the bundled tiny.en), loaded once."""
    with _model_lock:
        return _load_model(name_or_path)


@dataclass
class Utterance:
    speaker: str
    text: str
    start: float
    end: float


def transcribe_channel(model: WhisperModel, samples: np.ndarray, speaker: str) -> list[Utterance]:
    """One channel's speech as utterances cut at pauses, on the recording's clock. The voice
    filter cuts the channel into speech chunks of up to 30 s, which are decoded in batches
    (greedy, no conditioning on earlier text: a hallucination cannot carry over)."""
    if samples.size == 0:
        return []
    from faster_whisper import BatchedInferencePipeline

    segments, _info = BatchedInferencePipeline(model).transcribe(
        samples,
        language="en",
        beam_size=1,
        batch_size=BATCH_SIZE,
        condition_on_previous_text=False,
        word_timestamps=True,
        vad_filter=True,
        vad_parameters={"min_silence_duration_ms": 400, "speech_pad_ms": 200},
    )
    out: list[Utterance] = []
    for segment in segments:
        for word in segment.words or ():
            text = word.word.strip()
            if not text:
                continue
            start, end = round(float(word.start), 2), round(float(word.end), 2)
            if out and out[-1].speaker == speaker and start - out[-1].end < PAUSE_SPLIT_S:
                out[-1].text = f"{out[-1].text} {text}"
                out[-1].end = max(out[-1].end, end)
            else:
                out.append(Utterance(speaker, text, start, end))
    return out


def merge_channels(agent: list[Utterance], customer: list[Utterance]) -> list[Turn]:
    """Both channels on one clock: ordered by start; consecutive utterances of one speaker with
    nobody in between form one turn."""
    pieces = sorted([*agent, *customer], key=lambda u: (u.start, u.end))
    turns = [Turn(u.speaker, u.text, u.start, u.end) for u in pieces]  # type: ignore[arg-type]
    return merge_same_speaker(turns, max_gap_s=float("inf"))


@dataclass
class Transcription:
    transcript: Transcript
    duration_s: float
    timings: dict[str, float] = field(default_factory=dict)


def transcribe_call(
    path: Path,
    *,
    agent_channel: str = "left",
    model_name: str = "",
    on_stage: Callable[[str], Any] | None = None,
) -> Transcription:
    """Decode, transcribe each channel and merge: the call's transcript with per-stage seconds
    (`decode`, `agent`, `customer`, `merge`)."""
    timings: dict[str, float] = {}
    info = probe(path)
    require_stereo(path, info)

    def stage(name: str) -> None:
        if on_stage is not None:
            on_stage(name)

    stage("decoding")
    began = time.perf_counter()
    left, right = decode_channels(path)
    timings["decode"] = time.perf_counter() - began
    duration = left.size / SAMPLE_RATE
    agent_samples, customer_samples = (left, right) if agent_channel == "left" else (right, left)
    del left, right
    stage("loading model")
    began = time.perf_counter()
    model = load_model(model_name)
    timings["load_model"] = time.perf_counter() - began
    stage("transcribing agent")
    began = time.perf_counter()
    agent = transcribe_channel(model, agent_samples, "agent")
    timings["agent"] = time.perf_counter() - began
    del agent_samples
    stage("transcribing customer")
    began = time.perf_counter()
    customer = transcribe_channel(model, customer_samples, "customer")
    timings["customer"] = time.perf_counter() - began
    del customer_samples
    began = time.perf_counter()
    turns = merge_channels(agent, customer)
    timings["merge"] = time.perf_counter() - began
    if not turns:
        raise AudioError(f"{path.name}: no speech found on either channel")
    transcript = Transcript(turns=tuple(turns), channel="call")
    return Transcription(transcript, duration, timings)
