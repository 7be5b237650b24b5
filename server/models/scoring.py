"""Scores of attempts (the full report plus one row per behavior for fast dashboards) and the
manager's calibration labels."""

from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Column, Field, SQLModel, UniqueConstraint

from server.models.base import utcnow


class ScoreRecord(SQLModel, table=True):
    """One score report of a session per scorer version (a rescore by a newer scorer adds one;
    two windows ending the session at once cannot add two)."""

    __table_args__ = (
        UniqueConstraint("session_id", "scorer_version", name="uq_scorerecord_session_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="practicesession.id", index=True, ondelete="CASCADE")
    scorer_version: str = Field(max_length=40)
    report_json: dict[str, object] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class BehaviorScore(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    score_record_id: int = Field(foreign_key="scorerecord.id", index=True, ondelete="CASCADE")
    session_id: int = Field(foreign_key="practicesession.id", index=True, ondelete="CASCADE")
    behavior_id: str = Field(max_length=40, index=True)
    applicable: bool = True
    score: int | None = None
    level: str = Field(max_length=10)


class CalibrationLabel(SQLModel, table=True):
    """A manager's judgement of an attempt's level on one behavior, kept for calibration."""

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="practicesession.id", index=True, ondelete="CASCADE")
    behavior_id: str = Field(max_length=40)
    level: str = Field(max_length=10)
    scorer_level: str = Field(max_length=10)
    reason: str = Field(max_length=2000)
    labeled_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
