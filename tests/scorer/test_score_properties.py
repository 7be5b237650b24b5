"""Property tests: no text crashes the parsers or `score`; scores stay in 0–100 with levels that
agree; every quote is an exact substring of its turn."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scorer
from scorer.transcript import Transcript, TranscriptError, Turn, parse

WORDS = st.sampled_from(
    [
        "I",
        "will",
        "we'll",
        "look",
        "into",
        "it",
        "calm",
        "down",
        "as",
        "mentioned",
        "refund",
        "tomorrow",
        "by",
        "5",
        "pm",
        "ONT",
        "LOS",
        "sorry",
        "frustration",
        "you",
        "so",
        "what",
        "why",
        "?",
        "!",
        ".",
        "um",
        "ok",
        "call",
        "me",
        "on",
        "0161 555 0123",
        "again",
        "ridiculous",
        "upgrade",
        "—",
        "é",
    ]
)
TEXTS = st.one_of(st.text(max_size=120), st.lists(WORDS, max_size=25).map(" ".join))


@st.composite
def transcripts(draw: st.DrawFn) -> Transcript:
    count = draw(st.integers(min_value=0, max_value=14))
    timed = draw(st.booleans())
    clock = 0.0
    turns = []
    for _ in range(count):
        speaker = draw(st.sampled_from(["agent", "customer"]))
        text = draw(TEXTS)
        start = end = None
        if timed:
            start = max(0.0, clock + draw(st.floats(min_value=-3, max_value=4)))
            end = start + draw(st.floats(min_value=0, max_value=12))
            clock = end
        turns.append(Turn(speaker, text, start, end))
    return Transcript(tuple(turns), customer_name=draw(st.none() | st.just("Dana Ruiz")))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcripts())
def test_score_never_crashes_and_stays_consistent(transcript: Transcript) -> None:
    report = scorer.score(transcript)
    assert list(report.behaviors) == list(scorer.BEHAVIORS)
    for result in report.behaviors.values():
        assert result.level in scorer.LEVELS
        if result.applicable:
            assert result.score is not None and 0 <= result.score <= 100
            assert result.level == scorer.level_for(result.score)
        else:
            assert (result.score, result.level, result.evidence) == (None, "n/a", ())
        for item in result.evidence:
            assert item.quote in transcript.turns[item.turn].text
            assert item.time == transcript.turns[item.turn].start
    data = report.to_dict()
    assert data["metrics"]["hedges"] >= 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from([None, "json", "vtt", "text"]))
def test_parsers_raise_only_transcript_errors(content: str, fmt: str | None) -> None:
    try:
        transcript = parse(content, "fuzz.txt", fmt=fmt)
    except TranscriptError as exc:
        assert str(exc).startswith("fuzz.txt")
        return
    assert transcript.turns
    scorer.score(transcript)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Agent", "Customer", "rep", "caller"]), TEXTS)))
def test_text_lines_round_trip_through_the_parser(lines: list[tuple[str, str]]) -> None:
    clean = [(label, " ".join(text.split())) for label, text in lines]
    clean = [(label, text) for label, text in clean if text and ":" not in text[:45]]
    if not clean:
        return
    content = "\n".join(f"{label}: {text}" for label, text in clean)
    transcript = parse(content, "t.txt", fmt="text")
    assert [t.text for t in transcript.turns] == [text for _, text in clean]
