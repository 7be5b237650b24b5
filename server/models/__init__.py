"""The database tables. Importing this package registers every table on `SQLModel.metadata`,
which alembic autogenerates migrations from."""

from server.models.accounts import LoginAttempt, Role, Team, TeamMember, User
from server.models.calls import Call, CallLabel, CallScore, CallSource, CallStatus
from server.models.curriculum import Assignment, TeamWeekSetting
from server.models.practice import PracticeSession, SessionMode, SessionStatus, Turn
from server.models.scenarios import ScenarioDraft, ScenarioVersion
from server.models.scoring import BehaviorScore, CalibrationLabel, ScoreRecord

__all__ = [
    "Assignment",
    "BehaviorScore",
    "Call",
    "CallLabel",
    "CallScore",
    "CallSource",
    "CallStatus",
    "CalibrationLabel",
    "LoginAttempt",
    "PracticeSession",
    "Role",
    "ScenarioDraft",
    "ScenarioVersion",
    "ScoreRecord",
    "SessionMode",
    "SessionStatus",
    "Team",
    "TeamMember",
    "TeamWeekSetting",
    "Turn",
    "User",
]
