"""Real audio, made in the test: Piper speaks the agent's and the customer's lines on two
channels with pauses and an overlap; the import transcribes each channel with faster-whisper,
merges the turns on one clock (the overlap becomes an interruption) and scores the call."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import select

from server.calls import service
from server.calls.transcribe import transcribe_call
from server.db import session_scope
from server.models import CallScore, CallSource, CallStatus, User
from server.settings import Settings
from tests.calls.audio import Line, Placed, write_call, write_stereo_wav

LINES = [
    Line("customer", 0.5, "My internet has been down since Monday and I work from home."),
    # A 1.6 second pause before the agent answers.
    Line(
        "agent", 5.5, "Being offline all week means you could not work, that is a lot to deal with."
    ),
    Line("customer", 11.0, "Yes, and I have called three times already."),
    # The agent starts about a second before the customer has finished.
    Line("agent", 12.5, "I will send an engineer tomorrow morning and call you by noon."),
    # A long pause, then the customer closes.
    Line("customer", 20.0, "Thank you."),
]


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def assert_matches(turns: list[dict[str, object]], placed: list[Placed]) -> None:
    assert [t["speaker"] for t in turns] == [p.speaker for p in placed]
    for turn, line in zip(turns, placed, strict=True):
        said, heard = words(line.text), words(str(turn["text"]))
        assert len(said & heard) >= 0.7 * len(said), (line.text, turn["text"])
        start, end = turn["start"], turn["end"]
        assert isinstance(start, float) and isinstance(end, float)
        assert abs(start - line.start) < 0.6, (turn, line)
        assert abs(end - line.end) < 0.6, (turn, line)


@pytest.fixture(scope="module")
def call_wav(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Placed]]:
    path = tmp_path_factory.mktemp("audio") / "call.wav"
    return path, write_call(path, LINES)


def test_stereo_call_is_transcribed_merged_and_scored(  # type: ignore[no-untyped-def]
    seeded: Settings, engine, call_wav: tuple[Path, list[Placed]]
) -> None:
    path, placed = call_wav
    assert placed[3].start < placed[2].end - 0.9  # the script really overlaps
    with session_scope(engine) as session:
        agent = session.exec(select(User).where(User.email == "agent1@demo.local")).one()
        imported = service.import_call(
            session, seeded, data=path.read_bytes(), file_name="call.wav", agent=agent
        )
        assert imported.call.source is CallSource.audio
        assert imported.call.audio_path and Path(imported.call.audio_path).exists()
        call_id = imported.call.id or 0
    done = service.process_call(engine, seeded, call_id)
    assert done is not None and done.status is CallStatus.done, done and done.error
    transcript = done.transcript_json or {}
    turns = transcript["turns"]
    assert isinstance(turns, list)
    assert_matches(turns, placed)
    report = done.report_json or {}
    metrics = report["metrics"]
    assert isinstance(metrics, dict)
    assert metrics["interruption_rate"] and metrics["interruption_rate"] > 0
    assert 0 < metrics["median_response_gap_s"] < 2.5
    timings = done.timings_json or {}
    assert {"decode", "agent", "customer", "merge", "score"} <= set(timings)
    assert done.duration_s and abs(done.duration_s - (placed[-1].end + 1.0)) < 0.2
    # SPARRING_KEEP_AUDIO=off: the audio is gone once transcribed; the transcript stays.
    assert done.audio_path is None and not list(service.audio_dir(seeded).glob("*"))
    with session_scope(engine) as session:
        rows = session.exec(select(CallScore).where(CallScore.call_id == call_id)).all()
        assert len(rows) == 10


def test_agent_on_the_right_channel(tmp_path: Path) -> None:
    lines = [LINES[0], LINES[1]]
    path = tmp_path / "right.wav"
    placed = write_call(path, lines, agent_channel="right")
    result = transcribe_call(path, agent_channel="right")
    turns = [turn.to_dict() for turn in result.transcript.turns]
    assert_matches(turns, placed)
    swapped = transcribe_call(path, agent_channel="left")
    assert [t.speaker for t in swapped.transcript.turns] == ["agent", "customer"]


def test_mono_without_transcript_is_refused(seeded: Settings, engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mono = tmp_path / "mono.wav"
    write_stereo_wav(mono, channels=1)
    with session_scope(engine) as session:
        agent = session.exec(select(User).where(User.email == "agent1@demo.local")).one()
        with pytest.raises(service.CallImportError) as caught:
            service.import_call(
                session, seeded, data=mono.read_bytes(), file_name="mono.wav", agent=agent
            )
    message = str(caught.value)
    assert message.startswith("mono.wav: mono recording")
    assert "separate channels" in message and "transcript" in message
    assert not list(service.audio_dir(seeded).glob("*"))  # nothing left behind


def test_not_audio_is_refused(seeded: Settings, engine) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        agent = session.exec(select(User).where(User.email == "agent1@demo.local")).one()
        with pytest.raises(service.CallImportError, match=r"^fake\.mp3: cannot read it as audio"):
            service.import_call(
                session, seeded, data=b"not audio at all", file_name="fake.mp3", agent=agent
            )
