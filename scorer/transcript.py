"""Transcripts: the scorer's input.

A `Transcript` is a tuple of `Turn`s, each spoken by the agent or the customer, with optional
start/end times in seconds (chat has none; voice and recorded calls have them). Three file
formats are read:

- JSON (`{"channel": …, "turns": [{"speaker": …, "text": …}]}`, described in docs/formats.md);
- plain text, one `Agent: …` / `Customer: …` line per turn, optionally prefixed by `[mm:ss]`,
  `[hh:mm:ss]` or a range `[mm:ss - mm:ss]`; lines without a speaker continue the previous turn;
- WebVTT with `<v Agent>` / `<v Customer>` voice tags and cue timings.

Speaker labels are matched case-insensitively against aliases (rep, csr, caller, client, …).
Every error is a `TranscriptError` naming the file and line and saying what to write instead.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

Speaker = Literal["agent", "customer"]

AGENT_ALIASES = frozenset(
    {
        "agent",
        "rep",
        "representative",
        "sales rep",
        "service rep",
        "csr",
        "advisor",
        "adviser",
        "support",
        "support agent",
        "operator",
        "associate",
        "specialist",
        "consultant",
        "staff",
        "employee",
        "host",
        "customer service",
        "customer service rep",
        "customer support",
        "a",
    }
)
CUSTOMER_ALIASES = frozenset(
    {
        "customer",
        "caller",
        "client",
        "user",
        "member",
        "guest",
        "patient",
        "passenger",
        "subscriber",
        "account holder",
        "consumer",
        "buyer",
        "shopper",
        "c",
    }
)

SPEAKER_HINT = "use Agent:/Customer: or an alias such as rep/caller"
MAX_SECONDS = 10**7
"""The latest start or end time a turn may have (about 115 days); larger ones are mistakes."""


class TranscriptError(ValueError):
    """A transcript that cannot be read; `str(error)` is `FILE:LINE: what is wrong`."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


def speaker_role(label: str) -> Speaker | None:
    """The role a speaker label stands for (`"Rep"` → agent, `"Caller 1"` → customer), or None."""
    name = re.sub(r"[\s_]+", " ", label.strip().lower()).strip(" .-")
    name = re.sub(r"\s*(?:\d+|#\d+)$", "", name)
    candidates = [name]
    words = name.split(" ")
    if len(words) > 1:
        candidates.append(words[0])
        candidates.append(" ".join(words[:2]))
    for candidate in candidates:
        if candidate in AGENT_ALIASES:
            return "agent"
        if candidate in CUSTOMER_ALIASES:
            return "customer"
    return None


@dataclass(frozen=True)
class Turn:
    speaker: Speaker
    text: str
    start: float | None = None
    end: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"speaker": self.speaker, "text": self.text}
        if self.start is not None:
            out["start"] = self.start
        if self.end is not None:
            out["end"] = self.end
        return out


@dataclass(frozen=True)
class Transcript:
    turns: tuple[Turn, ...]
    channel: str = "chat"
    customer_name: str | None = None
    glossary: Mapping[str, str] = field(default_factory=dict)

    @property
    def has_timings(self) -> bool:
        """True when at least one turn carries a start time."""
        return any(turn.start is not None for turn in self.turns)

    def to_dict(self) -> dict[str, Any]:
        """The transcript JSON of docs/formats.md; times are left out of turns that have none."""
        return {
            "channel": self.channel,
            "customer_name": self.customer_name,
            "glossary": dict(self.glossary),
            "turns": [turn.to_dict() for turn in self.turns],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "transcript") -> Transcript:
        """Build a transcript from the JSON of docs/formats.md, naming the field of any error."""
        if not isinstance(data, Mapping):
            raise TranscriptError(source, None, "expected a JSON object with a 'turns' list")
        raw_turns = data.get("turns")
        if not isinstance(raw_turns, list):
            raise TranscriptError(
                source, None, "field 'turns' must be a list of {speaker, text, start?, end?}"
            )
        channel = data.get("channel", "chat")
        if not isinstance(channel, str):
            raise TranscriptError(source, None, "field 'channel' must be a string such as 'chat'")
        customer_name = data.get("customer_name")
        if customer_name is not None and not isinstance(customer_name, str):
            raise TranscriptError(source, None, "field 'customer_name' must be a string or null")
        glossary = data.get("glossary") or {}
        if not isinstance(glossary, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in glossary.items()
        ):
            raise TranscriptError(
                source, None, "field 'glossary' must map terms to plain-language strings"
            )
        turns = tuple(
            _turn_from_dict(raw, f"turns[{i}]", source) for i, raw in enumerate(raw_turns)
        )
        return cls(
            turns=turns,
            channel=channel,
            customer_name=customer_name,
            glossary=dict(cast(Mapping[str, str], glossary)),
        )


def _turn_from_dict(raw: Any, where: str, source: str) -> Turn:
    if not isinstance(raw, Mapping):
        raise TranscriptError(source, None, f"{where} must be an object with speaker and text")
    label = raw.get("speaker")
    if not isinstance(label, str):
        raise TranscriptError(
            source, None, f"{where}.speaker is missing — use 'agent' or 'customer'"
        )
    role = speaker_role(label)
    if role is None:
        raise TranscriptError(
            source, None, f"{where}.speaker: unknown speaker {label!r} — {SPEAKER_HINT}"
        )
    text = raw.get("text")
    if not isinstance(text, str):
        raise TranscriptError(source, None, f"{where}.text must be a string")
    times: list[float | None] = []
    for key in ("start", "end"):
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise TranscriptError(
                source, None, f"{where}.{key} must be a number of seconds or null"
            )
        if value is not None and (value != value or value < 0 or value > MAX_SECONDS):
            raise TranscriptError(
                source, None, f"{where}.{key} must be a number of seconds from 0 to {MAX_SECONDS:,}"
            )
        times.append(float(value) if value is not None else None)
    start, end = times
    if start is not None and end is not None and end < start:
        raise TranscriptError(source, None, f"{where}: end {end} is before start {start}")
    return Turn(speaker=role, text=text, start=start, end=end)


# --- JSON -----------------------------------------------------------------------------------


def parse_json(content: str, source: str = "transcript.json") -> Transcript:
    """Parse the transcript JSON (docs/formats.md); syntax errors name the line."""
    try:
        data = json.loads(content, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise TranscriptError(source, exc.lineno, f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise TranscriptError(source, None, "invalid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits, or NaN/Infinity
        raise TranscriptError(source, None, f"invalid JSON: {str(exc).split(';')[0]}") from None
    if not isinstance(data, dict):
        raise TranscriptError(source, 1, "expected a JSON object with a 'turns' list")
    try:
        return Transcript.from_dict(data, source=source)
    except TranscriptError as exc:
        raise TranscriptError(source, _json_line(content, exc.message), exc.message) from None


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows; write seconds as a plain number")


def _json_line(content: str, message: str) -> int | None:
    """Best-effort line of the turn an error message names (`turns[3]…`)."""
    match = re.match(r"turns\[(\d+)\]", message)
    if not match:
        return None
    wanted = int(match.group(1))
    # Find the wanted object inside the "turns" array by a light scan of braces.
    start = content.find('"turns"')
    if start < 0:
        return None
    depth = 0
    index = -1
    in_string = False
    escaped = False
    for pos in range(content.find("[", start) + 1, len(content)):
        char = content[pos]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "{[":
            if depth == 0:
                index += 1
                if index == wanted:
                    return content.count("\n", 0, pos) + 1
            depth += 1
        elif char in "}]":
            if depth == 0:
                return None
            depth -= 1
    return None


# --- plain text -----------------------------------------------------------------------------

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d+)?"
_TEXT_LINE = re.compile(
    rf"^\s*(?:\[\s*(?P<start>{_TIME})\s*(?:[-–—]+>?\s*(?P<end>{_TIME})\s*)?\]\s*)?"
    r"(?:(?P<label>[A-Za-z][A-Za-z0-9 _.'#-]{0,39}?)\s*(?:\([^)]{0,40}\))?\s*:(?!\d)\s?)?"
    r"(?P<text>.*)$"
)


def parse_clock(value: str) -> float:
    """Seconds from `mm:ss`, `hh:mm:ss` or `hh:mm:ss.mmm` (comma decimals accepted)."""
    parts = value.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def _looks_like_speaker(label: str) -> bool:
    words = label.split()
    return 1 <= len(words) <= 2 and all(w[:1].isalpha() for w in words)


def parse_text(content: str, source: str = "transcript.txt") -> Transcript:
    """Parse `Agent: …` / `Customer: …` lines; unlabelled lines continue the previous turn."""
    turns: list[Turn] = []
    for lineno, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        match = _TEXT_LINE.match(line)
        assert match is not None  # the pattern matches any line
        label, text = match.group("label"), match.group("text").strip()
        start = parse_clock(match.group("start")) if match.group("start") else None
        end = parse_clock(match.group("end")) if match.group("end") else None
        role = speaker_role(label) if label else None
        if role is None:
            if label and (start is not None or not turns or _looks_like_speaker(label)):
                raise TranscriptError(
                    source, lineno, f"unknown speaker {label.strip()!r} — {SPEAKER_HINT}"
                )
            if not turns:
                raise TranscriptError(
                    source,
                    lineno,
                    "expected a line starting with a speaker, e.g. 'Agent: …' or "
                    "'[00:04] Customer: …'",
                )
            if start is not None:
                raise TranscriptError(
                    source, lineno, f"timestamp without a speaker — {SPEAKER_HINT}"
                )
            previous = turns[-1]
            joined = f"{previous.text} {line.strip()}".strip()
            turns[-1] = Turn(previous.speaker, joined, previous.start, previous.end)
            continue
        if end is not None and start is not None and end < start:
            raise TranscriptError(source, lineno, "the end time is before the start time")
        turns.append(Turn(speaker=role, text=text, start=start, end=end))
    if not turns:
        raise TranscriptError(source, None, "no turns found — write lines like 'Agent: Hello'")
    return Transcript(turns=tuple(turns), channel=_channel_for(turns))


def _channel_for(turns: list[Turn]) -> str:
    return "voice" if any(turn.start is not None for turn in turns) else "chat"


# --- WebVTT ---------------------------------------------------------------------------------

_CUE_TIMING = re.compile(rf"^\s*(?P<start>{_TIME})\s*-->\s*(?P<end>{_TIME})(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+(?P<label>[^>]+)>")
_TAG = re.compile(r"</?[^>]*>")


def parse_vtt(content: str, source: str = "transcript.vtt") -> Transcript:
    """Parse WebVTT cues with `<v Speaker>` tags; consecutive cues of one speaker form one turn."""
    lines = content.splitlines()
    if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise TranscriptError(source, 1, "a WebVTT file must start with 'WEBVTT'")
    turns: list[Turn] = []
    lineno = 1
    while lineno < len(lines):
        line = lines[lineno]
        lineno += 1
        if not line.strip():
            continue
        if line.startswith(("NOTE", "STYLE", "REGION")):
            while lineno < len(lines) and lines[lineno].strip():
                lineno += 1
            continue
        timing = _CUE_TIMING.match(line)
        if timing is None:
            # A cue identifier must be followed by the timing line.
            if lineno < len(lines) and _CUE_TIMING.match(lines[lineno]):
                continue
            raise TranscriptError(
                source, lineno, "expected a cue timing like '00:00:01.000 --> 00:00:04.000'"
            )
        start, end = parse_clock(timing.group("start")), parse_clock(timing.group("end"))
        if end < start:
            raise TranscriptError(source, lineno, "the cue ends before it starts")
        payload: list[tuple[int, str]] = []
        while lineno < len(lines) and lines[lineno].strip():
            payload.append((lineno + 1, lines[lineno]))
            lineno += 1
        if not payload:
            continue
        for role, text in _cue_segments(payload, source):
            if turns and turns[-1].speaker == role and turns[-1].start is not None:
                previous = turns[-1]
                turns[-1] = Turn(role, f"{previous.text} {text}".strip(), previous.start, end)
            else:
                turns.append(Turn(role, text, start, end))
    if not turns:
        raise TranscriptError(source, None, "no cues found — add cues with '<v Agent>' voice tags")
    return Transcript(turns=tuple(turns), channel="voice")


def _cue_segments(payload: list[tuple[int, str]], source: str) -> list[tuple[Speaker, str]]:
    segments: list[tuple[Speaker, str]] = []
    for lineno, raw in payload:
        voice = _VOICE.search(raw)
        role: Speaker | None
        if voice is not None:
            label = voice.group("label").strip()
            role = speaker_role(label)
            if role is None:
                raise TranscriptError(
                    source, lineno, f"unknown speaker {label!r} — use <v Agent>/<v Customer>"
                )
            text = raw[voice.end() :]
        else:
            match = _TEXT_LINE.match(raw)
            label = match.group("label") if match else None
            role = speaker_role(label) if label else None
            if role is not None and match is not None:
                text = match.group("text")
            elif segments:
                role = segments[-1][0]
                text = raw
            else:
                raise TranscriptError(
                    source,
                    lineno,
                    "cue text has no voice tag — start it with '<v Agent>' or '<v Customer>'",
                )
        clean = html.unescape(_TAG.sub("", text)).strip()
        if segments and segments[-1][0] == role:
            segments[-1] = (role, f"{segments[-1][1]} {clean}".strip())
        else:
            segments.append((role, clean))
    return segments


# --- loading --------------------------------------------------------------------------------


def parse(content: str, source: str = "transcript", *, fmt: str | None = None) -> Transcript:
    """Parse transcript text, picking the format from `fmt` or from the content."""
    stripped = content.lstrip("\ufeff \t\r\n")
    kind = fmt or (
        "vtt" if stripped.startswith("WEBVTT") else "json" if stripped.startswith("{") else "text"
    )
    if kind == "json":
        return parse_json(content, source)
    if kind == "vtt":
        return parse_vtt(content.lstrip("\ufeff"), source)
    return parse_text(content, source)


def load(path: str | Path) -> Transcript:
    """Read a transcript file (.json, .vtt or plain text), choosing the parser by extension
    and content."""
    file = Path(path)
    source = str(path)
    try:
        content = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TranscriptError(source, None, "file not found — check the path") from None
    except UnicodeDecodeError as exc:
        raise TranscriptError(source, None, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise TranscriptError(source, None, f"cannot read the file ({exc.strerror})") from None
    suffix = file.suffix.lower()
    fmt = {".json": "json", ".vtt": "vtt"}.get(suffix)
    if fmt is None and suffix in {".txt", ".text", ".log"}:
        fmt = "text" if not content.lstrip().startswith(("{", "WEBVTT")) else None
    return parse(content, source, fmt=fmt)
