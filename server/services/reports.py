"""Reading stored score reports: each attempt's latest report (a rescored attempt keeps every
report; the newest counts), and the scorer's verdict on each behavior in a report — score,
level, evidence and coaching — with the behavior's curriculum week and title."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from server.models import ScoreRecord
from server.services.curriculum import curriculum, week_of_behavior

Report = Mapping[str, Any]


@dataclass(frozen=True)
class BehaviorResult:
    """The scorer's verdict on one behavior of one attempt."""

    behavior_id: str
    week: int
    title: str
    category: str
    applicable: bool
    score: int | None  # None where the behavior did not apply
    level: str
    evidence: list[dict[str, Any]]  # turn, time, quote, marker, effect (docs/formats.md)
    coaching: str
    decided_by: str = "markers"  # "judge" when the LLM judge's verified verdict decided it
    judge_skipped: str = ""  # why the judge, when one was asked, did not decide it


def result_in(report: Report | None, behavior_id: str) -> BehaviorResult | None:
    """The report's verdict on `behavior_id`; None when there is no report or no such entry."""
    behaviors = (report or {}).get("behaviors")
    entry = behaviors.get(behavior_id) if isinstance(behaviors, Mapping) else None
    if not isinstance(entry, Mapping):
        return None
    week = week_of_behavior(behavior_id)
    score = entry.get("score")
    evidence = entry.get("evidence")
    return BehaviorResult(
        behavior_id=behavior_id,
        week=week.week,
        title=week.title,
        category=week.category,
        applicable=bool(entry.get("applicable", False)),
        score=score if isinstance(score, int) else None,
        level=str(entry.get("level", "n/a")),
        evidence=[e for e in evidence if isinstance(e, dict)] if isinstance(evidence, list) else [],
        coaching=str(entry.get("coaching") or ""),
        decided_by="judge" if entry.get("decided_by") == "judge" else "markers",
        judge_skipped=str(entry.get("judge_skipped") or ""),
    )


def results_in(report: Report | None) -> list[BehaviorResult]:
    """Every behavior the report holds, in curriculum order."""
    found = (result_in(report, week.behavior) for week in curriculum().weeks)
    return [result for result in found if result is not None]


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
