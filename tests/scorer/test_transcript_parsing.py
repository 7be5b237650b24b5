"""Reading transcripts: the JSON shape, Agent:/Customer: lines and WebVTT, with errors that name
the file and the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import scorer
from scorer.transcript import Transcript, TranscriptError, Turn, parse, speaker_role

FIXTURES = Path(__file__).parent / "fixtures"


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_json_round_trip_keeps_the_design_shape() -> None:
    data = {
        "channel": "voice",
        "customer_name": "Dana Ruiz",
        "glossary": {"CSC flag": "a billing hold"},
        "turns": [
            {"speaker": "customer", "text": "My bill is on hold.", "start": 0.0, "end": 3.2},
            {"speaker": "agent", "text": "I see a CSC flag.", "start": 4.1, "end": 9.0},
        ],
    }
    transcript = Transcript.from_dict(data)
    assert transcript.turns[1] == Turn("agent", "I see a CSC flag.", 4.1, 9.0)
    assert transcript.to_dict() == data
    assert Transcript.from_dict(transcript.to_dict()) == transcript


def test_chat_turns_have_no_times_in_to_dict() -> None:
    transcript = Transcript((Turn("customer", "hi"), Turn("agent", "hello")))
    assert transcript.to_dict()["turns"] == [
        {"speaker": "customer", "text": "hi"},
        {"speaker": "agent", "text": "hello"},
    ]
    assert transcript.to_dict()["channel"] == "chat"


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Agent", "agent"),
        ("REP", "agent"),
        ("Representative", "agent"),
        ("csr", "agent"),
        ("Support Agent", "agent"),
        ("Operator 2", "agent"),
        ("Customer", "customer"),
        ("caller", "customer"),
        ("Client", "customer"),
        ("USER", "customer"),
        ("Member", "customer"),
        ("Passenger", "customer"),
        ("Bob", None),
    ],
)
def test_speaker_aliases_map_to_two_roles(label: str, role: str | None) -> None:
    assert speaker_role(label) == role


def test_plain_text_with_timestamps_and_continuation_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "call.txt",
        "[00:01] Caller: My card was declined\n"
        "at the supermarket.\n"
        "\n"
        "[01:02:03] Rep: So the card was declined at the till.\n"
        "[01:02:10.5 - 01:02:12] Client: Yes.\n",
    )
    transcript = scorer.load(path)
    assert [t.speaker for t in transcript.turns] == ["customer", "agent", "customer"]
    assert transcript.turns[0].text == "My card was declined at the supermarket."
    assert transcript.turns[0].start == 1.0
    assert transcript.turns[1].start == 3723.0
    assert transcript.turns[2].start == 3730.5
    assert transcript.turns[2].end == 3732.0
    assert transcript.channel == "voice"


def test_plain_text_without_times_is_chat(tmp_path: Path) -> None:
    transcript = scorer.load(write(tmp_path, "chat.txt", "customer: hi\nAGENT: hello there\n"))
    assert transcript.channel == "chat"
    assert transcript.turns[1] == Turn("agent", "hello there")


def test_unknown_speaker_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "call.txt", "Agent: Hello\nCustomer: Hi\n\n\n\n\nBob: who is this?\n")
    with pytest.raises(TranscriptError) as info:
        scorer.load(path)
    assert str(info.value) == (
        f"{path}:7: unknown speaker 'Bob' — use Agent:/Customer: or an alias such as rep/caller"
    )
    assert info.value.line == 7


def test_text_must_start_with_a_speaker(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match=r"notes\.txt:1: expected a line starting with"):
        scorer.load(write(tmp_path, "notes.txt", "just some words without a speaker\n"))


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match=r"empty\.txt: no turns found"):
        scorer.load(write(tmp_path, "empty.txt", "\n\n"))


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match="file not found"):
        scorer.load(tmp_path / "nope.txt")


def test_webvtt_voice_tags_cue_times_and_merged_cues(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "call.vtt",
        "WEBVTT\n\nNOTE exported by the recorder\n\n"
        "1\n00:00:01.000 --> 00:00:03.500\n<v Customer>My bill is <b>wrong</b>.</v>\n\n"
        "2\n00:03.000 --> 00:05.000 align:start\n<v.loud Agent>Let me look &amp; see.\n\n"
        "00:00:05.000 --> 00:00:06.000\n<v Agent>One moment.\n",
    )
    transcript = scorer.load(path)
    assert transcript.to_dict()["turns"] == [
        {"speaker": "customer", "text": "My bill is wrong.", "start": 1.0, "end": 3.5},
        {"speaker": "agent", "text": "Let me look & see. One moment.", "start": 3.0, "end": 6.0},
    ]


def test_webvtt_errors_name_the_line(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match=r"a\.vtt:1: a WebVTT file must start with 'WEBVTT'"):
        parse("00:00.000 --> 00:01.000\n<v Agent>hi\n", "a.vtt", fmt="vtt")
    bad_voice = "WEBVTT\n\n00:00.000 --> 00:01.000\n<v Manager>hi\n"
    with pytest.raises(TranscriptError, match=r"b\.vtt:4: unknown speaker 'Manager'"):
        scorer.load(write(tmp_path, "b.vtt", bad_voice))
    no_voice = "WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n"
    with pytest.raises(TranscriptError, match=r"c\.vtt:4: cue text has no voice tag"):
        scorer.load(write(tmp_path, "c.vtt", no_voice))
    bad_timing = "WEBVTT\n\ncue-1\n00:00 -> 00:01\n<v Agent>hi\n"
    with pytest.raises(TranscriptError, match=r"d\.vtt:3: expected a cue timing"):
        scorer.load(write(tmp_path, "d.vtt", bad_timing))


def test_json_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "call.json", '{"turns": [\n  {"speaker": "agent",\n  "text": }\n]}')
    with pytest.raises(TranscriptError, match=r"call\.json:3: invalid JSON"):
        scorer.load(path)


def test_json_field_errors_name_the_turn_and_its_line(tmp_path: Path) -> None:
    turns = [
        {"speaker": "customer", "text": "hi"},
        {"speaker": "agent", "text": "hello"},
        {"speaker": "boss", "text": "?"},
    ]
    path = write(tmp_path, "call.json", json.dumps({"turns": turns}, indent=2))
    with pytest.raises(TranscriptError) as info:
        scorer.load(path)
    assert "turns[2].speaker: unknown speaker 'boss'" in str(info.value)
    assert info.value.line == 11
    assert str(info.value).startswith(f"{path}:11: ")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "'turns' must be a list"),
        ({"turns": [{"speaker": "agent"}]}, r"turns\[0\]\.text must be a string"),
        ({"turns": [{"text": "hi"}]}, r"turns\[0\]\.speaker is missing"),
        ({"turns": [{"speaker": "agent", "text": "x", "start": "1"}]}, "start must be a number"),
        ({"turns": [{"speaker": "agent", "text": "x", "start": 3, "end": 1}]}, "before start"),
        ({"turns": [], "glossary": {"a": 1}}, "'glossary' must map terms"),
        ({"turns": [], "channel": 3}, "'channel' must be a string"),
    ],
)
def test_from_dict_validation(data: dict[str, object], message: str) -> None:
    with pytest.raises(TranscriptError, match=message):
        Transcript.from_dict(data)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*/*")), ids=lambda p: p.name)
def test_every_fixture_loads_and_round_trips(path: Path) -> None:
    transcript = scorer.load(path)
    assert transcript.turns
    assert Transcript.from_dict(transcript.to_dict()) == transcript


def test_format_is_picked_by_content_when_extension_is_unknown(tmp_path: Path) -> None:
    vtt = write(tmp_path, "call.dat", "WEBVTT\n\n00:00.000 --> 00:01.000\n<v Agent>hi\n")
    as_json = write(tmp_path, "call.log", '{"turns": [{"speaker": "agent", "text": "hi"}]}')
    assert scorer.load(vtt).turns == (Turn("agent", "hi", 0.0, 1.0),)
    assert scorer.load(as_json).turns == (Turn("agent", "hi"),)
