"""Outbox rows for chats that are no cluster (a private reply to a stored change).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nudge", schema=None) as batch_op:
        batch_op.alter_column("cluster_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM nudge WHERE cluster_id IS NULL")
    with op.batch_alter_table("nudge", schema=None) as batch_op:
        batch_op.alter_column("cluster_id", existing_type=sa.Integer(), nullable=False)
