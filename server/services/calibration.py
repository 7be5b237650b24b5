"""Calibration: managers label an attempt's level on a behavior, and Sparring measures how often
the scorer agrees with them, per behavior.

A label keeps the scorer's level at the time it was given, so later scorer versions do not
rewrite history. One label per manager, attempt and behavior: labelling again replaces it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from scorer.agreement import ORDERED_LEVELS
from scorer.agreement import Agreement as LevelAgreement
from scorer.agreement import agreement as level_agreement
from server.models import (
    CalibrationLabel,
    Call,
    CallLabel,
    PracticeSession,
    Team,
    TeamMember,
    User,
)
from server.models.base import as_utc, utcnow
from server.services.curriculum import curriculum, week_of_behavior
from server.services.form_input import FormError
from server.services.reports import Report, Verdict, report_of, results_in

LEVEL_CHOICES = ("good", "average", "poor", "n/a")
RANK = {"poor": 0, "average": 1, "good": 2}
MAX_REASON = 2000


def verdicts_of(attempt: PracticeSession, report: Report) -> list[Verdict]:
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


# --- recorded calls: blind labels, kappa, confusion and drift ----------------------------------


class UnknownTeam(LookupError):
    """`--team NAME` names no team."""


@dataclass(frozen=True)
class LabelPair:
    """One human label next to the scorer's level, from a practice attempt or a real call."""

    source: str  # "practice" or "call"
    item_id: int
    agent_id: int
    behavior: str
    human: str
    scorer: str
    blind: bool
    created_at: datetime


def add_call_label(
    session: Session, call: Call, form: Mapping[str, str], *, labeled_by: User, blind: bool
) -> CallLabel:
    """Store a manager's level for a scored call from form fields `behavior`, `level` and
    `reason` (optional in blind mode, where the manager has not seen the scorer yet). One label
    per manager, call and behavior: labelling again replaces it (and is no longer blind once the
    scorer's levels were shown). Raises FormError with per-field messages."""
    behaviors = (call.report_json or {}).get("behaviors")
    scored = set(behaviors) if isinstance(behaviors, dict) else None
    behavior, level, reason = (form.get(key, "").strip() for key in ("behavior", "level", "reason"))
    errors: dict[str, str] = {}
    if scored is None:
        errors["behavior"] = f"Call {call.id} has not been scored yet; label it once it has."
    elif behavior not in scored:
        errors["behavior"] = f"Behavior: {behavior!r} is not scored on this call; pick one."
    if level not in LEVEL_CHOICES:
        errors["level"] = f"Your level: pick one of {', '.join(LEVEL_CHOICES)}."
    if not reason and not blind:
        errors["reason"] = "Reason: say why (what in the transcript shows this level)."
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"Reason: keep it under {MAX_REASON} characters (it has {len(reason)})."
    if errors:
        raise FormError(errors)
    assert isinstance(behaviors, dict)
    label = session.exec(
        select(CallLabel).where(
            CallLabel.call_id == call.id,
            CallLabel.behavior_id == behavior,
            CallLabel.labeled_by == labeled_by.id,
        )
    ).first() or CallLabel(call_id=call.id or 0, behavior_id=behavior, level=level, scorer_level="")
    label.level, label.reason, label.blind = level, reason, blind
    label.scorer_level = str(behaviors[behavior]["level"])
    label.labeled_by = labeled_by.id
    label.created_at = utcnow()
    session.add(label)
    session.flush()
    return label


def call_labels(session: Session, call_id: int) -> list[CallLabel]:
    return list(
        session.exec(
            select(CallLabel)
            .where(CallLabel.call_id == call_id)
            .order_by(col(CallLabel.created_at).desc())
        )
    )


def stored_pairs(
    session: Session, *, agent_ids: list[int] | None = None, team_name: str | None = None
) -> list[LabelPair]:
    """Every stored label (practice and call) as a pair, oldest first; only `agent_ids`' items,
    or only the agents of team `team_name`, when given."""
    if team_name is not None:
        team = session.exec(select(Team).where(Team.name == team_name)).first()
        if team is None:
            names = ", ".join(session.exec(select(Team.name).order_by(Team.name))) or "none yet"
            raise UnknownTeam(f"--team: no team named {team_name!r} (teams: {names})")
        agent_ids = list(
            session.exec(select(TeamMember.user_id).where(TeamMember.team_id == team.id))
        )
    practice = select(CalibrationLabel, PracticeSession).join(
        PracticeSession, col(PracticeSession.id) == col(CalibrationLabel.session_id)
    )
    calls = select(CallLabel, Call).join(Call, col(Call.id) == col(CallLabel.call_id))
    if agent_ids is not None:
        practice = practice.where(col(PracticeSession.user_id).in_(agent_ids or [0]))
        calls = calls.where(col(Call.agent_id).in_(agent_ids or [0]))
    pairs = [
        LabelPair(
            "practice",
            p.id or 0,
            p.user_id,
            x.behavior_id,
            x.level,
            x.scorer_level,
            False,
            as_utc(x.created_at),
        )
        for x, p in session.exec(practice)
    ]
    pairs += [
        LabelPair(
            "call",
            c.id or 0,
            c.agent_id,
            x.behavior_id,
            x.level,
            x.scorer_level,
            x.blind,
            as_utc(x.created_at),
        )
        for x, c in session.exec(calls)
    ]
    known = set(ORDERED_LEVELS)
    return sorted(
        (p for p in pairs if p.human in known and p.scorer in known), key=lambda p: p.created_at
    )


@dataclass(frozen=True)
class KappaRow:
    behavior: str  # "all" for the total row
    title: str
    stats: LevelAgreement

    @property
    def kappa(self) -> float | None:
        return self.stats.kappa


def kappa_rows(pairs: list[LabelPair]) -> list[KappaRow]:
    """Per behavior with labels (curriculum order), then all together: agreement, quadratic
    kappa and the confusion matrix (rows: the manager's level; columns: the scorer's)."""
    rows = []
    for week in curriculum().weeks:
        mine = [(p.human, p.scorer) for p in pairs if p.behavior == week.behavior]
        if mine:
            rows.append(KappaRow(week.behavior, week.title, level_agreement(mine)))
    rows.append(
        KappaRow("all", "All behaviors", level_agreement([(p.human, p.scorer) for p in pairs]))
    )
    return rows


@dataclass(frozen=True)
class DriftPoint:
    period: str  # YYYY-MM
    labels: int
    rate: float | None
    kappa: float | None


def drift(pairs: list[LabelPair]) -> list[DriftPoint]:
    """Agreement and kappa per calendar month of the labels, oldest first: whether the scorer
    and the managers are drifting apart."""
    months: dict[str, list[tuple[str, str]]] = {}
    for pair in pairs:
        months.setdefault(pair.created_at.strftime("%Y-%m"), []).append((pair.human, pair.scorer))
    out = []
    for period in sorted(months):
        stats = level_agreement(months[period])
        out.append(DriftPoint(period, stats.total, stats.rate, stats.kappa))
    return out


def _fmt(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:.0%}" if percent else f"{value:.2f}"


def render_text(pairs: list[LabelPair]) -> str:
    """The calibration report `sparring scorer calibrate` prints."""
    if not pairs:
        return (
            "No labels yet. Managers label practice attempts and calls on their scorecards "
            "(/manager/calibration lists them).\n"
        )
    blind = sum(1 for p in pairs if p.blind)
    calls = sum(1 for p in pairs if p.source == "call")
    lines = [
        f"{len(pairs)} labels ({calls} on real calls, {blind} given blind); "
        "kappa is Cohen's, quadratic-weighted over n/a < poor < average < good",
        "",
        f"{'behavior':<28}{'labels':>7}{'agree':>8}{'kappa':>8}",
    ]
    rows = kappa_rows(pairs)
    for row in rows:
        lines.append(
            f"{row.behavior:<28}{row.stats.total:>7}{_fmt(row.stats.rate, True):>8}"
            f"{_fmt(row.kappa):>8}"
        )
    for row in rows:
        lines += ["", f"{row.behavior}: confusion (rows: manager, columns: scorer)"]
        lines.append(" " * 10 + "".join(f"{level:>9}" for level in row.stats.levels))
        for level, counts in zip(row.stats.levels, row.stats.confusion(), strict=True):
            lines.append(f"{level:<10}" + "".join(f"{n:>9}" for n in counts))
    lines += ["", "drift by month", f"{'month':<10}{'labels':>7}{'agree':>8}{'kappa':>8}"]
    for point in drift(pairs):
        lines.append(
            f"{point.period:<10}{point.labels:>7}{_fmt(point.rate, True):>8}{_fmt(point.kappa):>8}"
        )
    return "\n".join(lines) + "\n"
