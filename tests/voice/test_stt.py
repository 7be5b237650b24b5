"""Speech to text on a shorter encoder context: the short pass reads the agent's lines as
faster-whisper's own 30 s pass does, reads a long segment to its end, falls back to the full pass
when unsure (a short word said alone repeats on a short context; a transcript stops short of the
speech) or when the model is not faster-whisper's, and a segment transcribed from the speaker's
pause is the one the VAD's stop hands over."""

from __future__ import annotations

from types import SimpleNamespace
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


class Reading:
    """A stand-in model with only a full pass, which reads every segment as `text`."""

    def __init__(self, text: str) -> None:
        self.text = text

    def transcribe(self, samples: np.ndarray, **kwargs: Any) -> Any:
        return [SimpleNamespace(text=self.text, no_speech_prob=0.0)], None


def test_a_model_without_the_short_pass_is_transcribed_fully() -> None:
    assert stt.transcribe_pcm(Reading(" fully "), np.zeros(RATE, np.float32)) == "fully"


LONG = (
    "Thank you for holding. I have looked at your account and I can see the two payments that "
    "went out on the fourth and the fifth of this month. The second one should never have been "
    "taken, so I have asked our billing team to refund it today, and you should see it back in "
    "your account within three working days."
)


def test_a_long_segment_is_read_to_its_end() -> None:
    """A twenty-second turn said without a long pause is one segment: its transcript runs to the
    last words, not to where a token limit would cut it."""
    samples = segment(LONG)
    assert len(samples) / RATE > 15
    text = stt.transcribe_pcm(shared_whisper(), samples)
    assert wer(LONG, text) <= MAX_WER, text
    assert text.lower().rstrip(".").endswith("three working days"), text


def test_a_transcript_that_stops_short_of_the_speech_is_told_apart() -> None:
    samples = segment(LONG)
    assert stt.stops_short("Thank you for holding.", samples)
    assert not stt.stops_short(LONG, samples)
    assert not stt.stops_short("", np.zeros(5 * RATE, np.float32))  # silence is not speech
    assert not stt.stops_short("Okay.", segment("Okay."))  # nor a short word with its silence


def test_a_short_pass_that_stops_short_falls_back_to_the_full_one(monkeypatch: Any) -> None:
    monkeypatch.setattr(stt, "_short_context", lambda model, samples: "Thank you for holding.")
    text = stt.transcribe_pcm(shared_whisper(), segment(LONG))
    assert wer(LONG, text) <= MAX_WER, text


def test_the_longer_reading_stands_when_the_full_pass_stops_shorter_still(
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(stt, "_short_context", lambda model, samples: "Thank you for holding.")
    assert stt.transcribe_pcm(Reading(" day. "), segment(LONG)) == "Thank you for holding."
