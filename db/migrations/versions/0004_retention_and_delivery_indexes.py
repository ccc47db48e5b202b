"""users.last_seen_at (data retention); open-delivery and claimed_at indexes on deliveries

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 11:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
    # Existing users count as seen at their last change, so nobody is purged by the upgrade itself.
    op.execute("UPDATE users SET last_seen_at = updated_at")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column(
            "last_seen_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.create_index(batch_op.f("ix_users_last_seen_at"), ["last_seen_at"], unique=False)
    open_only = sa.text("status IN ('claimed', 'sending')")
    with op.batch_alter_table("reminder_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminder_deliveries_claimed_at"), ["claimed_at"], unique=False
        )
        batch_op.create_index(
            "reminder_deliveries_open",
            ["status"],
            unique=False,
            sqlite_where=open_only,
            postgresql_where=open_only,
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder_deliveries", schema=None) as batch_op:
        batch_op.drop_index("reminder_deliveries_open")
        batch_op.drop_index(batch_op.f("ix_reminder_deliveries_claimed_at"))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_last_seen_at"))
        batch_op.drop_column("last_seen_at")
