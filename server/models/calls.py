"""Recorded real calls: the imported file, its processing job, its transcript and scores, and the
manager's (blind) calibration labels on calls.

A call is stored against the agent, the call date and the curriculum week the agent was in on
that date; it is identified by the SHA-256 of the imported file, so importing the same file twice
gives back the same call. The job state lives on the row (queued → running → done | failed with a
reason) so that any worker, in-process or Celery, can pick a call up again after a crash.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Enum, Text
from sqlmodel import Column, Field, SQLModel, UniqueConstraint

from server.models.base import utcnow


class CallStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class CallSource(StrEnum):
    transcript = "transcript"
    audio = "audio"


class Call(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    content_hash: str = Field(max_length=64, unique=True, index=True)
    agent_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    team_id: int | None = Field(
        default=None, foreign_key="team.id", index=True, ondelete="SET NULL"
    )
    uploaded_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    source: CallSource = Field(sa_type=Enum(CallSource, native_enum=False, length=12))
    file_name: str = Field(max_length=255)
    file_format: str = Field(max_length=20)  # json, text, vtt, srt, contact_lens, wav, mp3, …
    call_date: date = Field(index=True)
    week: int = Field(ge=1, le=10)
    behavior_id: str = Field(max_length=40)
    status: CallStatus = Field(
        default=CallStatus.queued, sa_type=Enum(CallStatus, native_enum=False, length=10)
    )
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    tries: int = 0
    stage: str = Field(default="", max_length=40)
    audio_path: str | None = Field(default=None, max_length=500)
    audio_expires_at: datetime | None = None
    duration_s: float | None = None
    transcript_json: dict[str, object] | None = Field(default=None, sa_column=Column(JSON))
    report_json: dict[str, object] | None = Field(default=None, sa_column=Column(JSON))
    timings_json: dict[str, object] | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class CallScore(SQLModel, table=True):
    """One row per behavior of a scored call, for fast heatmap aggregates."""

    __table_args__ = (UniqueConstraint("call_id", "behavior_id"),)

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True, ondelete="CASCADE")
    agent_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    week: int = Field(ge=1, le=10)
    behavior_id: str = Field(max_length=40, index=True)
    applicable: bool = True
    score: int | None = None
    level: str = Field(max_length=10)


class CallLabel(SQLModel, table=True):
    """A manager's level for a call on one behavior. `blind` is true when it was given before the
    manager saw the scorer's verdict."""

    __table_args__ = (UniqueConstraint("call_id", "behavior_id", "labeled_by"),)

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True, ondelete="CASCADE")
    behavior_id: str = Field(max_length=40)
    level: str = Field(max_length=10)
    scorer_level: str = Field(max_length=10)
    reason: str = Field(default="", max_length=2000)
    blind: bool = True
    labeled_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, index=True)
