"""A team's curriculum settings as a manager edits them: the start date, each week's pass
threshold and due date, and overrides of the week's behavior for the team or one agent.

Forms come in as plain strings; validation collects every problem (keyed by form field, each
message naming the field and what to enter) and saves nothing unless all of it is valid, so the
page can show the errors next to the manager's own input."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from server.models import Assignment, Team, TeamWeekSetting, User
from server.services.curriculum import curriculum, team_thresholds, week_of_behavior
from server.services.form_input import FormError, parse_date, parse_percent
from server.services.manager_scope import Missing, team_agents


def settings_form(session: Session, team: Team) -> dict[str, str]:
    """The current settings as form values: `start`, `threshold_N` and `due_N` for weeks 1–10."""
    form = {"start": team.curriculum_start.isoformat() if team.curriculum_start else ""}
    for week, (threshold, due) in team_thresholds(session, team).items():
        form[f"threshold_{week}"] = str(threshold)
        form[f"due_{week}"] = due.isoformat() if due else ""
    return form


def save_settings(session: Session, team: Team, form: Mapping[str, str]) -> None:
    """Validate and store the start date and the ten weeks' thresholds and due dates; a blank
    threshold means the curriculum's default. Raises FormError and changes nothing when any
    field is invalid."""
    errors: dict[str, str] = {}
    start = parse_date(form.get("start", ""), "Curriculum start date", "start", errors)
    parsed: dict[int, tuple[int | None, date | None]] = {}
    for week in curriculum().weeks:
        n = week.week
        threshold = parse_percent(
            form.get(f"threshold_{n}", ""), f"Week {n} pass threshold", f"threshold_{n}", errors
        )
        due = parse_date(form.get(f"due_{n}", ""), f"Week {n} due date", f"due_{n}", errors)
        if due is not None and start is not None and due < start:
            errors[f"due_{n}"] = (
                f"Week {n} due date: {due.isoformat()} is before the curriculum starts "
                f"({start.isoformat()}); pick a later date or leave it blank."
            )
        parsed[n] = (threshold, due)
    if errors:
        raise FormError(errors)
    team.curriculum_start = start
    session.add(team)
    stored = {
        s.week: s
        for s in session.exec(select(TeamWeekSetting).where(TeamWeekSetting.team_id == team.id))
    }
    for week in curriculum().weeks:
        threshold, due = parsed[week.week]
        setting = stored.get(week.week)
        if threshold in (None, week.pass_threshold) and due is None:
            if setting is not None:
                session.delete(setting)
            continue
        assert team.id is not None
        setting = setting or TeamWeekSetting(team_id=team.id, week=week.week)
        setting.pass_threshold = week.pass_threshold if threshold is None else threshold
        setting.due_date = due
        session.add(setting)
    session.flush()


@dataclass(frozen=True)
class OverrideView:
    id: int
    target: str  # "Whole team" or the agent's name
    user_id: int | None
    behavior_id: str
    week: int
    title: str
    starts_on: date
    due_date: date | None
    status: str  # "in force", "scheduled" or "replaced"


def add_override(
    session: Session,
    team: Team,
    form: Mapping[str, str],
    *,
    created_by: User,
    today: date | None = None,
) -> Assignment:
    """Create an override from form fields `target` ("team" or an agent's id), `behavior`,
    `starts_on` (blank: today) and `due_date` (optional). Raises FormError."""
    today = today or date.today()
    errors: dict[str, str] = {}
    target = form.get("target", "team").strip() or "team"
    user_id: int | None = None
    if target != "team":
        agent_ids = {agent.id for agent in team_agents(session, team)}
        if not (target.isascii() and target.isdigit() and len(target) <= 18) or (
            int(target) not in agent_ids
        ):
            errors["target"] = (
                f"Applies to: {target!r} is not an agent of {team.name}; pick the whole team "
                "or one of its agents."
            )
        else:
            user_id = int(target)
    behavior = form.get("behavior", "").strip()
    if behavior not in {week.behavior for week in curriculum().weeks}:
        errors["behavior"] = f"Behavior: {behavior!r} is not a curriculum behavior; pick one."
    starts_on = parse_date(form.get("starts_on", ""), "Starts on", "starts_on", errors) or today
    due = parse_date(form.get("due_date", ""), "Due date", "due_date", errors)
    if due is not None and "starts_on" not in errors and due < starts_on:
        errors["due_date"] = (
            f"Due date: {due.isoformat()} is before the override starts "
            f"({starts_on.isoformat()}); pick a later date or leave it blank."
        )
    if errors:
        raise FormError(errors)
    assert team.id is not None
    override = Assignment(
        team_id=team.id,
        user_id=user_id,
        behavior_id=behavior,
        starts_on=starts_on,
        due_date=due,
        created_by=created_by.id,
    )
    session.add(override)
    session.flush()
    return override


def overrides_of(session: Session, team: Team, today: date | None = None) -> list[OverrideView]:
    """The team's overrides, newest start first, each marked in force (the latest started one
    for its target), scheduled (starts later) or replaced (a later one took over)."""
    today = today or date.today()
    names = {agent.id: agent.name for agent in team_agents(session, team)}
    overrides = list(
        session.exec(
            select(Assignment)
            .where(Assignment.team_id == team.id)
            .order_by(col(Assignment.starts_on).desc(), col(Assignment.id).desc())
        )
    )
    in_force: set[int | None] = set()
    out = []
    for override in overrides:
        assert override.id is not None
        if override.starts_on > today:
            status = "scheduled"
        elif override.user_id in in_force:
            status = "replaced"
        else:
            status = "in force"
            in_force.add(override.user_id)
        week = week_of_behavior(override.behavior_id)
        out.append(
            OverrideView(
                id=override.id,
                target="Whole team"
                if override.user_id is None
                else names.get(override.user_id, f"user {override.user_id} (left the team)"),
                user_id=override.user_id,
                behavior_id=override.behavior_id,
                week=week.week,
                title=week.title,
                starts_on=override.starts_on,
                due_date=override.due_date,
                status=status,
            )
        )
    return out


def remove_override(session: Session, team: Team, override_id: int) -> Assignment:
    override = session.get(Assignment, override_id)
    if override is None or override.team_id != team.id:
        raise Missing(f"Team {team.name} has no override with id {override_id}; reload the page.")
    session.delete(override)
    session.flush()
    return override
