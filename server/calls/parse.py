"""Recorded-call transcripts in, one scorer `Transcript` out.

Formats read:

- the scorer's own shapes — JSON (`{"turns": [...]}`), plain `Agent:`/`Customer:` lines and WebVTT
  with `<v Agent>` voices — through `scorer.transcript`'s parsers;
- SubRip (`.srt`): numbered cues with `00:00:01,000 --> 00:00:04,000` timings whose text starts
  with a speaker (`Agent: …`, `<v Customer>…`); read by the WebVTT parser, line numbers kept;
- Amazon Connect Contact Lens output JSON (`{"Participants": [...], "Transcript": [...]}`,
  offsets in milliseconds, participant roles AGENT / CUSTOMER).

Every problem is a `scorer.TranscriptError` naming the file, the line or field, and what to do.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from scorer import Transcript, TranscriptError, Turn
from scorer.transcript import parse_json, parse_text, parse_vtt, speaker_role

TRANSCRIPT_SUFFIXES = {".json": "json", ".vtt": "vtt", ".srt": "srt", ".txt": "text"}


def transcript_format(name: str, content: str) -> str:
    """`json`, `contact_lens`, `vtt`, `srt` or `text`, from the suffix and the content."""
    suffix = PurePath(name).suffix.lower()
    stripped = content.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        return "contact_lens" if _is_contact_lens(stripped) else "json"
    if stripped.startswith("WEBVTT"):
        return "vtt"
    if suffix == ".srt" or _looks_like_srt(stripped):
        return "srt"
    return TRANSCRIPT_SUFFIXES.get(suffix, "text") if suffix != ".json" else "json"


def parse_call_transcript(content: str, source: str) -> tuple[Transcript, str]:
    """The transcript in `content` and the format it was read as."""
    fmt = transcript_format(source, content)
    if fmt == "contact_lens":
        transcript = parse_contact_lens(content, source)
    elif fmt == "json":
        transcript = parse_json(content, source)
    elif fmt == "vtt":
        transcript = parse_vtt(content.lstrip("\ufeff"), source)
    elif fmt == "srt":
        transcript = parse_srt(content, source)
    else:
        transcript = parse_text(content, source)
    if not transcript.turns:
        raise TranscriptError(source, None, "the transcript has no turns; nothing to score")
    return _as_call(transcript), fmt


def _as_call(transcript: Transcript) -> Transcript:
    return Transcript(
        turns=transcript.turns,
        channel="call",
        customer_name=transcript.customer_name,
        glossary=transcript.glossary,
    )


# --- SubRip ------------------------------------------------------------------------------------


def _looks_like_srt(stripped: str) -> bool:
    lines = stripped.splitlines()
    return len(lines) >= 2 and lines[0].strip().isdigit() and "-->" in lines[1]


def parse_srt(content: str, source: str = "transcript.srt") -> Transcript:
    """SubRip cues whose text names the speaker (`Agent: …` or `<v Agent>`); consecutive cues of
    one speaker form one turn. Line numbers in errors are the SRT file's."""
    lines = content.lstrip("\ufeff").splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise TranscriptError(source, None, "the SRT file is empty; add numbered cues")
    if not lines[first].strip().isdigit():
        raise TranscriptError(
            source, first + 1, "an SRT file starts with a cue number (1) and then its timing line"
        )
    # The WebVTT parser reads the rest as is: numeric cue identifiers, comma decimals and
    # `Speaker:` prefixes are all accepted there. Line 1 becomes the header, so numbers hold.
    if first == 0:
        vtt_lines = ["WEBVTT", *lines[1:]]
    else:
        vtt_lines = ["WEBVTT", *lines[1:first], "", *lines[first + 1 :]]
    try:
        return parse_vtt("\n".join(vtt_lines), source)
    except TranscriptError as exc:
        message = exc.message.replace("'<v Agent>' or '<v Customer>'", "'Agent:' or 'Customer:'")
        line = exc.line
        if line is not None and "cue timing" in message and lines[line - 1].strip().isdigit():
            line += 1  # the timing belongs on the line after the cue number
        raise TranscriptError(source, line, message.replace("00.000", "00,000")) from None


# --- Amazon Connect Contact Lens ---------------------------------------------------------------


def _is_contact_lens(stripped: str) -> bool:
    head = stripped[:4000]
    return '"Transcript"' in head or '"Participants"' in head or '"JobDetails"' in head


def parse_contact_lens(content: str, source: str = "contact-lens.json") -> Transcript:
    """Amazon Connect Contact Lens output: `Participants` give each `ParticipantId` a role
    (AGENT or CUSTOMER); each `Transcript` item has `Content` and millisecond offsets."""
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise TranscriptError(source, exc.lineno, f"invalid JSON: {exc.msg}") from None
    if not isinstance(data, Mapping):
        raise TranscriptError(source, 1, "expected a Contact Lens JSON object")
    roles = _participant_roles(data, source)
    items = data.get("Transcript")
    if not isinstance(items, list) or not items:
        raise TranscriptError(
            source, None, "field 'Transcript' must be a non-empty list of utterances"
        )
    turns: list[Turn] = []
    for i, item in enumerate(items):
        where = f"Transcript[{i}]"
        if not isinstance(item, Mapping):
            raise TranscriptError(source, None, f"{where} must be an object")
        participant = item.get("ParticipantId")
        role = roles.get(str(participant)) if participant is not None else None
        if role is None:
            role = speaker_role(str(participant or ""))
        if role is None:
            raise TranscriptError(
                source,
                None,
                f"{where}.ParticipantId {participant!r} is not AGENT or CUSTOMER and is not "
                "listed in 'Participants'; add it there with its ParticipantRole",
            )
        text = item.get("Content")
        if not isinstance(text, str):
            raise TranscriptError(source, None, f"{where}.Content must be a string")
        start = _millis(item, "BeginOffsetMillis", where, source)
        end = _millis(item, "EndOffsetMillis", where, source)
        if start is not None and end is not None and end < start:
            raise TranscriptError(source, None, f"{where}: EndOffsetMillis is before Begin")
        turns.append(Turn(role, text.strip(), start, end))
    return Transcript(turns=tuple(merge_same_speaker(turns)), channel="call")


def _participant_roles(data: Mapping[str, Any], source: str) -> dict[str, Any]:
    raw = data.get("Participants", [])
    if not isinstance(raw, list):
        raise TranscriptError(source, None, "field 'Participants' must be a list")
    roles: dict[str, Any] = {}
    for i, participant in enumerate(raw):
        if not isinstance(participant, Mapping):
            raise TranscriptError(source, None, f"Participants[{i}] must be an object")
        role = speaker_role(str(participant.get("ParticipantRole", "")))
        if role is None:
            raise TranscriptError(
                source,
                None,
                f"Participants[{i}].ParticipantRole must be AGENT or CUSTOMER, "
                f"not {participant.get('ParticipantRole')!r}",
            )
        roles[str(participant.get("ParticipantId"))] = role
    return roles


def _millis(item: Mapping[str, Any], key: str, where: str, source: str) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise TranscriptError(source, None, f"{where}.{key} must be a non-negative number")
    return round(value / 1000.0, 3)


# --- shared ------------------------------------------------------------------------------------


def merge_same_speaker(turns: list[Turn], max_gap_s: float = 1.5) -> list[Turn]:
    """Join consecutive pieces of one speaker into one turn when the pause between them is at most
    `max_gap_s` (or untimed). Pieces must be in order of start time."""
    merged: list[Turn] = []
    for turn in turns:
        if not turn.text:
            continue
        if merged and merged[-1].speaker == turn.speaker:
            last = merged[-1]
            gap = turn.start - last.end if turn.start is not None and last.end is not None else 0.0
            if gap <= max_gap_s:
                end = (
                    max(x for x in (last.end, turn.end) if x is not None)
                    if (last.end is not None or turn.end is not None)
                    else None
                )
                merged[-1] = Turn(last.speaker, f"{last.text} {turn.text}", last.start, end)
                continue
        merged.append(turn)
    return merged
