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
