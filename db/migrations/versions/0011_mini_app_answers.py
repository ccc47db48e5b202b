"""The Mini App's idempotency keys: the first answer to each (user, key) post

- `app_answers`: the answer the page got for a post (start, checkpoint, finish, It hurts), so a
  retried post changes nothing and any bot process can answer it; erased with the user.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_answers",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "key"),
    )
    with op.batch_alter_table("app_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_answers_at"), ["at"], unique=False)


def downgrade() -> None:
    op.drop_table("app_answers")
