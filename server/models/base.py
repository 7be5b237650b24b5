"""Helpers shared by the table modules."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timestamps are stored timezone-aware, in UTC."""
    return datetime.now(UTC)
