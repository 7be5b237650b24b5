"""Calibration: managers label an attempt's level on a behavior, and Sparring measures how often
the scorer agrees with them, per behavior.

A label keeps the scorer's level at the time it was given, so later scorer versions do not
rewrite history. One label per manager, attempt and behavior: labelling again replaces it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from server.models import CalibrationLabel, PracticeSession, User
from server.services.curriculum import curriculum, week_of_behavior
from server.services.form_input import FormError
from server.services.reports import BehaviorResult, Report, report_of, results_in

LEVEL_CHOICES = ("good", "average", "poor", "n/a")
RANK = {"poor": 0, "average": 1, "good": 2}
MAX_REASON = 2000


def verdicts_of(attempt: PracticeSession, report: Report) -> list[BehaviorResult]:
    """The report's behaviors, the attempt's practised behavior first, then curriculum order."""
    results = results_in(report)
    return sorted(results, key=lambda r: r.behavior_id != attempt.behavior_id)


def _label_errors(
    attempt: PracticeSession, scored: set[str] | None, behavior: str, level: str, reason: str
) -> dict[str, str]:
    """Per-field problems with a label; `scored` holds the behaviors in the attempt's report
    (None while it has no report)."""
    errors: dict[str, str] = {}
    if scored is None:
        errors["behavior"] = (
            f"Attempt {attempt.id} has not been scored yet; label it once it has a scorecard."
        )
    elif behavior not in scored:
        errors["behavior"] = f"Behavior: {behavior!r} is not scored in this attempt; pick one."
    if level not in LEVEL_CHOICES:
        errors["level"] = f"Your level: pick one of {', '.join(LEVEL_CHOICES)}."
    if not reason:
        errors["reason"] = "Reason: say why (what in the transcript shows this level)."
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"Reason: keep it under {MAX_REASON} characters (it has {len(reason)})."
    return errors


def add_label(
    session: Session, attempt: PracticeSession, form: Mapping[str, str], *, labeled_by: User
) -> CalibrationLabel:
    """Store a label from form fields `behavior`, `level` and `reason` (required). Raises
    FormError with per-field messages."""
    assert attempt.id is not None
    report = report_of(session, attempt.id)
    verdicts = {v.behavior_id: v for v in results_in(report)}
    behavior, level, reason = (form.get(key, "").strip() for key in ("behavior", "level", "reason"))
    scored = set(verdicts) if report is not None else None
    if errors := _label_errors(attempt, scored, behavior, level, reason):
        raise FormError(errors)
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
