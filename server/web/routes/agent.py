"""The agent's pages: this week's practice, the printable card, the scorecard of an attempt (also
seen by the agent's managers and admins), retake, and the history with its trend charts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from server.models import PracticeSession, Role, SessionMode, SessionStatus, User
from server.services import attempts, practice
from server.services.curriculum import WeekPlan, plan_for
from server.services.scenario_store import latest_version, latest_versions
from server.web.deps import AgentDep, DbDep, Forbidden, NotFound, UserDep
from server.web.templating import flash, render

router = APIRouter()


def week_context(db: Session, user: User) -> dict[str, Any]:
    plan: WeekPlan = plan_for(db, user)
    recommended = []
    for scenario_id in plan.week.scenarios:
        version = latest_version(db, scenario_id)
        if version is not None:
            recommended.append(attempts.scenario_card(version))
    chosen = {card["id"] for card in recommended}
    others = [attempts.scenario_card(v) for v in latest_versions(db) if v.scenario_id not in chosen]
    return {
        "plan": plan,
        "week": plan.week,
        "recommended": recommended,
        "others": others,
        "progress": attempts.progress_of(db, user, plan.behavior_id, plan.threshold),
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
    progress = attempts.progress_by_behavior(db, user)
    all_attempts = sorted(
        (a for p in progress for a in p.attempts), key=lambda a: a.started_at, reverse=True
    )
    return render(
        request,
        "agent/history.html",
        {
            "progress": progress,
            "charts": [attempts.trend_chart(p) for p in progress],
            "attempts": all_attempts,
        },
    )


def viewable_attempt(db: Session, session_id: int, viewer: User) -> PracticeSession:
    session = db.get(PracticeSession, session_id)
    if session is None or session.mode is not SessionMode.practice:
        raise NotFound(f"No attempt {session_id}; see your history at /agent/history.")
    if not attempts.can_view(db, viewer, session):
        raise Forbidden("This attempt belongs to an agent outside your teams.")
    return session


@router.get("/attempts/{session_id}")
def scorecard(request: Request, session_id: int, db: DbDep, user: UserDep) -> Response:
    session = viewable_attempt(db, session_id, user)
    if session.status is SessionStatus.active:
        if session.user_id == user.id:
            return RedirectResponse(f"/practice/{session_id}", status_code=303)
        flash(request, "This attempt is still in progress; its scorecard appears when it ends.")
    record = practice.score_record_of(db, session_id)
    card = attempts.scorecard(db, session, record.report_json if record else None)
    return render(
        request,
        "attempts/scorecard.html",
        {
            "card": card,
            "is_owner": session.user_id == user.id,
            "can_label": user.role in (Role.manager, Role.admin) and record is not None,
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
