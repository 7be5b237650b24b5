"""Users, their role, teams and membership, and the login attempts the rate limiter counts."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Enum
from sqlmodel import Field, SQLModel, UniqueConstraint

from server.models.base import utcnow


class Role(StrEnum):
    agent = "agent"
    manager = "manager"
    trainer = "trainer"
    admin = "admin"


class UserBase(SQLModel):
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(default="", max_length=120)
    role: Role = Field(default=Role.agent, sa_type=Enum(Role, native_enum=False, length=16))
    is_active: bool = True


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)
    session_epoch: int = Field(default=0)
    """Stored in the session cookie at sign-in; raising it ends every session of the user."""
    created_at: datetime = Field(default_factory=utcnow)


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    curriculum_start: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class TeamMember(SQLModel, table=True):
    """Agents practise in a team; managers own the teams they are members of."""

    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")


class LoginAttempt(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    address: str = Field(default="", max_length=64, index=True)
    succeeded: bool = False
    at: datetime = Field(default_factory=utcnow, index=True)
