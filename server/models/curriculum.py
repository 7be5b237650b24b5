"""Per-team curriculum settings and the manager's overrides of the week's behavior."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from server.models.base import utcnow


class TeamWeekSetting(SQLModel, table=True):
    """A team's pass threshold and due date for one of the ten curriculum weeks."""

    __table_args__ = (UniqueConstraint("team_id", "week"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    week: int = Field(ge=1, le=10)
    pass_threshold: int = Field(default=70, ge=0, le=100)
    due_date: date | None = None


class Assignment(SQLModel, table=True):
    """A manager's override: from `starts_on`, the team (or one agent, when `user_id` is set)
    practises `behavior_id` instead of the calendar week's behavior."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True, ondelete="CASCADE")
    behavior_id: str = Field(max_length=40)
    starts_on: date
    due_date: date | None = None
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
