"""claim and subject indexes on the outbox

The sweep claims due rows from an index that holds every column it filters on, so a tick with
nothing due reads a few index pages whatever the history; re-planning an item and looking for
a cluster's pending digest find its rows by subject instead of scanning the cluster's history.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("nudge", schema=None) as batch_op:
        batch_op.drop_index("ix_nudge_due")
        batch_op.create_index("ix_nudge_claim", ["status", "due_at", "claimed_until", "id"])
        batch_op.create_index("ix_nudge_subject", ["cluster_id", "subject_type", "subject_id"])


def downgrade() -> None:
    with op.batch_alter_table("nudge", schema=None) as batch_op:
        batch_op.drop_index("ix_nudge_subject")
        batch_op.drop_index("ix_nudge_claim")
        batch_op.create_index("ix_nudge_due", ["status", "due_at"], unique=False)
