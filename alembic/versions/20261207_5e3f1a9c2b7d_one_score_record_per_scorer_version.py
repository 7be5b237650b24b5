"""one score record per session and scorer version

Two windows ending the same session at once used to store two score records. Duplicates already
stored are removed (the oldest record of each session and scorer version is kept) before the
unique constraint is added.

Revision ID: 5e3f1a9c2b7d
Revises: c634441f75a2
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e3f1a9c2b7d"
down_revision: str | None = "c634441f75a2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUPLICATES = """
    SELECT id FROM scorerecord AS later
    WHERE EXISTS (
        SELECT 1 FROM scorerecord AS earlier
        WHERE earlier.session_id = later.session_id
          AND earlier.scorer_version = later.scorer_version
          AND earlier.id < later.id
    )
"""


def upgrade() -> None:
    op.execute(sa.text(f"DELETE FROM behaviorscore WHERE score_record_id IN ({DUPLICATES})"))
    op.execute(sa.text(f"DELETE FROM scorerecord WHERE id IN ({DUPLICATES})"))
    with op.batch_alter_table("scorerecord", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_scorerecord_session_version", ["session_id", "scorer_version"]
        )


def downgrade() -> None:
    with op.batch_alter_table("scorerecord", schema=None) as batch_op:
        batch_op.drop_constraint("uq_scorerecord_session_version", type_="unique")
