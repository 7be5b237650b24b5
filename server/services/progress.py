"""How an agent is doing on each curriculum behavior: the ended attempts that practised it
(first, best and latest score against the team's threshold), and every applicable score it
got over time, also in attempts that practised another week's behavior (the trend)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from server.scenario import Week
from server.services.attempts import Attempt
from server.services.curriculum import WeekTerms, curriculum


@dataclass(frozen=True)
class TrendPoint:
    """One applicable score on a behavior, in one scored attempt."""

    attempt: Attempt
    score: int
    level: str
    targeted: bool  # the attempt practised this behavior (rather than another week's)

    @property
    def session_id(self) -> int:
        return self.attempt.session_id

    @property
    def at(self) -> datetime:
        return self.attempt.started_at


@dataclass(frozen=True)
class Progress:
    """One agent on one behavior."""

    behavior_id: str
    title: str
    week: int
    category: str
    threshold: int
    attempts: list[Attempt]  # the ended attempts that practised it, oldest first
    points: list[TrendPoint]  # its applicable scores in any scored attempt, oldest first

    @property
    def scored(self) -> list[Attempt]:
        return [a for a in self.attempts if a.score is not None]

    @property
    def first(self) -> Attempt | None:
        return self.scored[0] if self.scored else None

    @property
    def latest(self) -> Attempt | None:
        return self.scored[-1] if self.scored else None

    @property
    def best(self) -> Attempt | None:
        """The highest-scored attempt (the latest of equals)."""
        scored = self.scored
        return max(reversed(scored), key=lambda a: a.score or 0) if scored else None

    @property
    def passed(self) -> bool:
        """Some attempt met the threshold it was judged against (a later change of the
        threshold does not rewrite it)."""
        return any(attempt.passed for attempt in self.scored)


def _points(week: Week, attempts: Sequence[Attempt]) -> list[TrendPoint]:
    points = []
    for attempt in attempts:
        result = attempt.result_on(week.behavior)
        if result is not None and result.score is not None:
            targeted = attempt.behavior_id == week.behavior
            points.append(TrendPoint(attempt, result.score, result.level, targeted))
    return points


def progress_on(week: Week, threshold: int, attempts: Sequence[Attempt]) -> Progress:
    """Progress on `week`'s behavior over `attempts` (one agent's, oldest first)."""
    return Progress(
        behavior_id=week.behavior,
        title=week.title,
        week=week.week,
        category=week.category,
        threshold=threshold,
        attempts=[a for a in attempts if a.ended and a.behavior_id == week.behavior],
        points=_points(week, attempts),
    )


def progress_by_behavior(
    attempts: Sequence[Attempt], terms: Mapping[int, WeekTerms]
) -> list[Progress]:
    """Progress on every curriculum behavior, in curriculum order, over `attempts` (one
    agent's, oldest first), against the thresholds in `terms` (`team_thresholds`)."""
    return [progress_on(week, terms[week.week].threshold, attempts) for week in curriculum().weeks]
