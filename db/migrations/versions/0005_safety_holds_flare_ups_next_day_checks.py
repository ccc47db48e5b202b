"""Safety holds, flare-up mode, frozen-streak periods and one-off reminders (next-day checks)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("safety_hold", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("hold_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("screened_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("next_day_checks", sa.Boolean(), server_default="1", nullable=False)
        )
    with op.batch_alter_table("user_progress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flare_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_pain_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("calm_sessions", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="routine", nullable=False)
        )
    op.create_table(
        "plan_periods",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plan_periods", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_periods_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_periods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_periods_user_id"))
    op.drop_table("plan_periods")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("user_progress", schema=None) as batch_op:
        batch_op.drop_column("calm_sessions")
        batch_op.drop_column("last_pain_at")
        batch_op.drop_column("flare_since")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("next_day_checks")
        batch_op.drop_column("screened_at")
        batch_op.drop_column("hold_since")
        batch_op.drop_column("safety_hold")
