"""Health data encrypted at rest: pain ratings' value and detail become Fernet tokens; the data
key check table

The existing rows are encrypted with the first key of DATA_KEY, which the bot's engine carries
(db/crypto.py); a database with health rows cannot be upgraded without it. Values that already
look like tokens are left as they are, so a re-run does no harm.

Revision ID: 0008
Revises: 0006 (0007 is added in parallel and relinked at merge)
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from db.crypto import KEYS_ATTRIBUTE, DataKeyError, DataKeys, looks_like_token

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK_PHRASE = "backcare data key check v1"  # as db/keys.py: frozen here with the migration


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("pain_ratings", schema=None) as batch_op:
        batch_op.alter_column(
            "value",
            existing_type=sa.Integer(),
            type_=sa.Text(),
            existing_nullable=True,
            postgresql_using="value::text",
        )
        batch_op.alter_column(
            "detail", existing_type=sa.String(length=32), type_=sa.Text(), existing_nullable=True
        )
    op.create_table(
        "data_key_check",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    rows = bind.execute(
        sa.text(
            "SELECT id, value, detail FROM pain_ratings "
            "WHERE value IS NOT NULL OR detail IS NOT NULL"
        )
    ).all()
    if not rows:
        return
    keys: DataKeys | None = getattr(bind.dialect, KEYS_ATTRIBUTE, None)
    if keys is None:
        raise DataKeyError(
            f"{len(rows)} stored health values are to be encrypted: set DATA_KEY "
            "(make one with `python bot.py new-key`) and start again"
        )

    def sealed(value: object) -> str | None:
        if value is None:
            return None
        text = str(value)
        return text if looks_like_token(text) else keys.encrypt(text)

    update = sa.text("UPDATE pain_ratings SET value = :value, detail = :detail WHERE id = :id")
    bind.execute(
        update,
        [
            {"id": id_, "value": sealed(value), "detail": sealed(detail)}
            for id_, value, detail in rows
        ],
    )
    # The check value goes with the data: a later start with another key is refused.
    insert = sa.text(
        "INSERT INTO data_key_check (id, token, created_at) VALUES (1, :token, :at)"
    ).bindparams(sa.bindparam("at", type_=sa.DateTime(timezone=True)))
    bind.execute(insert, {"token": keys.encrypt(CHECK_PHRASE), "at": datetime.now(UTC)})


def downgrade() -> None:
    bind = op.get_bind()
    keys: DataKeys | None = getattr(bind.dialect, KEYS_ATTRIBUTE, None)
    rows = bind.execute(
        sa.text(
            "SELECT id, value, detail FROM pain_ratings "
            "WHERE value IS NOT NULL OR detail IS NOT NULL"
        )
    ).all()
    if rows and keys is None:
        raise DataKeyError("decrypting the stored health values needs DATA_KEY")
    plain = [
        {
            "id": id_,
            "value": int(keys.decrypt(value)) if keys and value is not None else None,
            "detail": keys.decrypt(detail)[:32] if keys and detail is not None else None,
        }
        for id_, value, detail in rows
    ]
    if plain:  # emptied first: the column cannot become an integer while it holds tokens
        bind.execute(
            sa.text("UPDATE pain_ratings SET value = NULL, detail = NULL WHERE id = :id"),
            [{"id": row["id"]} for row in plain],
        )
    op.drop_table("data_key_check")
    with op.batch_alter_table("pain_ratings", schema=None) as batch_op:
        batch_op.alter_column(
            "value",
            existing_type=sa.Text(),
            type_=sa.Integer(),
            existing_nullable=True,
            postgresql_using="value::integer",
        )
        batch_op.alter_column(
            "detail", existing_type=sa.Text(), type_=sa.String(length=32), existing_nullable=True
        )
    if plain:
        bind.execute(
            sa.text("UPDATE pain_ratings SET value = :value, detail = :detail WHERE id = :id"),
            plain,
        )
