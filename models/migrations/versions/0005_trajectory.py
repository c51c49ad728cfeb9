"""the year as a trajectory: dates, meeting series, minutes, results, lesson votes, evaluations

Revision ID: 0005
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import models.types

revision: str = "0005"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cluster") as batch:
        batch.add_column(sa.Column("trajectory_start", sa.Date(), nullable=True))
        batch.add_column(sa.Column("trajectory_end", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("last_digest_at", models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column("quiet_digests", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(
            sa.Column("repeat", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )
        batch.add_column(sa.Column("notes", sa.Text(), nullable=True))
        batch.add_column(sa.Column("attendance", sa.JSON(), nullable=True))
    with op.batch_alter_table("action") as batch:
        batch.add_column(sa.Column("result", sa.Text(), nullable=True))
    with op.batch_alter_table("lesson") as batch:
        batch.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("question", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch.create_foreign_key(
            "fk_lesson_municipality_id", "municipality", ["municipality_id"], ["id"]
        )
    op.create_table(
        "lessonvote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lesson_id"], ["lesson.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lesson_id", "user_id"),
    )
    op.create_index(op.f("ix_lessonvote_lesson_id"), "lessonvote", ["lesson_id"], unique=False)
    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("prompts", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["cluster_id"], ["cluster.id"]),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cluster_id", "municipality_id"),
    )
    op.create_index(op.f("ix_evaluation_cluster_id"), "evaluation", ["cluster_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_evaluation_cluster_id"), table_name="evaluation")
    op.drop_table("evaluation")
    op.drop_index(op.f("ix_lessonvote_lesson_id"), table_name="lessonvote")
    op.drop_table("lessonvote")
    with op.batch_alter_table("lesson") as batch:
        batch.drop_constraint("fk_lesson_municipality_id", type_="foreignkey")
        batch.drop_column("question")
        batch.drop_column("municipality_id")
    with op.batch_alter_table("action") as batch:
        batch.drop_column("result")
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("attendance")
        batch.drop_column("notes")
        batch.drop_column("repeat")
    with op.batch_alter_table("cluster") as batch:
        batch.drop_column("quiet_digests")
        batch.drop_column("last_digest_at")
        batch.drop_column("trajectory_end")
        batch.drop_column("trajectory_start")
