"""Practice attempts, for one agent or several: each with its scenario, its latest score report
and the score, level and evidence of the behavior it practised, judged against the threshold
stored when it was scored (or, for an attempt not scored yet, the team's current threshold for
that behavior's week); and who may see an attempt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

import scorer
from server.accounts import user_team_ids
from server.models import (
    PracticeSession,
    Role,
    ScenarioVersion,
    SessionMode,
    SessionStatus,
    Team,
    User,
)
from server.services.curriculum import WeekTerms, team_thresholds, week_of_behavior
from server.services.reports import Verdict, latest_reports, result_in


@dataclass(frozen=True)
class Attempt:
    """One practice session (mode practice), in progress or ended, scored or not."""

    session_id: int
    user_id: int
    behavior_id: str  # the behavior it practised
    week: int  # that behavior's curriculum week
    status: SessionStatus
    channel: str
    started_at: datetime
    ended_at: datetime | None
    outcome: str | None
    scenario_id: str
    scenario_title: str
    scenario_version: int | None
    threshold: int  # the pass threshold it was judged against (the team's for `week`, when scored)
    report: dict[str, Any] | None = field(repr=False)  # the latest score report
    result: Verdict | None = field(repr=False)  # the report's verdict on `behavior_id`

    @property
    def ended(self) -> bool:
        return self.status is SessionStatus.ended

    @property
    def scored(self) -> bool:
        return self.report is not None

    @property
    def score(self) -> int | None:
        return self.result.score if self.result else None

    @property
    def level(self) -> str:
        if self.result is not None:
            return self.result.level
        return "n/a" if self.scored else "not scored"

    @property
    def evidence(self) -> tuple[scorer.Evidence, ...]:
        return self.result.evidence if self.result else ()

    @property
    def coaching(self) -> str:
        return self.result.coaching if self.result else ""

    @property
    def passed(self) -> bool:
        return self.score is not None and self.score >= self.threshold

    def result_on(self, behavior_id: str) -> Verdict | None:
        """The scorer's verdict on any behavior in this attempt's report."""
        if behavior_id == self.behavior_id:
            return self.result
        return result_in(self.report, behavior_id)


def _attempts_query(
    agent_ids: list[int], behavior_id: str | None, newest_first: bool
) -> Select[PracticeSession, ScenarioVersion]:
    started, ident = col(PracticeSession.started_at), col(PracticeSession.id)
    query = (
        select(PracticeSession, ScenarioVersion)
        .join(
            ScenarioVersion,
            col(ScenarioVersion.id) == col(PracticeSession.scenario_version_id),
            isouter=True,
        )
        .where(
            col(PracticeSession.user_id).in_(agent_ids),
            PracticeSession.mode == SessionMode.practice,
        )
        .order_by(*((started.desc(), ident.desc()) if newest_first else (started, ident)))
    )
    if behavior_id is not None:
        query = query.where(PracticeSession.behavior_id == behavior_id)
    return query


def _attempt(
    practice: PracticeSession,
    version: ScenarioVersion | None,
    report: dict[str, Any] | None,
    terms: dict[int, WeekTerms],
) -> Attempt:
    assert practice.id is not None
    week = week_of_behavior(practice.behavior_id).week
    return Attempt(
        session_id=practice.id,
        user_id=practice.user_id,
        behavior_id=practice.behavior_id,
        week=week,
        status=practice.status,
        channel=practice.channel,
        started_at=practice.started_at,
        ended_at=practice.ended_at,
        outcome=practice.outcome,
        scenario_id=version.scenario_id if version else "(removed)",
        scenario_title=version.title if version else "(removed scenario)",
        scenario_version=version.version if version else None,
        threshold=(
            practice.pass_threshold
            if practice.pass_threshold is not None
            else terms[week].threshold
        ),
        report=report,
        result=result_in(report, practice.behavior_id),
    )


def attempts_of(
    session: Session,
    agents: Sequence[User],
    team: Team | None,
    *,
    behavior_id: str | None = None,
    newest_first: bool = False,
) -> list[Attempt]:
    """The practice attempts of `agents`, oldest first (or newest first), optionally only those
    that practised `behavior_id`, judged against `team`'s thresholds. Three queries."""
    ids = [agent.id for agent in agents if agent.id is not None]
    if not ids:
        return []
    rows = list(session.exec(_attempts_query(ids, behavior_id, newest_first)))
    reports = latest_reports(session, [practice.id for practice, _ in rows if practice.id])
    terms = team_thresholds(session, team)
    return [
        _attempt(practice, version, reports.get(practice.id or 0), terms)
        for practice, version in rows
    ]


def can_view(session: Session, viewer: User, attempt: PracticeSession) -> bool:
    """The owner, admins, and managers of one of the agent's teams may see an attempt."""
    if viewer.id == attempt.user_id or viewer.role is Role.admin:
        return True
    if viewer.role is not Role.manager:
        return False
    owner = session.get(User, attempt.user_id)
    agent_teams = set(user_team_ids(session, owner)) if owner else set()
    if attempt.team_id is not None:
        agent_teams.add(attempt.team_id)
    return bool(agent_teams & set(user_team_ids(session, viewer)))
