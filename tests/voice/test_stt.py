"""Speech to text on a shorter encoder context: the short pass reads the agent's lines as
faster-whisper's own 30 s pass does, falls back to it when unsure (a short word said alone
repeats on a short context) or when the model is not faster-whisper's, and a segment
transcribed from the speaker's pause is the one the VAD's stop hands over."""

from __future__ import annotations

from typing import Any

import numpy as np

from server.voice import stt
from server.voice.engines import shared_whisper
from tests.voice.harness import RATE, synthesise, wer
from tests.voice.test_voice_call import LINES, MAX_WER

SHORT = ["Okay.", "Yes.", "Right.", "No, that is fine."]


def segment(text: str) -> np.ndarray:
    """`text` as the VAD hands it over: up to 1 s before the speech, 0.5 s of silence after."""
    speech = synthesise(text).astype(np.float32) / 32768.0
    lead, tail = np.zeros(int(0.8 * RATE), np.float32), np.zeros(int(0.5 * RATE), np.float32)
    return np.concatenate([lead, speech, tail])


def full_pass(samples: np.ndarray) -> str:
    segments, _ = shared_whisper().transcribe(
        samples, language="en", beam_size=1, condition_on_previous_text=False
    )
    return " ".join(s.text.strip() for s in segments).strip()


def test_the_short_context_reads_the_lines_as_the_full_one() -> None:
    for line in LINES:
        samples = segment(line)
        short = stt.transcribe_pcm(shared_whisper(), samples)
        assert wer(line, short) <= MAX_WER, short
        assert wer(full_pass(samples), short) <= MAX_WER, short


def test_short_words_alone_are_read_whatever_the_pass() -> None:
    for word in SHORT:
        text = stt.transcribe_pcm(shared_whisper(), segment(word))
        assert wer(word, text) <= 0.5, (word, text)


def test_a_repeating_short_pass_falls_back_to_the_full_one(monkeypatch: Any) -> None:
    calls: list[str] = []
    real = shared_whisper()

    class Counting:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def transcribe(self, *args: Any, **kwargs: Any) -> Any:
            calls.append("full")
            return real.transcribe(*args, **kwargs)

    monkeypatch.setattr(stt, "COMPRESSION_RATIO_LIMIT", 0.0)  # every short pass looks repetitive
    text = stt.transcribe_pcm(Counting(), segment(LINES[1]))
    assert calls == ["full"]
    assert wer(LINES[1], text) <= MAX_WER


def test_a_model_without_the_short_pass_is_transcribed_fully() -> None:
    class Plain:
        def transcribe(self, samples: np.ndarray, **kwargs: Any) -> Any:
            class Segment:
                text = " fully "
                no_speech_prob = 0.0

            return [Segment()], None

    assert stt.transcribe_pcm(Plain(), np.zeros(RATE, np.float32)) == "fully"
