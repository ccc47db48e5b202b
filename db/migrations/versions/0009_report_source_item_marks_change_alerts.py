"""How a pain report was made and the person's own words; each exercise's outcome in a session;
the per-user switch for a notifying message at each change of exercise or side

- `pain_ratings.source`: how a report was made (button, command, words); NULL for older rows.
- `pain_ratings.said`: what the person wrote, only with consent, encrypted like the rest.
- `routine_sessions.item_marks`: one letter per exercise (done, skipped, hurt or stopped, not
  reached), so the live message, the summary and the report say what happened.
- `users.change_alerts`: a new (notifying) message at a change of exercise or side; on by default.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pain_ratings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("said", sa.Text(), nullable=True))
    with op.batch_alter_table("routine_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("item_marks", sa.String(length=32), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("change_alerts", sa.Boolean(), server_default="1", nullable=False)
        )


def downgrade() -> None:
    # Dropped in place, never by copying the table (batch mode's way on SQLite): a copy of
    # `users` would cascade-delete every row that refers to it.
    for table, column in (
        ("users", "change_alerts"),
        ("routine_sessions", "item_marks"),
        ("pain_ratings", "said"),
        ("pain_ratings", "source"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
