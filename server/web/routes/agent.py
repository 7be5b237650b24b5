"""The agent's pages: this week's practice, the printable card, the scorecard of an attempt (also
seen by the agent's managers and admins), retake, and the history with its trend charts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from server.models import PracticeSession, Role, SessionMode, SessionStatus, User
from server.services import practice
from server.services.attempts import attempts_of, can_view
from server.services.curriculum import WeekPlan, plan_for, team_of, team_thresholds
from server.services.progress import progress_by_behavior, progress_on
from server.services.reports import report_of
from server.services.scenario_store import latest_version, latest_versions, scenario_card
from server.services.scorecard import scorecard as scorecard_of
from server.services.trend_chart import WIDE, chart_of
from server.web.deps import AgentDep, DbDep, Forbidden, NotFound, UserDep
from server.web.templating import flash, render

router = APIRouter()


def week_context(db: Session, user: User) -> dict[str, Any]:
    plan: WeekPlan = plan_for(db, user)
    recommended = []
    for scenario_id in plan.week.scenarios:
        version = latest_version(db, scenario_id)
        if version is not None:
            recommended.append(scenario_card(version))
    chosen = {card["id"] for card in recommended}
    others = [scenario_card(v) for v in latest_versions(db) if v.scenario_id not in chosen]
    practised = attempts_of(db, [user], plan.team, behavior_id=plan.behavior_id)
    return {
        "plan": plan,
        "week": plan.week,
        "recommended": recommended,
        "others": others,
        "progress": progress_on(plan.week, plan.threshold, practised),
    }


@router.get("/agent")
def home(request: Request, db: DbDep, user: AgentDep) -> Response:
    return render(request, "agent/home.html", week_context(db, user))


@router.get("/agent/card")
def card(request: Request, db: DbDep, user: AgentDep) -> Response:
    plan = plan_for(db, user)
    return render(request, "agent/card.html", {"plan": plan, "week": plan.week})


@router.get("/agent/history")
def history(request: Request, db: DbDep, user: AgentDep) -> Response:
    team = team_of(db, user)
    mine = attempts_of(db, [user], team)
    progress = [p for p in progress_by_behavior(mine, team_thresholds(db, team)) if p.attempts]
    context = {
        "progress": progress,
        "charts": [chart_of(p, WIDE) for p in progress],
        "attempts": [a for a in reversed(mine) if a.ended],
    }
    return render(request, "agent/history.html", context)


def viewable_attempt(db: Session, session_id: int, viewer: User) -> PracticeSession:
    session = db.get(PracticeSession, session_id)
    if session is None or session.mode is not SessionMode.practice:
        raise NotFound(f"No attempt {session_id}; see your history at /agent/history.")
    if not can_view(db, viewer, session):
        raise Forbidden("This attempt belongs to an agent outside your teams.")
    return session


@router.get("/attempts/{session_id}")
def scorecard(request: Request, session_id: int, db: DbDep, user: UserDep) -> Response:
    session = viewable_attempt(db, session_id, user)
    if session.status is SessionStatus.active:
        if session.user_id == user.id:
            return RedirectResponse(f"/practice/{session_id}", status_code=303)
        flash(request, "This attempt is still in progress; its scorecard appears when it ends.")
    report = report_of(db, session_id)
    card = scorecard_of(db, session, report)
    return render(
        request,
        "attempts/scorecard.html",
        {
            "card": card,
            "is_owner": session.user_id == user.id,
            "can_label": user.role in (Role.manager, Role.admin) and report is not None,
        },
    )


@router.post("/attempts/{session_id}/retake")
def retake(request: Request, session_id: int, db: DbDep, user: AgentDep) -> Response:
    session = viewable_attempt(db, session_id, user)
    if session.user_id != user.id:
        raise Forbidden("Only the agent who made this attempt can retake it.")
    try:
        new = practice.retake(db, user, session)
    except practice.PracticeError as exc:
        flash(request, f"Retake not started: {exc}.", "error")
        return RedirectResponse(f"/attempts/{session_id}", status_code=303)
    return RedirectResponse(f"/practice/{new.id}", status_code=303)
