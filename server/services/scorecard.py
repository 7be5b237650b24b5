"""The scorecard of one attempt: the practised behavior's verdict against the team's
threshold, its evidence marked in the transcript, the other behaviors and the metrics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

import scorer
from server.models import PracticeSession, ScenarioVersion, Team, Turn, User
from server.scenario import Week
from server.services.curriculum import team_thresholds, week_of_behavior
from server.services.reports import Report, Verdict, results_in
from server.services.scenario_store import latest_version


@dataclass(frozen=True)
class Segment:
    text: str
    effect: str | None = None  # "+" or "-" when the text is an evidence quote
    marker: str | None = None


@dataclass(frozen=True)
class TranscriptLine:
    index: int
    speaker: str
    text: str
    start: float | None
    segments: list[Segment]


@dataclass(frozen=True)
class Scorecard:
    session: PracticeSession
    agent: User | None
    scenario_title: str
    scenario_id: str | None
    scenario_version: int | None
    latest_version: int | None
    focus: Verdict | None  # the verdict on the practised behavior
    threshold: int  # the one it was judged against when scored (else the team's current one)
    others: list[Verdict]  # the other behaviors, in curriculum order
    metrics: dict[str, Any]
    transcript: list[TranscriptLine]
    scored: bool
    curriculum_week: Week  # the practised behavior's week
    judge: str | None = None  # the LLM judge asked when it was scored; None: markers only

    @property
    def passed(self) -> bool:
        return bool(
            self.focus and self.focus.score is not None and self.focus.score >= self.threshold
        )

    @property
    def not_applicable(self) -> list[Verdict]:
        return [b for b in self.others if not b.applicable]

    @property
    def applicable_others(self) -> list[Verdict]:
        return [b for b in self.others if b.applicable]


def segments_of(text: str, evidence: Sequence[scorer.Evidence]) -> list[Segment]:
    """`text` cut into plain pieces and evidence quotes (first non-overlapping occurrences)."""
    spans: list[tuple[int, int, scorer.Evidence]] = []
    for item in evidence:
        quote = item.quote
        if not quote:
            continue
        start = text.find(quote)
        while start != -1 and any(s < start + len(quote) and start < e for s, e, _ in spans):
            start = text.find(quote, start + 1)
        if start != -1:
            spans.append((start, start + len(quote), item))
    spans.sort(key=lambda span: span[0])
    out: list[Segment] = []
    at = 0
    for start, end, item in spans:
        if start > at:
            out.append(Segment(text[at:start]))
        out.append(Segment(text[start:end], item.effect, item.marker))
        at = end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


def transcript_of(
    db: Session, session_id: int, evidence: Sequence[scorer.Evidence]
) -> list[TranscriptLine]:
    """The attempt's turns, with `evidence` quotes marked in the turns they cite."""
    turns = db.exec(
        select(Turn).where(Turn.session_id == session_id).order_by(col(Turn.index))
    ).all()
    return [
        TranscriptLine(
            index=turn.index,
            speaker=turn.speaker,
            text=turn.text,
            start=turn.start,
            segments=segments_of(turn.text, [e for e in evidence if e.turn == turn.index]),
        )
        for turn in turns
    ]


def scorecard(db: Session, session: PracticeSession, report: Report | None) -> Scorecard:
    """The scorecard of `session` from its latest score `report` (None while not scored)."""
    assert session.id is not None
    version_id = session.scenario_version_id
    version = db.get(ScenarioVersion, version_id) if version_id is not None else None
    newest = latest_version(db, version.scenario_id) if version else None
    team = db.get(Team, session.team_id) if session.team_id else None
    week = week_of_behavior(session.behavior_id)
    results = results_in(report)
    focus = next((r for r in results if r.behavior_id == session.behavior_id), None)
    return Scorecard(
        session=session,
        agent=db.get(User, session.user_id),
        scenario_title=version.title if version else "(removed scenario)",
        scenario_id=version.scenario_id if version else None,
        scenario_version=version.version if version else None,
        latest_version=newest.version if newest else None,
        focus=focus,
        threshold=(
            session.pass_threshold
            if session.pass_threshold is not None
            else team_thresholds(db, team)[week.week].threshold
        ),
        others=[r for r in results if r is not focus],
        metrics=dict((report or {}).get("metrics") or {}),
        transcript=transcript_of(db, session.id, focus.evidence if focus else ()),
        scored=report is not None,
        curriculum_week=week,
        judge=str((report or {}).get("judge") or "") or None,
    )
