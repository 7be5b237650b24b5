"""Reading stored score reports: each attempt's latest report (a rescored attempt keeps every
report; the newest counts), read back as the scorer's own types (`scorer.Report.from_dict`), and
the verdict on each behavior in it with the behavior's curriculum week and title."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

import scorer
from server.models import ScoreRecord
from server.services.curriculum import curriculum, week_of_behavior

Report = Mapping[str, Any]  # a stored report: the JSON of `scorer.Report.to_dict()`


@dataclass(frozen=True)
class Verdict:
    """The scorer's verdict on one behavior of one attempt: the scorer's own `BehaviorResult`,
    read back from the stored report, with the behavior's curriculum week and which layer of the
    scorer decided it."""

    behavior_id: str
    week: int
    title: str
    category: str
    result: scorer.BehaviorResult
    decided_by: str = "markers"  # "judge" when the LLM judge's verified verdict decided it
    judge_skipped: str = ""  # why the judge, when one was asked, did not decide it

    @property
    def applicable(self) -> bool:
        return self.result.applicable

    @property
    def score(self) -> int | None:  # None where the behavior did not apply
        return self.result.score

    @property
    def level(self) -> str:
        return self.result.level

    @property
    def evidence(self) -> tuple[scorer.Evidence, ...]:
        return self.result.evidence

    @property
    def coaching(self) -> str:
        return self.result.coaching


def _verdict(report: scorer.Report, behavior_id: str) -> Verdict | None:
    result = report.behaviors.get(behavior_id)
    if result is None:
        return None
    week = week_of_behavior(behavior_id)
    return Verdict(
        behavior_id=behavior_id,
        week=week.week,
        title=week.title,
        category=week.category,
        result=result,
        decided_by=report.decided_by(behavior_id),
        judge_skipped=report.judge_notes.get(behavior_id, ""),
    )


def result_in(report: Report | None, behavior_id: str) -> Verdict | None:
    """The report's verdict on `behavior_id`; None when there is no report or no such entry."""
    if not report:
        return None
    return _verdict(scorer.Report.from_dict(report), behavior_id)


def results_in(report: Report | None) -> list[Verdict]:
    """Every behavior the report holds, in curriculum order."""
    if not report:
        return []
    parsed = scorer.Report.from_dict(report)
    found = (_verdict(parsed, week.behavior) for week in curriculum().weeks)
    return [verdict for verdict in found if verdict is not None]


def latest_reports(session: Session, session_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Practice session id → its latest score report (sessions never scored are left out)."""
    if not session_ids:
        return {}
    newest = (
        select(func.max(ScoreRecord.id))
        .where(col(ScoreRecord.session_id).in_(session_ids))
        .group_by(col(ScoreRecord.session_id))
    )
    records = session.exec(select(ScoreRecord).where(col(ScoreRecord.id).in_(newest)))
    return {record.session_id: dict(record.report_json) for record in records}


def report_of(session: Session, session_id: int) -> dict[str, Any] | None:
    """The practice session's latest score report, None while it has none."""
    return latest_reports(session, [session_id]).get(session_id)
