"""Join the four schema changes made side by side into one line of history: recorded calls,
the per-user session epoch, one score record per scorer version, and the pass threshold kept
on each attempt. Nothing changes in the schema here.

Revision ID: 9549af2113c4
Revises: 5e3f1a9c2b7d, 5e55e0a1d0c4, 7c2a41d9e8b3, 9b1d7e3c4a26
Create Date: 2026-12-07 12:58:02.431950
"""

from collections.abc import Sequence

revision: str = "9549af2113c4"
down_revision: str | Sequence[str] | None = (
    "5e3f1a9c2b7d",
    "5e55e0a1d0c4",
    "7c2a41d9e8b3",
    "9b1d7e3c4a26",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
