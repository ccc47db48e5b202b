"""The audio guide's uploads: a track's or voice note's file_id per bot and recipe

- `audio_files`: the file_id Telegram gave a rendered track or voice note, for the bot that
  uploaded it (`bot_id`) and the hash that names the file (`recipe`); sent again by file_id,
  forgotten when Telegram refuses it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audio_files",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("recipe", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.Text(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", "recipe"),
    )


def downgrade() -> None:
    op.drop_table("audio_files")
