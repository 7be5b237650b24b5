"""Calibration: managers label an attempt's level on a behavior, and Sparring measures how often
the scorer agrees with them, per behavior.

A label keeps the scorer's level at the time it was given, so later scorer versions do not
rewrite history. One label per manager, attempt and behavior: labelling again replaces it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from server.models import CalibrationLabel, PracticeSession, User
from server.services.agent_progress import latest_reports
from server.services.curriculum import curriculum, week_of_behavior
from server.services.form_input import FormError

LEVEL_CHOICES = ("good", "average", "poor", "n/a")
RANK = {"poor": 0, "average": 1, "good": 2}
MAX_REASON = 2000


@dataclass(frozen=True)
class BehaviorVerdict:
    """The scorer's verdict on one behavior of an attempt, as the labelling page shows it."""

    behavior: str
    week: int
    category: str
    title: str
    targeted: bool
    applicable: bool
    score: int | None
    level: str
    evidence: list[dict[str, Any]]
    coaching: str


def verdicts_of(attempt: PracticeSession, report: dict[str, Any]) -> list[BehaviorVerdict]:
    """The report's behaviors, the attempt's targeted behavior first, then curriculum order."""
    behaviors = report.get("behaviors", {})
    out = []
    for week in curriculum().weeks:
        entry = behaviors.get(week.behavior) if isinstance(behaviors, dict) else None
        if not isinstance(entry, dict):
            continue
        evidence = entry.get("evidence") or []
        out.append(
            BehaviorVerdict(
                behavior=week.behavior,
                week=week.week,
                category=week.category,
                title=week.title,
                targeted=week.behavior == attempt.behavior_id,
                applicable=bool(entry.get("applicable", False)),
                score=entry.get("score") if isinstance(entry.get("score"), int) else None,
                level=str(entry.get("level", "n/a")),
                evidence=[e for e in evidence if isinstance(e, dict)],
                coaching=str(entry.get("coaching", "")),
            )
        )
    out.sort(key=lambda v: (not v.targeted, v.week))
    return out


def report_of(session: Session, attempt: PracticeSession) -> dict[str, Any] | None:
    assert attempt.id is not None
    return latest_reports(session, [attempt.id]).get(attempt.id)


def add_label(
    session: Session, attempt: PracticeSession, form: Mapping[str, str], *, labeled_by: User
) -> CalibrationLabel:
    """Store a label from form fields `behavior`, `level` and `reason` (required). Raises
    FormError with per-field messages."""
    report = report_of(session, attempt)
    verdicts = {v.behavior: v for v in verdicts_of(attempt, report or {})}
    errors: dict[str, str] = {}
    if report is None:
        errors["behavior"] = (
            f"Attempt {attempt.id} has not been scored yet; label it once it has a scorecard."
        )
    behavior = form.get("behavior", "").strip()
    level = form.get("level", "").strip()
    reason = form.get("reason", "").strip()
    if report is not None and behavior not in verdicts:
        errors["behavior"] = f"Behavior: {behavior!r} is not scored in this attempt; pick one."
    if level not in LEVEL_CHOICES:
        errors["level"] = f"Your level: pick one of {', '.join(LEVEL_CHOICES)}."
    if not reason:
        errors["reason"] = "Reason: say why (what in the transcript shows this level)."
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"Reason: keep it under {MAX_REASON} characters (it has {len(reason)})."
    if errors:
        raise FormError(errors)
    assert attempt.id is not None
    label = session.exec(
        select(CalibrationLabel).where(
            CalibrationLabel.session_id == attempt.id,
            CalibrationLabel.behavior_id == behavior,
            CalibrationLabel.labeled_by == labeled_by.id,
        )
    ).first() or CalibrationLabel(
        session_id=attempt.id, behavior_id=behavior, level=level, scorer_level="", reason=reason
    )
    label.level = level
    label.reason = reason
    label.scorer_level = verdicts[behavior].level
    label.labeled_by = labeled_by.id
    session.add(label)
    session.flush()
    return label


@dataclass(frozen=True)
class LabelView:
    id: int
    created_at: datetime
    session_id: int
    agent_id: int
    agent_name: str
    agent_email: str
    labeled_by: str
    behavior: str
    week: int
    level: str
    scorer_level: str
    reason: str

    @property
    def agrees(self) -> bool:
        return self.level == self.scorer_level

    @property
    def direction(self) -> str:
        """How the scorer compares with the label: same, higher, lower or applicability."""
        if self.agrees:
            return "same"
        if self.level not in RANK or self.scorer_level not in RANK:
            return "applicability"
        return "higher" if RANK[self.scorer_level] > RANK[self.level] else "lower"


def labels_for(
    session: Session, agent_ids: list[int], *, session_id: int | None = None
) -> list[LabelView]:
    """Labels on the practice attempts of `agent_ids` (optionally of one attempt), newest first."""
    if not agent_ids:
        return []
    query = (
        select(CalibrationLabel, PracticeSession)
        .join(PracticeSession, col(PracticeSession.id) == col(CalibrationLabel.session_id))
        .where(col(PracticeSession.user_id).in_(agent_ids))
        .order_by(col(CalibrationLabel.created_at).desc(), col(CalibrationLabel.id).desc())
    )
    if session_id is not None:
        query = query.where(CalibrationLabel.session_id == session_id)
    rows = list(session.exec(query))
    people_ids = {p.user_id for _, p in rows} | {
        label.labeled_by for label, _ in rows if label.labeled_by
    }
    people = {
        u.id: u for u in session.exec(select(User).where(col(User.id).in_(people_ids or {0})))
    }
    out = []
    for label, practice in rows:
        assert label.id is not None
        agent = people.get(practice.user_id)
        labeler = people.get(label.labeled_by) if label.labeled_by else None
        out.append(
            LabelView(
                id=label.id,
                created_at=label.created_at,
                session_id=label.session_id,
                agent_id=practice.user_id,
                agent_name=agent.name if agent else "",
                agent_email=agent.email if agent else "",
                labeled_by=labeler.name if labeler else "(deleted user)",
                behavior=label.behavior_id,
                week=week_of_behavior(label.behavior_id).week,
                level=label.level,
                scorer_level=label.scorer_level,
                reason=label.reason,
            )
        )
    return out


@dataclass(frozen=True)
class Agreement:
    behavior: str  # "all" for the total row
    week: int | None
    title: str
    labels: int
    agreed: int
    scorer_higher: int  # the scorer gave a better level than the manager
    scorer_lower: int
    applicability: int  # one said n/a, the other did not

    @property
    def rate(self) -> float | None:
        return self.agreed / self.labels if self.labels else None


def _tally(behavior: str, week: int | None, title: str, labels: list[LabelView]) -> Agreement:
    return Agreement(
        behavior=behavior,
        week=week,
        title=title,
        labels=len(labels),
        agreed=sum(1 for x in labels if x.agrees),
        scorer_higher=sum(1 for x in labels if x.direction == "higher"),
        scorer_lower=sum(1 for x in labels if x.direction == "lower"),
        applicability=sum(1 for x in labels if x.direction == "applicability"),
    )


def agreement(labels: list[LabelView]) -> list[Agreement]:
    """Agreement per behavior that has labels (curriculum order), then the total."""
    rows = []
    for week in curriculum().weeks:
        mine = [x for x in labels if x.behavior == week.behavior]
        if mine:
            rows.append(_tally(week.behavior, week.week, week.title, mine))
    rows.append(_tally("all", None, "All behaviors", labels))
    return rows
