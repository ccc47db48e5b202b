"""Weekly PEG-3 scores and which exercise hurt (health data, stored only with consent)

The weekly check itself is a `reminders` row of kind "weekly_check": no column for it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-20 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "peg_scores",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=False),
        sa.Column("enjoyment", sa.Integer(), nullable=False),
        sa.Column("activity", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("peg_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_peg_scores_user_id"), ["user_id"], unique=False)
    op.create_table(
        "exercise_pain",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("exercise_id", sa.String(length=64), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["routine_sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("exercise_pain", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exercise_pain_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("exercise_pain", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exercise_pain_user_id"))
    op.drop_table("exercise_pain")
    with op.batch_alter_table("peg_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_peg_scores_user_id"))
    op.drop_table("peg_scores")
