"""Published versions of customer personas. Attempts point at the exact version they used."""

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Column, Field, SQLModel, UniqueConstraint

from server.models.base import utcnow


class ScenarioVersion(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("scenario_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: str = Field(max_length=80, index=True)
    version: int = Field(ge=1)
    title: str = Field(max_length=200)
    yaml_text: str = Field(sa_column=Column(Text, nullable=False))
    published_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    published_at: datetime = Field(default_factory=utcnow)


class ScenarioDraft(SQLModel, table=True):
    """A trainer's unpublished edit of a scenario (one per trainer and scenario id)."""

    __table_args__ = (UniqueConstraint("scenario_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: str = Field(max_length=80, index=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    yaml_text: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
