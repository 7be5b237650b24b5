"""The score report: the scorer's output, shaped exactly like the report JSON of
docs/formats.md."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SCORER_VERSION = "sparring-scorer/1"

LEVELS = ("good", "average", "poor", "n/a")
GOOD_AT = 70
AVERAGE_AT = 40

Effect = Literal["+", "-"]


def level_for(score: int | None) -> str:
    """`good` ≥ 70, `average` 40–69, `poor` < 40; `n/a` when there is no score."""
    if score is None:
        return "n/a"
    if score >= GOOD_AT:
        return "good"
    if score >= AVERAGE_AT:
        return "average"
    return "poor"


def clamp_score(value: float) -> int:
    """A 0–100 integer score."""
    return max(0, min(100, round(value)))


class ReportFormatError(ValueError):
    """A stored report that is not the report JSON; the message names the field."""


def _field(data: Mapping[str, Any], name: str, kinds: type | tuple[type, ...], where: str) -> Any:
    value = data.get(name)
    if not isinstance(value, kinds) or isinstance(value, bool) and bool not in _as_tuple(kinds):
        expected = " or ".join(k.__name__ for k in _as_tuple(kinds))
        raise ReportFormatError(f"{where}.{name}: expected {expected}, got {value!r}")
    return value


def _as_tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _number(data: Mapping[str, Any], name: str, where: str) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    return float(_field(data, name, (int, float), where))


@dataclass(frozen=True)
class Evidence:
    """One quote that moved a score: `quote` is an exact substring of turn `turn`."""

    turn: int
    time: float | None
    quote: str
    marker: str
    effect: Effect

    def to_dict(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "time": self.time,
            "quote": self.quote,
            "marker": self.marker,
            "effect": self.effect,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "evidence") -> Evidence:
        effect = _field(data, "effect", str, where)
        if effect not in ("+", "-"):
            raise ReportFormatError(f"{where}.effect: expected '+' or '-', got {effect!r}")
        return cls(
            turn=_field(data, "turn", int, where),
            time=_number(data, "time", where),
            quote=_field(data, "quote", str, where),
            marker=_field(data, "marker", str, where),
            effect=effect,
        )


@dataclass(frozen=True)
class BehaviorResult:
    applicable: bool
    score: int | None
    level: str
    evidence: tuple[Evidence, ...] = ()
    coaching: str = ""

    @classmethod
    def scored(cls, score: float, evidence: list[Evidence], coaching: str) -> BehaviorResult:
        value = clamp_score(score)
        return cls(True, value, level_for(value), tuple(evidence), coaching)

    @classmethod
    def not_applicable(cls, coaching: str) -> BehaviorResult:
        return cls(False, None, "n/a", (), coaching)

    def to_dict(self) -> dict[str, Any]:
        return {
            "applicable": self.applicable,
            "score": self.score,
            "level": self.level,
            "evidence": [item.to_dict() for item in self.evidence],
            "coaching": self.coaching,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "behavior") -> BehaviorResult:
        score = data.get("score")
        if score is not None:
            score = _field(data, "score", int, where)
        level = _field(data, "level", str, where)
        if level not in LEVELS:
            raise ReportFormatError(f"{where}.level: expected one of {LEVELS}, got {level!r}")
        items = []
        for i, item in enumerate(_field(data, "evidence", list, where)):
            at = f"{where}.evidence[{i}]"
            if not isinstance(item, Mapping):
                raise ReportFormatError(f"{at}: expected an object, got {item!r}")
            items.append(Evidence.from_dict(item, at))
        return cls(
            applicable=_field(data, "applicable", bool, where),
            score=score,
            level=level,
            evidence=tuple(items),
            coaching=str(data.get("coaching") or ""),
        )


@dataclass(frozen=True)
class Metrics:
    interruptions_per_min: float | None = None
    interruption_rate: float | None = None
    median_response_gap_s: float | None = None
    agent_wpm: int | None = None
    customer_wpm: int | None = None
    talk_ratio: float | None = None
    hedges: int = 0
    open_questions: int = 0
    closed_questions: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "interruptions_per_min": self.interruptions_per_min,
            "interruption_rate": self.interruption_rate,
            "median_response_gap_s": self.median_response_gap_s,
            "agent_wpm": self.agent_wpm,
            "customer_wpm": self.customer_wpm,
            "talk_ratio": self.talk_ratio,
            "hedges": self.hedges,
            "open_questions": self.open_questions,
            "closed_questions": self.closed_questions,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "metrics") -> Metrics:
        def count(name: str) -> int:
            return int(_field(data, name, int, where)) if name in data else 0

        def wpm(name: str) -> int | None:
            return None if data.get(name) is None else int(_field(data, name, int, where))

        return cls(
            interruptions_per_min=_number(data, "interruptions_per_min", where),
            interruption_rate=_number(data, "interruption_rate", where),
            median_response_gap_s=_number(data, "median_response_gap_s", where),
            agent_wpm=wpm("agent_wpm"),
            customer_wpm=wpm("customer_wpm"),
            talk_ratio=_number(data, "talk_ratio", where),
            hedges=count("hedges"),
            open_questions=count("open_questions"),
            closed_questions=count("closed_questions"),
        )


@dataclass(frozen=True)
class Report:
    """`judged`: the behaviors the LLM judge decided (the markers decided the rest);
    `judge_notes`: per behavior the judge was asked about but did not decide, the reason;
    `judge`: the judge that was asked (its model), None when scoring used the markers only."""

    behaviors: dict[str, BehaviorResult]
    metrics: Metrics
    scorer_version: str = SCORER_VERSION
    judged: frozenset[str] = field(default_factory=frozenset)
    judge_notes: Mapping[str, str] = field(default_factory=dict)
    judge: str | None = None

    def decided_by(self, name: str) -> str:
        """`judge` or `markers`: the layer whose verdict the report holds for `name`."""
        return "judge" if name in self.judged else "markers"

    def to_dict(self) -> dict[str, Any]:
        return {
            "scorer_version": self.scorer_version,
            "behaviors": {
                name: {
                    **result.to_dict(),
                    "decided_by": self.decided_by(name),
                    "judge_skipped": self.judge_notes.get(name),
                }
                for name, result in self.behaviors.items()
            },
            "metrics": self.metrics.to_dict(),
            "judge": self.judge,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        """The report whose `to_dict()` is `data` (a stored report read back as the scorer's
        own types). Raises ReportFormatError naming the first field that is not the report JSON;
        fields added after a report was stored (`decided_by`, `judge_skipped`, `judge`) may be
        missing."""
        behaviors_data = _field(data, "behaviors", dict, "report")
        behaviors: dict[str, BehaviorResult] = {}
        judged: set[str] = set()
        notes: dict[str, str] = {}
        for name, entry in behaviors_data.items():
            where = f"behaviors.{name}"
            if not isinstance(entry, Mapping):
                raise ReportFormatError(f"{where}: expected an object, got {entry!r}")
            behaviors[name] = BehaviorResult.from_dict(entry, where)
            if entry.get("decided_by") == "judge":
                judged.add(name)
            if entry.get("judge_skipped"):
                notes[name] = str(entry["judge_skipped"])
        metrics = data.get("metrics") or {}
        if not isinstance(metrics, Mapping):
            raise ReportFormatError(f"report.metrics: expected an object, got {metrics!r}")
        judge = data.get("judge")
        return cls(
            behaviors=behaviors,
            metrics=Metrics.from_dict(metrics),
            scorer_version=str(data.get("scorer_version") or SCORER_VERSION),
            judged=frozenset(judged),
            judge_notes=notes,
            judge=None if judge is None else str(judge),
        )
