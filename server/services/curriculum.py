"""Which behavior an agent practises this week, with its threshold and due date.

The calendar gives the week (one week per curriculum week from the team's start date); a
manager's override for the team, or for one agent, replaces the calendar's behavior from its
start date on. Thresholds and due dates come from the team's week settings, else the
curriculum's defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from sqlmodel import Session, col, select

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
        select(Team).join(TeamMember).where(TeamMember.user_id == user.id).order_by(col(Team.id))
    ).first()


class WeekTerms(NamedTuple):
    """A team's terms for one curriculum week."""

    threshold: int
    due_date: date | None


def team_thresholds(session: Session, team: Team | None) -> dict[int, WeekTerms]:
    """Week number → pass threshold and due date: the team's settings over the curriculum's
    defaults (the defaults alone without a team). One query."""
    out = {week.week: WeekTerms(week.pass_threshold, None) for week in curriculum().weeks}
    if team is None:
        return out
    for setting in session.exec(select(TeamWeekSetting).where(TeamWeekSetting.team_id == team.id)):
        out[setting.week] = WeekTerms(setting.pass_threshold, setting.due_date)
    return out


def active_override(
    session: Session, team: Team, user: User | None, today: date
) -> Assignment | None:
    """The latest override for `user` (for the whole team when None) started by `today`."""
    who = col(Assignment.user_id)
    query = select(Assignment).where(
        Assignment.team_id == team.id,
        Assignment.starts_on <= today,
        who == user.id if user else who.is_(None),
    )
    return session.exec(
        query.order_by(col(Assignment.starts_on).desc(), col(Assignment.id).desc())
    ).first()


def current_override(
    session: Session, team: Team, user: User, today: date
) -> tuple[Assignment, str] | None:
    """The agent's latest override on `today`, else the team's, with its source."""
    for target, source in ((user, "agent override"), (None, "team override")):
        override = active_override(session, team, target, today)
        if override is not None:
            return override, source
    return None


def plan_for(session: Session, user: User, today: date | None = None) -> WeekPlan:
    today = today or date.today()
    team = team_of(session, user)
    number = calendar_week(team, today)
    terms = team_thresholds(session, team)
    found = current_override(session, team, user, today) if team is not None else None
    if found is None:
        week, source, due = week_info(number), "calendar", terms[number].due_date
    else:
        override, source = found
        week = week_of_behavior(override.behavior_id)
        due = override.due_date or terms[week.week].due_date
    return WeekPlan(
        week=week,
        calendar_week=number,
        threshold=terms[week.week].threshold,
        due_date=due,
        source=source,
        team=team,
    )
