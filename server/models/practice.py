"""Practice sessions and their turns. A turn is written the moment it is said, so nothing is
lost if the process dies; `state_json` lets any worker continue the conversation."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Enum, Text
from sqlmodel import Column, Field, SQLModel, UniqueConstraint

from server.models.base import utcnow


class SessionMode(StrEnum):
    practice = "practice"
    preview = "preview"  # a trainer trying a draft: never scored


class SessionStatus(StrEnum):
    active = "active"
    ended = "ended"


class PracticeSession(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    team_id: int | None = Field(
        default=None, foreign_key="team.id", index=True, ondelete="SET NULL"
    )
    scenario_version_id: int | None = Field(
        default=None, foreign_key="scenarioversion.id", ondelete="SET NULL"
    )
    draft_yaml: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    behavior_id: str = Field(max_length=40, index=True)
    week: int | None = None
    channel: str = Field(default="chat", max_length=10)
    mode: SessionMode = Field(
        default=SessionMode.practice, sa_type=Enum(SessionMode, native_enum=False, length=10)
    )
    seed: int = 0
    status: SessionStatus = Field(
        default=SessionStatus.active, sa_type=Enum(SessionStatus, native_enum=False, length=10)
    )
    outcome: str | None = Field(default=None, max_length=20)
    # the team's pass threshold for the week when the attempt was scored: a later change of the
    # threshold does not rewrite this attempt's verdict (None: not scored yet)
    pass_threshold: int | None = None
    state_json: dict[str, object] | None = Field(default=None, sa_column=Column(JSON))
    llm_fallbacks: int = 0
    started_at: datetime = Field(default_factory=utcnow, index=True)
    ended_at: datetime | None = None


class Turn(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("session_id", "index"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="practicesession.id", index=True, ondelete="CASCADE")
    index: int = Field(ge=0)
    speaker: str = Field(max_length=10)
    text: str = Field(sa_column=Column(Text, nullable=False))
    start: float | None = None
    end: float | None = None
    mood: float | None = None
    markers: list[str] | None = Field(default=None, sa_column=Column(JSON))
    fallback_reason: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
