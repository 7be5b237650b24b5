"""Which behavior an agent practises this week, with its threshold and due date.

The calendar gives the week (one week per curriculum week from the team's start date); a
manager's override for the team, or for one agent, replaces the calendar's behavior from its
start date on. Thresholds and due dates come from the team's week settings, else the
curriculum's defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlmodel import Session, select

from server.models import Assignment, Team, TeamMember, TeamWeekSetting, User
from server.paths import SCENARIOS_DIR
from server.scenario import Curriculum, Week, load_curriculum

WEEKS = 10


@lru_cache(maxsize=1)
def curriculum() -> Curriculum:
    return load_curriculum(SCENARIOS_DIR / "curriculum.yaml")


def week_info(week_number: int) -> Week:
    return curriculum().weeks[week_number - 1]


def week_of_behavior(behavior_id: str) -> Week:
    return curriculum().week_for(behavior_id)


def calendar_week(team: Team | None, today: date) -> int:
    """1–10: the curriculum week on `today` (week 1 before or without a start date)."""
    if team is None or team.curriculum_start is None or today < team.curriculum_start:
        return 1
    return min(WEEKS, (today - team.curriculum_start).days // 7 + 1)


@dataclass(frozen=True)
class WeekPlan:
    week: Week  # the behavior's curriculum entry (number, title, scripts, scenarios)
    calendar_week: int
    threshold: int
    due_date: date | None
    source: str  # "calendar", "team override" or "agent override"
    team: Team | None

    @property
    def behavior_id(self) -> str:
        return self.week.behavior


def team_of(session: Session, user: User) -> Team | None:
    """The agent's team (the first one, when several)."""
    return session.exec(
        select(Team).join(TeamMember).where(TeamMember.user_id == user.id).order_by(Team.id)
    ).first()


def week_setting(session: Session, team: Team | None, week: int) -> TeamWeekSetting | None:
    if team is None:
        return None
    return session.exec(
        select(TeamWeekSetting).where(
            TeamWeekSetting.team_id == team.id, TeamWeekSetting.week == week
        )
    ).first()


def threshold_for(session: Session, team: Team | None, behavior_id: str) -> int:
    week = week_of_behavior(behavior_id)
    setting = week_setting(session, team, week.week)
    return setting.pass_threshold if setting else week.pass_threshold


def active_override(
    session: Session, team: Team, user: User | None, today: date
) -> Assignment | None:
    query = select(Assignment).where(Assignment.team_id == team.id, Assignment.starts_on <= today)
    query = (
        query.where(Assignment.user_id == user.id)
        if user
        else query.where(
            Assignment.user_id == None  # noqa: E711
        )
    )
    return session.exec(
        query.order_by(Assignment.starts_on.desc(), Assignment.id.desc())  # type: ignore[attr-defined]
    ).first()


def plan_for(session: Session, user: User, today: date | None = None) -> WeekPlan:
    today = today or date.today()
    team = team_of(session, user)
    number = calendar_week(team, today)
    week = week_info(number)
    source = "calendar"
    due = None
    if team is not None:
        setting = week_setting(session, team, number)
        due = setting.due_date if setting else None
        override = active_override(session, team, user, today)
        kind = "agent override"
        if override is None:
            override = active_override(session, team, None, today)
            kind = "team override"
        if override is not None:
            week = week_of_behavior(override.behavior_id)
            source = kind
            due = override.due_date or (
                s.due_date if (s := week_setting(session, team, week.week)) else None
            )
    return WeekPlan(
        week=week,
        calendar_week=number,
        threshold=threshold_for(session, team, week.behavior),
        due_date=due,
        source=source,
        team=team,
    )
