"""Helpers shared by the table modules."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timestamps are stored timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite gives them back without a zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
