"""The manager's heatmap: a team's agents × the ten curriculum weeks.

A cell holds the agent's best score on that week's behavior over their scored practice attempts
that targeted it, whether that best meets the team's threshold for the week, and how many scored
attempts there were; next to it, the mean score of the agent's real calls of that curriculum week
on the same behavior (the practice → floor transfer). The whole grid comes from five queries
(agents, thresholds, overrides, two grouped aggregates), whatever the size of the team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy import case, distinct, func
from sqlmodel import Session, col, select

from server.calls.service import FloorStat, floor_stats
from server.models import (
    Assignment,
    BehaviorScore,
    PracticeSession,
    SessionMode,
    Team,
    User,
)
from server.services.curriculum import (
    WEEKS,
    calendar_week,
    curriculum,
    team_thresholds,
    week_of_behavior,
)
from server.services.manager_scope import team_agents

CellStatus = Literal["pass", "not yet", "none"]


@dataclass(frozen=True)
class WeekColumn:
    number: int
    behavior: str
    category: str
    title: str
    threshold: int
    due_date: date | None
    is_current: bool
    passed: int  # agents whose best meets the threshold
    attempted: int  # agents with at least one scored attempt


@dataclass(frozen=True)
class Cell:
    week: int
    best: int | None  # None: no attempt, or no attempt where the behavior applied
    attempts: int
    passed: bool
    last_attempt_at: datetime | None
    assigned: bool  # the agent's current week (calendar or override)
    floor: int | None = None  # mean real-call score on the week's behavior (None: no call)
    floor_calls: int = 0  # scored real calls in that curriculum week

    @property
    def status(self) -> CellStatus:
        if self.attempts == 0:
            return "none"
        return "pass" if self.passed else "not yet"


@dataclass(frozen=True)
class AgentRow:
    agent_id: int
    name: str
    email: str
    cells: list[Cell]
    assigned_week: int
    assignment_source: str  # "calendar", "team override" or "agent override"

    @property
    def assigned_cell(self) -> Cell:
        return self.cells[self.assigned_week - 1]


@dataclass(frozen=True)
class Heatmap:
    team: Team
    today: date
    current_week: int
    columns: list[WeekColumn]
    rows: list[AgentRow]

    @property
    def passed_now(self) -> int:
        """Agents who passed the behavior they are assigned this week."""
        return sum(1 for row in self.rows if row.assigned_cell.passed)

    @property
    def attempted_now(self) -> int:
        return sum(1 for row in self.rows if row.assigned_cell.attempts > 0)


@dataclass(frozen=True)
class CellStats:
    best: int | None
    attempts: int
    last_attempt_at: datetime | None
    passed_when_judged: bool = False  # an attempt met the threshold stored when it was scored
    best_unjudged: int | None = None  # best over attempts scored before thresholds were stored

    def passed(self, current_threshold: int) -> bool:
        """A threshold change does not rewrite past results: an attempt passes against the
        threshold it was judged against; older attempts against the current one."""
        return self.passed_when_judged or (
            self.best_unjudged is not None and self.best_unjudged >= current_threshold
        )


def assigned_weeks(
    session: Session, team: Team, agent_ids: list[int], today: date
) -> dict[int, tuple[int, str]]:
    """Agent id → (week number of the behavior they practise on `today`, source), in one query;
    the same rule as `curriculum.plan_for`: the agent's latest override, else the team's latest,
    else the calendar."""
    calendar = calendar_week(team, today)
    overrides = session.exec(
        select(Assignment)
        .where(Assignment.team_id == team.id, Assignment.starts_on <= today)
        .order_by(col(Assignment.starts_on), col(Assignment.id))
    )
    latest: dict[int | None, Assignment] = {}
    for override in overrides:  # ascending, so the last one wins
        latest[override.user_id] = override
    team_wide = latest.get(None)
    out: dict[int, tuple[int, str]] = {}
    for agent_id in agent_ids:
        if (mine := latest.get(agent_id)) is not None:
            out[agent_id] = (week_of_behavior(mine.behavior_id).week, "agent override")
        elif team_wide is not None:
            out[agent_id] = (week_of_behavior(team_wide.behavior_id).week, "team override")
        else:
            out[agent_id] = (calendar, "calendar")
    return out


def cell_stats(session: Session, agent_ids: list[int]) -> dict[tuple[int, str], CellStats]:
    """(agent id, behavior id) → best score, scored attempts and the latest attempt's start, over
    the practice sessions that targeted the behavior; one grouped query."""
    if not agent_ids:
        return {}
    query = (
        select(  # type: ignore[call-overload]
            PracticeSession.user_id,
            PracticeSession.behavior_id,
            func.max(BehaviorScore.score),
            func.count(distinct(col(PracticeSession.id))),
            func.max(PracticeSession.started_at),
            func.max(case((col(BehaviorScore.score) >= col(PracticeSession.pass_threshold), 1))),
            func.max(case((col(PracticeSession.pass_threshold).is_(None), BehaviorScore.score))),
        )
        .join(BehaviorScore, col(BehaviorScore.session_id) == col(PracticeSession.id))
        .where(
            col(PracticeSession.user_id).in_(agent_ids),
            PracticeSession.mode == SessionMode.practice,
            col(BehaviorScore.behavior_id) == col(PracticeSession.behavior_id),
        )
        .group_by(col(PracticeSession.user_id), col(PracticeSession.behavior_id))
    )
    return {
        (user_id, behavior): CellStats(best, attempts, last, bool(passed), best_unjudged)
        for user_id, behavior, best, attempts, last, passed, best_unjudged in session.exec(query)
    }


def build_heatmap(session: Session, team: Team, today: date | None = None) -> Heatmap:
    today = today or date.today()
    # deactivated agents keep their history (exports) but are not on the team's heatmap or count
    agents: list[User] = [agent for agent in team_agents(session, team) if agent.is_active]
    ids = [agent.id for agent in agents if agent.id is not None]
    thresholds = team_thresholds(session, team)
    assigned = assigned_weeks(session, team, ids, today)
    stats = cell_stats(session, ids)
    floor = floor_stats(session, ids)
    weeks = curriculum().weeks
    rows = []
    for agent in agents:
        assert agent.id is not None
        assigned_week, source = assigned[agent.id]
        cells = []
        for week in weeks:
            found = stats.get((agent.id, week.behavior), CellStats(None, 0, None))
            threshold = thresholds[week.week].threshold
            on_calls = floor.get((agent.id, week.week), FloorStat(None, 0))
            cells.append(
                Cell(
                    week=week.week,
                    best=found.best,
                    attempts=found.attempts,
                    passed=found.passed(threshold),
                    last_attempt_at=found.last_attempt_at,
                    assigned=week.week == assigned_week,
                    floor=on_calls.mean,
                    floor_calls=on_calls.calls,
                )
            )
        rows.append(AgentRow(agent.id, agent.name, agent.email, cells, assigned_week, source))
    current = calendar_week(team, today)
    columns = [
        WeekColumn(
            number=week.week,
            behavior=week.behavior,
            category=week.category,
            title=week.title,
            threshold=thresholds[week.week].threshold,
            due_date=thresholds[week.week].due_date,
            is_current=week.week == current,
            passed=sum(1 for row in rows if row.cells[week.week - 1].passed),
            attempted=sum(1 for row in rows if row.cells[week.week - 1].attempts > 0),
        )
        for week in weeks
    ]
    assert len(columns) == WEEKS
    return Heatmap(team=team, today=today, current_week=current, columns=columns, rows=rows)
