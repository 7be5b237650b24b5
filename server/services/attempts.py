"""Scored practice attempts: lists, first/best/latest per behavior, who may see one, and the
scorecard's content (the week's behavior against the threshold, evidence tied to the transcript,
the other behaviors and the metrics)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_
from sqlmodel import Session, col, select

import scorer
from server.accounts import user_team_ids
from server.models import (
    BehaviorScore,
    PracticeSession,
    Role,
    ScenarioVersion,
    SessionMode,
    SessionStatus,
    Team,
    Turn,
    User,
)
from server.services import curriculum
from server.services.scenario_store import latest_version, scenario_of


@dataclass(frozen=True)
class Attempt:
    """One ended practice session, with its score on the behavior it practised."""

    session_id: int
    behavior_id: str
    scenario_id: str
    scenario_title: str
    scenario_version: int | None
    started_at: datetime
    outcome: str | None
    score: int | None
    level: str
    threshold: int

    @property
    def passed(self) -> bool:
        return self.score is not None and self.score >= self.threshold


def attempts_of(
    db: Session, user: User, *, behavior_id: str | None = None, team: Team | None = None
) -> list[Attempt]:
    """The user's ended practice attempts, oldest first (optionally for one behavior)."""
    team = team if team is not None else curriculum.team_of(db, user)
    query = (
        select(PracticeSession, ScenarioVersion, BehaviorScore)
        .join(ScenarioVersion, isouter=True)
        .join(
            BehaviorScore,
            and_(
                col(BehaviorScore.session_id) == PracticeSession.id,
                col(BehaviorScore.behavior_id) == PracticeSession.behavior_id,
            ),
            isouter=True,
        )
        .where(
            PracticeSession.user_id == user.id,
            PracticeSession.mode == SessionMode.practice,
            PracticeSession.status == SessionStatus.ended,
        )
        .order_by(col(PracticeSession.started_at), col(PracticeSession.id))
    )
    if behavior_id is not None:
        query = query.where(PracticeSession.behavior_id == behavior_id)
    thresholds: dict[str, int] = {}
    out = []
    for session, version, behavior in db.exec(query):
        if session.behavior_id not in thresholds:
            thresholds[session.behavior_id] = curriculum.threshold_for(
                db, team, session.behavior_id
            )
        assert session.id is not None
        out.append(
            Attempt(
                session_id=session.id,
                behavior_id=session.behavior_id,
                scenario_id=version.scenario_id if version else "(removed)",
                scenario_title=version.title if version else "(removed scenario)",
                scenario_version=version.version if version else None,
                started_at=session.started_at,
                outcome=session.outcome,
                score=behavior.score if behavior else None,
                level=behavior.level if behavior else "n/a",
                threshold=thresholds[session.behavior_id],
            )
        )
    return out


@dataclass(frozen=True)
class Progress:
    """An agent's attempts on one behavior: first, best and latest, against the threshold."""

    behavior_id: str
    title: str
    week: int
    category: str
    threshold: int
    attempts: list[Attempt]

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
        scored = self.scored
        return max(reversed(scored), key=lambda a: a.score or 0) if scored else None

    @property
    def passed(self) -> bool:
        best = self.best
        return best is not None and best.score is not None and best.score >= self.threshold


def progress_of(
    db: Session, user: User, behavior_id: str, threshold: int | None = None
) -> Progress:
    week = curriculum.week_of_behavior(behavior_id)
    team = curriculum.team_of(db, user)
    if threshold is None:
        threshold = curriculum.threshold_for(db, team, behavior_id)
    attempts = [a for a in attempts_of(db, user, behavior_id=behavior_id, team=team)]
    return Progress(behavior_id, week.title, week.week, week.category, threshold, attempts)


def progress_by_behavior(db: Session, user: User) -> list[Progress]:
    """Progress for every behavior the user has attempts on, in curriculum order."""
    team = curriculum.team_of(db, user)
    attempts = attempts_of(db, user, team=team)
    out = []
    for week in curriculum.curriculum().weeks:
        mine = [a for a in attempts if a.behavior_id == week.behavior]
        if mine:
            threshold = mine[-1].threshold
            out.append(
                Progress(week.behavior, week.title, week.week, week.category, threshold, mine)
            )
    return out


# --- access ------------------------------------------------------------------------------------


def can_view(db: Session, viewer: User, session: PracticeSession) -> bool:
    """The owner, admins, and managers of one of the agent's teams may see an attempt."""
    if viewer.id == session.user_id or viewer.role is Role.admin:
        return True
    if viewer.role is not Role.manager:
        return False
    owner = db.get(User, session.user_id)
    agent_teams = set(user_team_ids(db, owner)) if owner else set()
    if session.team_id is not None:
        agent_teams.add(session.team_id)
    return bool(agent_teams & set(user_team_ids(db, viewer)))


# --- the scorecard -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    text: str
    effect: str | None = None  # "+" or "-" when the text is an evidence quote
    marker: str | None = None


@dataclass(frozen=True)
class TranscriptLine:
    index: int
    speaker: str
    text: str
    start: float | None
    segments: list[Segment]


@dataclass(frozen=True)
class BehaviorView:
    behavior_id: str
    title: str
    week: int
    category: str
    applicable: bool
    score: int | None
    level: str
    evidence: list[dict[str, Any]]
    coaching: str


@dataclass(frozen=True)
class Scorecard:
    session: PracticeSession
    agent: User | None
    scenario_title: str
    scenario_id: str | None
    scenario_version: int | None
    latest_version: int | None
    focus: BehaviorView | None
    threshold: int
    others: list[BehaviorView]
    metrics: dict[str, Any]
    transcript: list[TranscriptLine]
    scored: bool
    curriculum_week: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return bool(
            self.focus and self.focus.score is not None and self.focus.score >= self.threshold
        )

    @property
    def not_applicable(self) -> list[BehaviorView]:
        return [b for b in self.others if not b.applicable]

    @property
    def applicable_others(self) -> list[BehaviorView]:
        return [b for b in self.others if b.applicable]


def _behavior_view(behavior_id: str, data: dict[str, Any]) -> BehaviorView:
    week = curriculum.week_of_behavior(behavior_id)
    return BehaviorView(
        behavior_id=behavior_id,
        title=week.title,
        week=week.week,
        category=week.category,
        applicable=bool(data.get("applicable")),
        score=data.get("score"),
        level=str(data.get("level", "n/a")),
        evidence=list(data.get("evidence") or []),
        coaching=str(data.get("coaching") or ""),
    )


def segments_of(text: str, evidence: list[dict[str, Any]]) -> list[Segment]:
    """`text` cut into plain pieces and evidence quotes (first non-overlapping occurrences)."""
    spans: list[tuple[int, int, dict[str, Any]]] = []
    for item in evidence:
        quote = str(item.get("quote") or "")
        if not quote:
            continue
        start = text.find(quote)
        while start != -1 and any(s < start + len(quote) and start < e for s, e, _ in spans):
            start = text.find(quote, start + 1)
        if start != -1:
            spans.append((start, start + len(quote), item))
    spans.sort(key=lambda span: span[0])
    out: list[Segment] = []
    at = 0
    for start, end, item in spans:
        if start > at:
            out.append(Segment(text[at:start]))
        out.append(Segment(text[start:end], str(item.get("effect")), str(item.get("marker"))))
        at = end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


def scorecard(db: Session, session: PracticeSession, report: dict[str, Any] | None) -> Scorecard:
    assert session.id is not None
    version = (
        db.get(ScenarioVersion, session.scenario_version_id)
        if session.scenario_version_id
        else None
    )
    newest = latest_version(db, version.scenario_id) if version else None
    owner = db.get(User, session.user_id)
    team = db.get(Team, session.team_id) if session.team_id else None
    threshold = curriculum.threshold_for(db, team, session.behavior_id)
    behaviors = (report or {}).get("behaviors") or {}
    focus = (
        _behavior_view(session.behavior_id, behaviors[session.behavior_id])
        if session.behavior_id in behaviors
        else None
    )
    others = [
        _behavior_view(behavior_id, behaviors[behavior_id])
        for behavior_id in scorer.BEHAVIORS
        if behavior_id != session.behavior_id and behavior_id in behaviors
    ]
    turns = db.exec(
        select(Turn).where(Turn.session_id == session.id).order_by(col(Turn.index))
    ).all()
    focus_evidence = focus.evidence if focus else []
    lines = [
        TranscriptLine(
            index=turn.index,
            speaker=turn.speaker,
            text=turn.text,
            start=turn.start,
            segments=segments_of(
                turn.text, [e for e in focus_evidence if e.get("turn") == turn.index]
            ),
        )
        for turn in turns
    ]
    title = version.title if version else "(removed scenario)"
    return Scorecard(
        session=session,
        agent=owner,
        scenario_title=title,
        scenario_id=version.scenario_id if version else None,
        scenario_version=version.version if version else None,
        latest_version=newest.version if newest else None,
        focus=focus,
        threshold=threshold,
        others=others,
        metrics=dict((report or {}).get("metrics") or {}),
        transcript=lines,
        scored=report is not None,
        curriculum_week=curriculum.week_of_behavior(session.behavior_id),
    )


def scenario_card(version: ScenarioVersion) -> dict[str, Any]:
    """What the practice page shows about a published scenario."""
    scenario = scenario_of(version)
    return {
        "id": version.scenario_id,
        "version": version.version,
        "title": version.title,
        "type": scenario.type,
        "difficulty": scenario.difficulty,
        "quadrant": scenario.quadrant,
        "customer": scenario.customer.name,
        "behaviors": list(scenario.behaviors),
    }


# --- the history's trend chart -----------------------------------------------------------------

CHART_W = 600
CHART_H = 220
PAD_L, PAD_R, PAD_T, PAD_B = 40, 16, 14, 30


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    attempt: Attempt
    label: str


@dataclass(frozen=True)
class TrendChart:
    """Geometry of one behavior's score-per-attempt chart (an inline SVG in the template)."""

    progress: Progress
    width: int
    height: int
    points: list[ChartPoint]
    path: str
    threshold_y: float
    grid: list[tuple[int, float]]  # (score, y) for the axis labels
    left: int
    right: int


def _y(score: float) -> float:
    return PAD_T + (100 - score) / 100 * (CHART_H - PAD_T - PAD_B)


def trend_chart(progress: Progress) -> TrendChart:
    scored = progress.scored
    inner = CHART_W - PAD_L - PAD_R
    step = inner / max(1, len(scored) - 1)
    points = []
    for i, attempt in enumerate(scored):
        x = PAD_L + (step * i if len(scored) > 1 else inner / 2)
        assert attempt.score is not None
        label = (
            f"Attempt {i + 1}, {attempt.started_at:%d %b %Y}: {attempt.score} "
            f"({'pass' if attempt.passed else 'not yet'}) on {attempt.scenario_title}"
        )
        points.append(ChartPoint(round(x, 1), round(_y(attempt.score), 1), attempt, label))
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    return TrendChart(
        progress=progress,
        width=CHART_W,
        height=CHART_H,
        points=points,
        path=path,
        threshold_y=round(_y(progress.threshold), 1),
        grid=[(s, round(_y(s), 1)) for s in (0, 40, 70, 100)],
        left=PAD_L,
        right=CHART_W - PAD_R,
    )
