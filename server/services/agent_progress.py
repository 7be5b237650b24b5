"""One agent's practice as a manager sees it: every attempt with its score on the behavior it
targeted, the attempts on one curriculum week, and the trend of each behavior over time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from server.models import (
    BehaviorScore,
    PracticeSession,
    ScenarioVersion,
    ScoreRecord,
    SessionMode,
    Team,
    User,
)
from server.services.curriculum import curriculum, week_of_behavior
from server.services.dashboard import team_thresholds


@dataclass(frozen=True)
class Attempt:
    id: int
    user_id: int
    started_at: datetime
    ended_at: datetime | None
    status: str
    outcome: str | None
    behavior_id: str
    week: int
    channel: str
    scenario_id: str
    scenario_version: int | None
    scenario_title: str
    threshold: int
    report: dict[str, Any] | None  # the latest score report, None while not scored

    @property
    def scored(self) -> bool:
        return self.report is not None

    @property
    def result(self) -> dict[str, Any]:
        """The report's entry for the targeted behavior ({} when not scored)."""
        behaviors = (self.report or {}).get("behaviors", {})
        entry = behaviors.get(self.behavior_id, {}) if isinstance(behaviors, dict) else {}
        return entry if isinstance(entry, dict) else {}

    @property
    def score(self) -> int | None:
        value = self.result.get("score")
        return value if isinstance(value, int) else None

    @property
    def level(self) -> str:
        return str(self.result.get("level", "n/a")) if self.scored else "not scored"

    @property
    def passed(self) -> bool:
        return self.score is not None and self.score >= self.threshold

    @property
    def evidence(self) -> list[dict[str, Any]]:
        items = self.result.get("evidence", [])
        return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def latest_reports(session: Session, session_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Practice session id → its latest score report."""
    if not session_ids:
        return {}
    records = session.exec(
        select(ScoreRecord)
        .where(col(ScoreRecord.session_id).in_(session_ids))
        .order_by(col(ScoreRecord.id))
    )
    return {record.session_id: dict(record.report_json) for record in records}


def attempts_of(
    session: Session,
    agents: list[User],
    team: Team,
    *,
    behavior_id: str | None = None,
    scored_only: bool = False,
) -> list[Attempt]:
    """The practice attempts of `agents`, newest first (optionally only those that targeted
    `behavior_id`), scored against `team`'s thresholds."""
    ids = [agent.id for agent in agents if agent.id is not None]
    if not ids:
        return []
    query = (
        select(PracticeSession, ScenarioVersion)
        .join(
            ScenarioVersion,
            col(ScenarioVersion.id) == col(PracticeSession.scenario_version_id),
            isouter=True,
        )
        .where(col(PracticeSession.user_id).in_(ids), PracticeSession.mode == SessionMode.practice)
        .order_by(col(PracticeSession.started_at).desc(), col(PracticeSession.id).desc())
    )
    if behavior_id is not None:
        query = query.where(PracticeSession.behavior_id == behavior_id)
    rows = list(session.exec(query))
    reports = latest_reports(session, [s.id for s, _ in rows if s.id is not None])
    thresholds = team_thresholds(session, team)
    out = []
    for practice, version in rows:
        assert practice.id is not None
        report = reports.get(practice.id)
        if scored_only and report is None:
            continue
        week = week_of_behavior(practice.behavior_id).week
        out.append(
            Attempt(
                id=practice.id,
                user_id=practice.user_id,
                started_at=practice.started_at,
                ended_at=practice.ended_at,
                status=practice.status.value,
                outcome=practice.outcome,
                behavior_id=practice.behavior_id,
                week=week,
                channel=practice.channel,
                scenario_id=version.scenario_id if version else "draft",
                scenario_version=version.version if version else None,
                scenario_title=version.title if version else "Unpublished draft",
                threshold=thresholds[week][0],
                report=report,
            )
        )
    return out


@dataclass(frozen=True)
class TrendPoint:
    session_id: int
    at: datetime
    score: int
    level: str
    targeted: bool  # the attempt practised this behavior (rather than another week's)


@dataclass(frozen=True)
class BehaviorTrend:
    week: int
    behavior: str
    category: str
    title: str
    threshold: int
    points: list[TrendPoint] = field(default_factory=list)

    @property
    def latest(self) -> TrendPoint | None:
        return self.points[-1] if self.points else None

    @property
    def best(self) -> int | None:
        return max((p.score for p in self.points), default=None)


def trends_of(session: Session, agent: User, team: Team) -> list[BehaviorTrend]:
    """Every behavior's applicable scores over the agent's scored attempts, oldest first, in
    curriculum order (behaviors never scored have no points)."""
    rows = session.exec(
        select(  # type: ignore[call-overload]
            BehaviorScore.session_id,
            BehaviorScore.behavior_id,
            BehaviorScore.score,
            BehaviorScore.level,
            PracticeSession.started_at,
            PracticeSession.behavior_id,
        )
        .join(PracticeSession, col(PracticeSession.id) == col(BehaviorScore.session_id))
        .where(
            PracticeSession.user_id == agent.id,
            PracticeSession.mode == SessionMode.practice,
            col(BehaviorScore.score).is_not(None),
        )
        .order_by(col(PracticeSession.started_at), col(BehaviorScore.id))
    )
    points: dict[str, dict[int, TrendPoint]] = {}
    for session_id, behavior, score, level, at, target in rows:
        # a rescored attempt has several rows: the later one replaces the earlier
        points.setdefault(behavior, {})[session_id] = TrendPoint(
            session_id, at, score, level, target == behavior
        )
    thresholds = team_thresholds(session, team)
    return [
        BehaviorTrend(
            week=week.week,
            behavior=week.behavior,
            category=week.category,
            title=week.title,
            threshold=thresholds[week.week][0],
            points=list(points.get(week.behavior, {}).values()),
        )
        for week in curriculum().weeks
    ]
