"""An optional intent judge: asks an OpenAI-compatible chat model to grade a behavior.

The client is passed in (`openai.OpenAI(base_url=…, api_key=…)` or anything with
`client.chat.completions.create(...)`). One request per behavior, with good/average/poor anchors
and a JSON schema as `response_format`. `parse_verdict` is a pure function that tolerates messy
output (code fences, prose around the JSON, trailing commas, single quotes, odd level case) and
fails closed: a verdict is kept only when its level is known, its score agrees with its level
and every quote it cites is found verbatim in the transcript. Anything else returns None, and
`score(..., judge=LLMJudge(client, model))` falls back to the marker rules for that behavior.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
) -> tuple[Evidence, ...] | None:
    if items is None:
        return ()
    if not isinstance(items, list):
        return None
    found: list[Evidence] = []
    for item in items:
        if isinstance(item, str):
            item = {"quote": item}
        if not isinstance(item, Mapping):
            return None
        fields = {str(k).lower(): v for k, v in item.items()}
        quote = fields.get("quote")
        if not isinstance(quote, str):
            return None
        quote = _clean_quote(quote)
        if len(quote) < MIN_QUOTE:
            return None
        turn = _find_quote(transcript, quote, fields.get("turn"))
        if turn is None:
            return None
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


def parse_verdict(raw_text: str, transcript: Transcript) -> Verdict | None:
    """The verdict in a model reply, or None when it is missing, unknown or cites a quote that
    is not in the transcript."""
    data = _extract(raw_text)
    if data is None:
        return None
    level = _level(data.get("level"))
    score = _score(data.get("score"))
    if level is None or score is False:
        return None
    applicable = data.get("applicable", level != "n/a")
    if isinstance(applicable, str):
        applicable = applicable.strip().lower() in ("true", "yes")
    if level == "n/a" or applicable is False:
        if level != "n/a" or score is not None:
            return None
        coaching = data.get("coaching")
        return Verdict("n/a", None, (), coaching if isinstance(coaching, str) else "")
    assert not isinstance(score, bool)
    if score is None:
        score = LEVEL_SCORES[level]
    elif level_for(score) != level:
        return None
    evidence = _evidence(data.get("evidence"), transcript, "+" if level == "good" else "-")
    if not evidence:
        return None
    coaching = data.get("coaching")
    return Verdict(level, score, evidence, coaching.strip() if isinstance(coaching, str) else "")


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


def judge(
    transcript: Transcript, behaviors: Sequence[str], client: Any, model: str
) -> dict[str, BehaviorResult]:
    """Ask `client` about each behavior; keep only valid verdicts whose quotes are real."""
    results: dict[str, BehaviorResult] = {}
    for behavior in behaviors:
        if behavior not in ANCHORS:
            raise ValueError(f"unknown behavior {behavior!r} — valid ids: {', '.join(ANCHORS)}")
        try:
            response = client.chat.completions.create(
                model=model,
                messages=build_messages(transcript, behavior),
                temperature=0,
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": "verdict", "strict": True, "schema": VERDICT_SCHEMA},
                },
            )
            content = response.choices[0].message.content
        except Exception:  # noqa: BLE001 — any failure of the remote judge falls back to markers
            continue
        if not isinstance(content, str):
            continue
        verdict = parse_verdict(content, transcript)
        if verdict is not None:
            results[behavior] = verdict.to_result()
    return results


@dataclass(frozen=True)
class LLMJudge:
    """A judge for `scorer.score(..., judge=LLMJudge(client, model))`."""

    client: Any
    model: str

    def __call__(
        self, transcript: Transcript, behaviors: Sequence[str]
    ) -> dict[str, BehaviorResult]:
        return judge(transcript, behaviors, self.client, self.model)


__all__ = [
    "ANCHORS",
    "LLMJudge",
    "VERDICT_SCHEMA",
    "Verdict",
    "build_messages",
    "judge",
    "parse_verdict",
]
