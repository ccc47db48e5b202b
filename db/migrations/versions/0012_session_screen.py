"""Where a guided session is shown, so a restart picks it up the right way

- `routine_sessions.screen`: "track" for a session heard as one audio track (Listen), whose
  track plays on through a restart of the bot; NULL for a session in the chat (and for older
  rows). The Mini App's sessions are told by their owner ("app").

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("routine_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("screen", sa.String(length=16), nullable=True))


def downgrade() -> None:
    # Dropped in place, never by copying the table (batch mode's way on SQLite).
    op.execute("ALTER TABLE routine_sessions DROP COLUMN screen")
