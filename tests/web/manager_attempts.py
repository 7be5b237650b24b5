"""Practice attempts for the manager tests, made the way the app makes them: the practice
service starts a session, the scripted customer answers each line, and finishing scores it."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlmodel import Session, select

from server.accounts import add_member, create_user, get_or_create_team, get_user_by_email
from server.models import BehaviorScore, PracticeSession, Role, Team, User
from server.services import practice

LISTENING_LINES = (
    "So you were charged twice, is that right? What happened right before?",
    "I understand. I will refund it by Friday and call you at 3pm.",
    "To sum up: the charge was a duplicate, I refunded it today, expect it by Friday.",
)
CURT_LINES = ("ok", "fine")


def user(db: Session, email: str) -> User:
    found = get_user_by_email(db, email)
    assert found is not None, email
    return found


def practise(
    db: Session,
    email: str,
    *,
    scenario_id: str = "calm_banking_fraud_alert",
    lines: tuple[str, ...] = LISTENING_LINES,
    behavior_id: str | None = None,
    today: date | None = None,
) -> PracticeSession:
    """One finished, scored practice attempt; committed."""
    session = practice.start_practice(
        db, user(db, email), scenario_id=scenario_id, behavior_id=behavior_id, today=today, seed=3
    )
    db.commit()
    live = practice.open_live(db, session)
    for line in lines:
        if live.ended:
            break
        asyncio.run(practice.say_and_collect(db, live, line))
    practice.finish(db, live)
    db.commit()
    return session


def target_score(db: Session, attempt: PracticeSession) -> int | None:
    """The attempt's stored score on the behavior it practised."""
    return db.exec(
        select(BehaviorScore.score).where(
            BehaviorScore.session_id == attempt.id,
            BehaviorScore.behavior_id == attempt.behavior_id,
        )
    ).one()


def other_team(db: Session, password: str) -> tuple[Team, User, User]:
    """A second team with its own manager and agent."""
    team = get_or_create_team(db, name="Night shift")
    boss = create_user(
        db, email="night.manager@demo.local", password=password, role=Role.manager, name="Nia"
    )
    agent = create_user(
        db, email="night.agent@demo.local", password=password, role=Role.agent, name="Noor"
    )
    add_member(db, team=team, user=boss)
    add_member(db, team=team, user=agent)
    db.commit()
    return team, boss, agent
