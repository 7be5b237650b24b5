"""The manager's pages: the team heatmap, an agent's progress and one week's attempts,
curriculum settings, calibration labels, and CSV exports. Every route is for managers (and
admins) and checks that the team, agent or attempt belongs to a team the user manages."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from server.calls.service import transfer_rows
from server.models import PracticeSession, Team, User
from server.services import calibration, curriculum_settings, export, manager_scope
from server.services.attempts import attempts_of
from server.services.curriculum import (
    WEEKS,
    curriculum,
    team_thresholds,
    week_info,
    week_of_behavior,
)
from server.services.dashboard import build_heatmap
from server.services.form_input import FormError
from server.services.progress import progress_by_behavior, progress_on
from server.services.reports import report_of
from server.services.trend_chart import COMPACT, chart_of
from server.web.deps import DbDep, Forbidden, ManagerDep, NotFound, small_int
from server.web.forms import CurriculumFormDep, LabelFormDep, OverrideFormDep, TeamFormDep
from server.web.labels import behavior_label, day
from server.web.templating import flash, render

router = APIRouter(prefix="/manager")


@contextmanager
def scoped() -> Iterator[None]:
    """Turn the scope service's refusals into the 403 and 404 pages."""
    try:
        yield
    except manager_scope.OutOfScope as exc:
        raise Forbidden(str(exc)) from None
    except manager_scope.Missing as exc:
        raise NotFound(str(exc)) from None


def chosen_team(db: Session, user: User, team_id: int | None) -> Team | None:
    """The team a manager's page is about (their own unless they pick another in scope)."""
    with scoped():
        return manager_scope.choose_team(db, user, team_id)


def _no_team(request: Request) -> Response:
    return render(request, "manager/no_team.html", {"title": "No team yet"})


def _base(db: Session, user: User, team: Team) -> dict[str, Any]:
    return {"team": team, "teams": manager_scope.managed_teams(db, user)}


@router.get("")
def heatmap_page(
    request: Request, db: DbDep, user: ManagerDep, team: int | None = None
) -> Response:
    chosen = chosen_team(db, user, team)
    if chosen is None:
        return _no_team(request)
    heatmap = build_heatmap(db, chosen)
    context = {**_base(db, user, chosen), "heatmap": heatmap}
    return render(request, "manager/heatmap.html", context)


@router.get("/agents/{user_id}")
def agent_page(request: Request, user_id: int, db: DbDep, user: ManagerDep) -> Response:
    with scoped():
        agent, team = manager_scope.agent_in_scope(db, user, user_id)
    attempts = attempts_of(db, [agent], team)
    thresholds = team_thresholds(db, team)
    progress = progress_by_behavior(attempts, thresholds)
    context = {
        **_base(db, user, team),
        "agent": agent,
        "charts": [chart_of(p, COMPACT) for p in progress],
        "attempts": attempts[::-1],
        "transfer": transfer_rows(db, agent, thresholds),
    }
    return render(request, "manager/agent.html", context)


@router.get("/agents/{user_id}/weeks/{week}")
def week_page(request: Request, user_id: int, week: int, db: DbDep, user: ManagerDep) -> Response:
    if not 1 <= week <= WEEKS:
        raise NotFound(f"There is no week {week}; the curriculum has weeks 1 to {WEEKS}.")
    with scoped():
        agent, team = manager_scope.agent_in_scope(db, user, user_id)
    info = week_info(week)
    threshold, due = team_thresholds(db, team)[week]
    attempts = attempts_of(db, [agent], team, behavior_id=info.behavior, newest_first=True)
    context = {
        **_base(db, user, team),
        "agent": agent,
        "week": info,
        "due_date": due,
        "attempts": attempts,
        "progress": progress_on(info, threshold, attempts[::-1]),
    }
    return render(request, "manager/week.html", context)


# --- curriculum settings -----------------------------------------------------------------------


def _curriculum_page(
    request: Request,
    db: Session,
    user: User,
    team: Team,
    *,
    settings_form: dict[str, str] | None = None,
    settings_errors: dict[str, str] | None = None,
    override_form: dict[str, str] | None = None,
    override_errors: dict[str, str] | None = None,
) -> Response:
    context = {
        **_base(db, user, team),
        "weeks": curriculum().weeks,
        "form": settings_form or curriculum_settings.settings_form(db, team),
        "errors": settings_errors or {},
        "override_form": override_form or {"target": "team", "starts_on": date.today().isoformat()},
        "override_errors": override_errors or {},
        "agents": manager_scope.team_agents(db, team),
        "overrides": curriculum_settings.overrides_of(db, team),
    }
    status = 400 if settings_errors or override_errors else 200
    return render(request, "manager/curriculum.html", context, status_code=status)


def _posted_team(db: Session, user: User, form: dict[str, str]) -> Team:
    raw = form.get("team_id", "")
    team = chosen_team(db, user, small_int(raw))
    if team is None:
        raise NotFound("You do not manage a team yet; ask an admin to add you to one.")
    return team


@router.get("/curriculum")
def curriculum_page(
    request: Request, db: DbDep, user: ManagerDep, team: int | None = None
) -> Response:
    chosen = chosen_team(db, user, team)
    if chosen is None:
        return _no_team(request)
    return _curriculum_page(request, db, user, chosen)


@router.post("/curriculum")
def save_curriculum(
    request: Request, db: DbDep, user: ManagerDep, posted: CurriculumFormDep
) -> Response:
    form = posted.fields()
    team = _posted_team(db, user, form)
    try:
        curriculum_settings.save_settings(db, team, form)
    except FormError as exc:
        return _curriculum_page(
            request, db, user, team, settings_form=form, settings_errors=exc.errors
        )
    flash(request, f"Saved the curriculum settings of {team.name}.")
    return RedirectResponse(f"/manager/curriculum?team={team.id}", status_code=303)


@router.post("/curriculum/overrides")
def add_override(
    request: Request, db: DbDep, user: ManagerDep, posted: OverrideFormDep
) -> Response:
    form = posted.fields()
    team = _posted_team(db, user, form)
    try:
        override = curriculum_settings.add_override(db, team, form, created_by=user)
    except FormError as exc:
        return _curriculum_page(
            request, db, user, team, override_form=form, override_errors=exc.errors
        )
    week = week_of_behavior(override.behavior_id)
    flash(
        request, f"Override added: week {week.week}, {week.title}, from {day(override.starts_on)}."
    )
    return RedirectResponse(f"/manager/curriculum?team={team.id}#overrides", status_code=303)


@router.post("/curriculum/overrides/{override_id}/remove")
def remove_override(
    request: Request, override_id: int, db: DbDep, user: ManagerDep, posted: TeamFormDep
) -> Response:
    team = _posted_team(db, user, posted.fields())
    with scoped():
        curriculum_settings.remove_override(db, team, override_id)
    flash(request, "Override removed.")
    return RedirectResponse(f"/manager/curriculum?team={team.id}#overrides", status_code=303)


# --- calibration -------------------------------------------------------------------------------


def _attempt(db: Session, user: User, attempt_id: int) -> tuple[PracticeSession, User, Team]:
    with scoped():
        attempt = manager_scope.attempt_in_scope(db, user, attempt_id)
        agent, team = manager_scope.agent_in_scope(db, user, attempt.user_id)
    return attempt, agent, team


def _label_page(
    request: Request,
    db: Session,
    user: User,
    attempt_id: int,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    attempt, agent, team = _attempt(db, user, attempt_id)
    report = report_of(db, attempt.id or 0)
    verdicts = calibration.verdicts_of(attempt, report or {})
    context = {
        **_base(db, user, team),
        "attempt": attempt,
        "agent": agent,
        "week": week_of_behavior(attempt.behavior_id),
        "scored": report is not None,
        "verdicts": verdicts,
        "levels": calibration.LEVEL_CHOICES,
        "labels": calibration.labels_for(db, [agent.id or 0], session_id=attempt.id),
        "form": form or {"behavior": attempt.behavior_id},
        "errors": errors or {},
    }
    return render(request, "manager/label.html", context, status_code=400 if errors else 200)


@router.get("/attempts/{attempt_id}/label")
def label_page(request: Request, attempt_id: int, db: DbDep, user: ManagerDep) -> Response:
    return _label_page(request, db, user, attempt_id)


@router.post("/attempts/{attempt_id}/label")
def save_label(
    request: Request, attempt_id: int, db: DbDep, user: ManagerDep, posted: LabelFormDep
) -> Response:
    form = posted.fields()
    attempt, _, _ = _attempt(db, user, attempt_id)
    try:
        label = calibration.add_label(db, attempt, form, labeled_by=user)
    except FormError as exc:
        return _label_page(request, db, user, attempt_id, form=form, errors=exc.errors)
    flash(
        request,
        f"Label saved: you said {label.level}, the scorer said {label.scorer_level} "
        f"on {behavior_label(label.behavior_id)}.",
    )
    return RedirectResponse(f"/manager/attempts/{attempt_id}/label#labels", status_code=303)


def _team_labels(db: Session, team: Team) -> list[calibration.LabelView]:
    ids = [agent.id for agent in manager_scope.team_agents(db, team) if agent.id is not None]
    return calibration.labels_for(db, ids)


@router.get("/calibration")
def calibration_page(
    request: Request, db: DbDep, user: ManagerDep, team: int | None = None
) -> Response:
    chosen = chosen_team(db, user, team)
    if chosen is None:
        return _no_team(request)
    labels = _team_labels(db, chosen)
    ids = [agent.id for agent in manager_scope.team_agents(db, chosen) if agent.id is not None]
    pairs = calibration.stored_pairs(db, agent_ids=ids)
    context = {
        **_base(db, user, chosen),
        "labels": labels,
        "agreement": calibration.agreement(labels),
        "label_pairs": pairs,
        "kappa": calibration.kappa_rows(pairs),
        "drift": calibration.drift(pairs),
    }
    return render(request, "manager/calibration.html", context)


# --- CSV exports -------------------------------------------------------------------------------


def _csv(kind: str, team: Team, header: Sequence[str], rows: list[list[object]]) -> Response:
    filename = export.export_filename(kind, team)
    return Response(
        content=export.to_csv(header, rows).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _export_team(db: Session, user: User, team_id: int | None) -> Team:
    team = chosen_team(db, user, team_id)
    if team is None:
        raise NotFound("You do not manage a team yet, so there is nothing to export.")
    return team


@router.get("/export.csv")
def export_attempts(
    request: Request, db: DbDep, user: ManagerDep, team: int | None = None
) -> Response:
    chosen = _export_team(db, user, team)
    rows = export.attempt_rows(db, chosen, str(request.base_url))
    return _csv("attempts", chosen, export.ATTEMPT_COLUMNS, rows)


@router.get("/calibration.csv")
def export_labels(
    request: Request, db: DbDep, user: ManagerDep, team: int | None = None
) -> Response:
    chosen = _export_team(db, user, team)
    rows = export.label_rows(_team_labels(db, chosen), str(request.base_url))
    return _csv("calibration", chosen, export.LABEL_COLUMNS, rows)
