"""An optional intent judge: asks an OpenAI-compatible chat model to grade a behavior.

The client is passed in (`openai.OpenAI(base_url=…, api_key=…)` or anything with
`client.chat.completions.create(...)`). One request per behavior, with good/average/poor anchors.

The reply format is negotiated per endpoint: first `response_format` `json_schema` (OpenAI,
vLLM), then `json_object` with a `schema` (llama-cpp-python's server, which answers HTTP 500 to
`json_schema`), then plain instructions with no `response_format`. A format the endpoint
refuses (HTTP 400, 415, 422 or 5xx) moves on to the next; the one that worked is remembered
for that endpoint and model, so later requests start there.

Nothing fails silently. `judge(...)` returns, per behavior, either a verified verdict or the
reason the markers decide instead (the endpoint timed out, refused every format, the reply held
no verdict, a quote is not in the transcript, …); after a timeout, a refused connection or a
refused key the remaining behaviors are not asked and say why. `read_verdict` is a pure
function that tolerates messy output (code fences, prose around the JSON, trailing commas,
single quotes, odd level case) and fails closed with a reason: a verdict is kept only when its
level is known, its score agrees with its level and every quote it cites is found verbatim in
the transcript. A verdict of `n/a` cites nothing to verify, so the markers decide then too.
`score(..., judge=LLMJudge(client, model))` falls back to the marker rules for every behavior
that has a reason instead of a verdict and puts the reason in the report.
"""

from __future__ import annotations

import ast
import json
import re
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import openai

from scorer.markers import MARKERS
from scorer.report import LEVELS, BehaviorResult, Effect, Evidence, level_for
from scorer.transcript import Transcript

# Score given to a verdict that names a level but no number.
LEVEL_SCORES = {"good": 85, "average": 55, "poor": 20}
MIN_QUOTE = 3

ANCHORS: dict[str, tuple[str, str, str, str]] = {
    # id: (what is graded, good, average, poor)
    "active_listening": (
        "Lets the customer finish, paraphrases, asks a clarifying question before fixing.",
        "paraphrases the problem and asks a clarifying question before offering a fix; "
        "never talks over the customer",
        "does one of paraphrasing or clarifying, or clarifies only after the fix",
        "jumps to a fix without checking understanding, or interrupts",
    ),
    "patience_under_repetition": (
        "Answers a repeated question fully, as if it were the first time.",
        "the third time the question comes, answers fully and warmly",
        "answers, but shorter or flatter each time",
        'says "as I mentioned" / "like I said" or gives a clipped answer',
    ),
    "impact_naming": (
        "Names the customer's specific impact before offering a fix.",
        "names the specific consequence for this customer before the fix",
        'generic empathy such as "I understand your frustration", or impact only after the fix',
        "no acknowledgement of the impact at all",
    ),
    "deescalation": (
        "When the customer loops or escalates, names the pattern and pivots to solving.",
        "names the loop and moves straight to a concrete step",
        "stays polite but neither names the pattern nor pivots",
        'says "calm down", argues, or gets defensive',
    ),
    "tone_calibration": (
        "When the customer speeds up, slows down; never defensive.",
        "slower, shorter sentences when the customer speeds up; no defensiveness",
        "keeps the same pace; mild pushback",
        'matches the speed or says "if you let me explain"',
    ),
    "self_regulation": (
        "Same engagement throughout: no filler-only, clipped or disengaged turns.",
        "every reply is a full, engaged answer from first to last turn",
        "a few clipped or filler replies",
        'many clipped replies or disengaged lines such as "not my department"',
    ),
    "clarity": (
        "Every internal term or acronym translated into customer language.",
        "every internal term comes with a plain-language translation",
        "some terms translated, some not",
        "internal jargon left unexplained",
    ),
    "customer_language": (
        "Leads with the customer's job, not the product; no cross-sell during service.",
        "frames the answer around what the customer is trying to get done; no selling",
        "product-led but no cross-sell",
        "cross-sells during a service call",
    ),
    "ownership": (
        'Commits with "I will <action> <when>"; "we" only for company position.',
        "every commitment is first person with an action and a time",
        "some owned commitments, some diffuse",
        '"we\'ll look into it", "someone will get back to you"',
    ),
    "forwardable_summary": (
        "Closes with what happened, what was done, when to expect resolution, direct contact.",
        "all four parts in the close",
        "two or three parts",
        "no summary or one part",
    ),
}

VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "applicable": {"type": "boolean"},
        "level": {"type": "string", "enum": list(LEVELS)},
        "score": {"type": ["integer", "null"]},
        "evidence": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "turn": {"type": "integer"},
                    "quote": {"type": "string"},
                    "effect": {"type": "string", "enum": ["+", "-"]},
                },
                "required": ["turn", "quote", "effect"],
                "additionalProperties": False,
            },
        },
        "coaching": {"type": "string"},
    },
    "required": ["applicable", "level", "score", "evidence", "coaching"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Verdict:
    level: str
    score: int | None
    evidence: tuple[Evidence, ...]
    coaching: str

    def to_result(self) -> BehaviorResult:
        applicable = self.level != "n/a"
        return BehaviorResult(applicable, self.score, self.level, self.evidence, self.coaching)


# --- parsing ------------------------------------------------------------------------------

_FENCE = re.compile(r"```[a-zA-Z]*\s*(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _json_objects(text: str) -> list[str]:
    """Balanced `{…}` blocks in `text`, outermost first (string-aware)."""
    blocks: list[str] = []
    depth = 0
    begin = -1
    quote = ""
    escaped = False
    for pos, char in enumerate(text):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
            continue
        if char in "\"'" and depth > 0:
            quote = char
        elif char == "{":
            if depth == 0:
                begin = pos
            depth += 1
        elif char == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                blocks.append(text[begin : pos + 1])
    return blocks


def _load_object(block: str) -> dict[str, Any] | None:
    attempts = [block, _TRAILING_COMMA.sub(r"\1", block)]
    for attempt in attempts:
        try:
            value = json.loads(attempt)
        except ValueError:
            continue
        return value if isinstance(value, dict) else None
    literal = re.sub(r"\btrue\b", "True", attempts[1])
    literal = re.sub(r"\bfalse\b", "False", literal)
    literal = re.sub(r"\bnull\b", "None", literal)
    try:
        value = ast.literal_eval(literal)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return None
    return value if isinstance(value, dict) else None


def _extract(raw_text: str) -> dict[str, Any] | None:
    candidates = [m.group(1) for m in _FENCE.finditer(raw_text)] + [raw_text]
    for candidate in candidates:
        for block in _json_objects(candidate):
            data = _load_object(block)
            if data is not None and any(str(k).lower() == "level" for k in data):
                return {str(k).strip().lower(): v for k, v in data.items()}
    return None


def _level(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip().strip(".").lower().replace("_", " ")
    if text in ("n/a", "na", "not applicable", "none", "n.a"):
        return "n/a"
    return text if text in LEVELS else None


def _score(value: Any) -> int | None | bool:
    """The score as an int, None when absent, False when present but invalid."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        text = value.strip().removesuffix("/100").strip()
        try:
            value = float(text)
        except ValueError:
            return False
    if not isinstance(value, int | float) or value != value or not 0 <= value <= 100:
        return False
    return round(value)


def _clean_quote(quote: str) -> str:
    text = quote.strip()
    for _ in range(2):
        text = text.strip("\"'“”‘’").strip()
        for mark in ("...", "…"):
            text = text.removeprefix(mark).removesuffix(mark).strip()
    return text


def _find_quote(transcript: Transcript, quote: str, turn: Any) -> int | None:
    turns = transcript.turns
    valid = isinstance(turn, int) and not isinstance(turn, bool) and 0 <= turn < len(turns)
    if valid and quote in turns[turn].text:
        return int(turn)
    for index, candidate in enumerate(turns):
        if quote in candidate.text:
            return index
    return None


def _evidence(
    items: Any, transcript: Transcript, default_effect: Effect
) -> tuple[Evidence, ...] | str:
    """The cited evidence, every quote found verbatim; or the reason it cannot be used."""
    if items is None:
        return ()
    if not isinstance(items, list):
        return f'"evidence" is {type(items).__name__}, not a list of quotes'
    found: list[Evidence] = []
    for item in items:
        if isinstance(item, str):
            item = {"quote": item}
        if not isinstance(item, Mapping):
            return f"an evidence item is {type(item).__name__}, not an object with a quote"
        fields = {str(k).lower(): v for k, v in item.items()}
        quote = fields.get("quote")
        if not isinstance(quote, str):
            return "an evidence item has no quote string"
        quote = _clean_quote(quote)
        if len(quote) < MIN_QUOTE:
            return f"the quote {quote!r} is too short to verify"
        turn = _find_quote(transcript, quote, fields.get("turn"))
        if turn is None:
            return f"the quote {_short(quote)!r} is not in the transcript"
        effect = fields.get("effect")
        marker = fields.get("marker")
        found.append(
            Evidence(
                turn=turn,
                time=transcript.turns[turn].start,
                quote=quote,
                marker=marker if isinstance(marker, str) and marker in MARKERS else "judge",
                effect=effect if effect in ("+", "-") else default_effect,
            )
        )
    return tuple(found)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_verdict(raw_text: str, transcript: Transcript) -> Verdict | str:
    """The verdict in a model reply, or the reason there is none: no JSON verdict, an unknown
    level, a score that disagrees with its level, no evidence, or a quote that is not in the
    transcript."""
    data = _extract(raw_text)
    if data is None:
        if not raw_text.strip():
            return "the reply was empty"
        return f"the reply holds no JSON verdict with a level: {_short(raw_text)!r}"
    level = _level(data.get("level"))
    if level is None:
        return f"unknown level {data.get('level')!r}; expected good, average, poor or n/a"
    score = _score(data.get("score"))
    if score is False:
        return f"the score {data.get('score')!r} is not a number from 0 to 100"
    applicable = data.get("applicable", level != "n/a")
    if isinstance(applicable, str):
        applicable = applicable.strip().lower() in ("true", "yes")
    if level == "n/a" or applicable is False:
        if level != "n/a" or score is not None:
            return f"a verdict that does not apply must have level n/a and no score, not {level}"
        coaching = data.get("coaching")
        return Verdict("n/a", None, (), coaching if isinstance(coaching, str) else "")
    assert not isinstance(score, bool)
    if score is None:
        score = LEVEL_SCORES[level]
    elif level_for(score) != level:
        return f"the score {score} is {level_for(score)}, not {level}"
    evidence = _evidence(data.get("evidence"), transcript, "+" if level == "good" else "-")
    if isinstance(evidence, str):
        return evidence
    if not evidence:
        return f"the {level} verdict quotes no evidence"
    coaching = data.get("coaching")
    return Verdict(level, score, evidence, coaching.strip() if isinstance(coaching, str) else "")


def parse_verdict(raw_text: str, transcript: Transcript) -> Verdict | None:
    """The verdict in a model reply, or None when it is missing, unknown or cites a quote that
    is not in the transcript (`read_verdict` says why)."""
    found = read_verdict(raw_text, transcript)
    return None if isinstance(found, str) else found


# --- asking -------------------------------------------------------------------------------


def render_for_judge(transcript: Transcript) -> str:
    """One line per turn: `[turn N | mm:ss | speaker] text`."""
    lines = []
    for index, turn in enumerate(transcript.turns):
        time = (
            f" | {int(turn.start) // 60:02d}:{int(turn.start) % 60:02d}"
            if turn.start is not None
            else ""
        )
        lines.append(f"[turn {index}{time} | {turn.speaker}] {turn.text}")
    return "\n".join(lines)


def build_messages(transcript: Transcript, behavior: str) -> list[dict[str, str]]:
    what, good, average, poor = ANCHORS[behavior]
    system = (
        f"You grade one customer-service behavior of the AGENT in a transcript: {behavior}. "
        f"{what}\n"
        f"good (score 70-100): {good}.\naverage (40-69): {average}.\npoor (0-39): {poor}.\n"
        'If the situation never arose, answer level "n/a", applicable false, score null.\n'
        "Cite evidence as exact quotes copied character for character from the transcript, "
        "with the turn number. Coaching: one or two sentences naming what to say instead. "
        "Reply with JSON only: "
        '{"applicable": bool, "level": "good|average|poor|n/a", "score": int|null, '
        '"evidence": [{"turn": int, "quote": str, "effect": "+|-"}], "coaching": str}'
    )
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": render_for_judge(transcript)},
    ]


# --- negotiating the reply format --------------------------------------------------------------

FORMATS: tuple[str, ...] = ("json_schema", "json_object", "plain")
"""Reply formats, most to least constrained; `plain` sends no `response_format`."""

# HTTP statuses that mean "this endpoint does not take this response_format": try the next.
_REFUSES_FORMAT = frozenset({400, 415, 422})
# Statuses after which asking about the other behaviors is pointless.
_FATAL_STATUS = {401: "refused the API key", 403: "refused access", 404: "has no such model"}

MAX_TOKENS = 600
"""Upper bound on one verdict's length, so a looping model cannot run on."""


def response_format(kind: str) -> dict[str, Any] | None:
    """The `response_format` request field for reply format `kind` (None: leave it out)."""
    if kind == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": "verdict", "strict": True, "schema": VERDICT_SCHEMA},
        }
    if kind == "json_object":
        return {"type": "json_object", "schema": VERDICT_SCHEMA}
    if kind == "plain":
        return None
    raise ValueError(f"unknown reply format {kind!r}; expected one of {', '.join(FORMATS)}")


class FormatMemory:
    """Which reply format each endpoint and model took last (shared by every judge in the
    process, so the web app negotiates once per endpoint, not once per report)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._start: dict[str, int] = {}

    def start(self, key: str) -> int:
        """The index in FORMATS to try first for `key`."""
        with self._lock:
            return self._start.get(key, 0)

    def known(self, key: str) -> str | None:
        """The format `key` answered last, None before its first answer."""
        with self._lock:
            index = self._start.get(key)
        return None if index is None else FORMATS[index]

    def remember(self, key: str, index: int) -> None:
        with self._lock:
            self._start[key] = index

    def forget(self) -> None:
        with self._lock:
            self._start.clear()


FORMAT_MEMORY = FormatMemory()


def endpoint_key(client: Any, model: str) -> str:
    """The memory key of an endpoint: its base URL (or the client's identity) and the model."""
    base = getattr(client, "base_url", None)
    return f"{base if base is not None else f'client-{id(client)}'}|{model}"


class _Stop(Exception):
    """The endpoint cannot answer any behavior now (timeout, no connection, refused key)."""


def _status_text(error: openai.APIStatusError) -> str:
    body = error.body
    message = ""
    if isinstance(body, Mapping):
        inner = body.get("error", body)
        message = str(inner.get("message", "")) if isinstance(inner, Mapping) else str(inner)
    elif body is not None:
        message = str(body)
    message = message or error.message
    return f"HTTP {error.status_code}" + (f" ({_short(message)})" if message else "")


def _timeout_of(client: Any) -> str:
    timeout = getattr(client, "timeout", None)
    seconds = getattr(timeout, "read", timeout)
    return f" after {seconds:g} s" if isinstance(seconds, int | float) else ""


def ask(
    client: Any, model: str, messages: list[dict[str, str]], memory: FormatMemory
) -> tuple[str, str]:
    """The model's reply and the format it was asked in, trying the formats in order from the
    one this endpoint took last. Raises `_Stop` when no behavior can be asked now and
    `RuntimeError` (the reason) when this request failed in every format."""
    key = endpoint_key(client, model)
    start = memory.start(key)
    refused: list[str] = []
    for index in range(start, len(FORMATS)):
        kind = FORMATS[index]
        request: dict[str, Any] = {
            "model": model,
            "messages": messages,
            "temperature": 0,
            "max_tokens": MAX_TOKENS,
        }
        chosen = response_format(kind)
        if chosen is not None:
            request["response_format"] = chosen
        try:
            response = client.chat.completions.create(**request)
        except openai.APITimeoutError:
            raise _Stop(f"the judge timed out{_timeout_of(client)}") from None
        except openai.APIConnectionError as error:
            raise _Stop(f"could not reach the judge ({error.__cause__ or error})") from None
        except openai.APIStatusError as error:
            status = error.status_code
            if status in _FATAL_STATUS:
                raise _Stop(
                    f"the judge endpoint {_FATAL_STATUS[status]} ({_status_text(error)}); "
                    "check SPARRING_LLM_BASE_URL, SPARRING_LLM_API_KEY and SPARRING_LLM_MODEL"
                ) from None
            if kind != "plain" and (status in _REFUSES_FORMAT or status >= 500):
                refused.append(f"{kind}: {_status_text(error)}")
                continue
            raise RuntimeError(
                "; ".join([*refused, f"{kind}: {_status_text(error)}"])
                + (" (every reply format failed)" if kind == "plain" else "")
            ) from None
        except Exception as error:  # noqa: BLE001 — any other client failure, with its reason
            raise RuntimeError(f"{kind}: {type(error).__name__}: {_short(str(error))}") from None
        memory.remember(key, index)
        try:
            content = response.choices[0].message.content
        except (AttributeError, IndexError, TypeError):
            raise RuntimeError(f"{kind}: the response holds no message") from None
        if not isinstance(content, str) or not content.strip():
            raise RuntimeError(f"{kind}: the reply was empty")
        return content, kind
    raise RuntimeError("; ".join(refused) + " (every reply format failed)")


def judge_one(
    transcript: Transcript,
    behavior: str,
    client: Any,
    model: str,
    memory: FormatMemory = FORMAT_MEMORY,
) -> BehaviorResult | str:
    """The judge's verified verdict on one behavior, or the reason the markers decide.
    Raises `_Stop` when the endpoint cannot be asked at all."""
    try:
        content, kind = ask(client, model, build_messages(transcript, behavior), memory)
    except RuntimeError as error:
        return f"the judge request failed: {error}"
    verdict = read_verdict(content, transcript)
    if isinstance(verdict, str):
        return f"judge verdict rejected ({kind} reply): {verdict}"
    if verdict.level == "n/a":
        return "the judge answered n/a, which cites no quote to verify"
    return verdict.to_result()


def judge(
    transcript: Transcript,
    behaviors: Sequence[str],
    client: Any,
    model: str,
    *,
    workers: int = 4,
    memory: FormatMemory = FORMAT_MEMORY,
) -> dict[str, BehaviorResult | str]:
    """Ask `client` about each behavior: per behavior a verified verdict, or the reason the
    markers decide instead. The first behavior is asked alone (it settles the reply format);
    the rest with up to `workers` requests at a time."""
    for behavior in behaviors:
        if behavior not in ANCHORS:
            raise ValueError(f"unknown behavior {behavior!r} — valid ids: {', '.join(ANCHORS)}")
    results: dict[str, BehaviorResult | str] = {}
    stopped = threading.Event()
    reason: list[str] = []

    def one(behavior: str) -> BehaviorResult | str:
        if stopped.is_set():
            return f"not asked: {reason[0]}"
        try:
            return judge_one(transcript, behavior, client, model, memory)
        except _Stop as stop:
            if not stopped.is_set():
                reason.append(str(stop))
                stopped.set()
            return str(stop)

    if behaviors:
        results[behaviors[0]] = one(behaviors[0])
    rest = list(behaviors[1:])
    if rest:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(rest)))) as pool:
            for behavior, outcome in zip(rest, pool.map(one, rest), strict=True):
                results[behavior] = outcome
    return {b: results[b] for b in behaviors}


@dataclass(frozen=True)
class LLMJudge:
    """A judge for `scorer.score(..., judge=LLMJudge(client, model))`."""

    client: Any
    model: str
    workers: int = 4
    memory: FormatMemory = field(default=FORMAT_MEMORY, compare=False, repr=False)

    @property
    def name(self) -> str:
        """The model, and the reply format this endpoint takes when it is known."""
        known = self.memory.known(endpoint_key(self.client, self.model))
        return f"{self.model} ({known})" if known else self.model

    def __call__(
        self, transcript: Transcript, behaviors: Sequence[str]
    ) -> dict[str, BehaviorResult | str]:
        return judge(
            transcript, behaviors, self.client, self.model, workers=self.workers, memory=self.memory
        )


__all__ = [
    "ANCHORS",
    "FORMATS",
    "FORMAT_MEMORY",
    "FormatMemory",
    "LLMJudge",
    "VERDICT_SCHEMA",
    "Verdict",
    "build_messages",
    "judge",
    "judge_one",
    "parse_verdict",
    "read_verdict",
    "response_format",
]
