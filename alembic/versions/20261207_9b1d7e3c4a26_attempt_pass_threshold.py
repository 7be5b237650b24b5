"""practice sessions keep the pass threshold they were judged against

Revision ID: 9b1d7e3c4a26
Revises: c634441f75a2
Create Date: 2026-12-07

A manager who changes a week's threshold changes how future attempts are judged, not the
verdict of attempts already scored. Attempts scored before this column existed keep NULL and
are judged against the team's current threshold, as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b1d7e3c4a26"
down_revision: str | None = "c634441f75a2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("practicesession", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pass_threshold", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("practicesession", schema=None) as batch_op:
        batch_op.drop_column("pass_threshold")
