"""Health data encrypted at rest: pain ratings (value, detail), weekly check answers (PEG-3) and
which exercise hurt become Fernet tokens; the data key check table

The existing rows are encrypted with the first key of DATA_KEY, which the bot's engine carries
(db/crypto.py); a database with health rows cannot be upgraded without it. Values that already
look like tokens are left as they are, so a re-run does no harm.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from db.crypto import KEYS_ATTRIBUTE, DataKeyError, DataKeys, looks_like_token

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK_PHRASE = "backcare data key check v1"  # as db/keys.py: frozen here with the migration
# (table, [(column, its plain type, nullable)]): every health column encrypted by this revision.
HEALTH: list[tuple[str, list[tuple[str, sa.types.TypeEngine[object], bool]]]] = [
    ("pain_ratings", [("value", sa.Integer(), True), ("detail", sa.String(length=32), True)]),
    (
        "peg_scores",
        [
            ("pain", sa.Integer(), False),
            ("enjoyment", sa.Integer(), False),
            ("activity", sa.Integer(), False),
        ],
    ),
    (
        "exercise_pain",
        [("exercise_id", sa.String(length=64), False), ("change", sa.String(length=16), False)],
    ),
]


def _rows(table: str, columns: list[str]) -> list[sa.Row[object]]:
    names = ", ".join(columns)
    present = " OR ".join(f"{name} IS NOT NULL" for name in columns)
    bind = op.get_bind()
    return list(bind.execute(sa.text(f"SELECT id, {names} FROM {table} WHERE {present}")).all())


def upgrade() -> None:
    bind = op.get_bind()
    for table, columns in HEALTH:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, plain, nullable in columns:
                batch_op.alter_column(
                    name,
                    existing_type=plain,
                    type_=sa.Text(),
                    existing_nullable=nullable,
                    postgresql_using=f"{name}::text",
                )
    op.create_table(
        "data_key_check",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    found = {table: _rows(table, [c[0] for c in columns]) for table, columns in HEALTH}
    count = sum(len(rows) for rows in found.values())
    if not count:
        return
    keys: DataKeys | None = getattr(bind.dialect, KEYS_ATTRIBUTE, None)
    if keys is None:
        raise DataKeyError(
            f"{count} stored health values are to be encrypted: set DATA_KEY "
            "(make one with `python bot.py new-key`) and start again"
        )

    def sealed(value: object) -> str | None:
        if value is None:
            return None
        text = str(value)
        return text if looks_like_token(text) else keys.encrypt(text)

    for table, columns in HEALTH:
        names = [c[0] for c in columns]
        if not found[table]:
            continue
        assignments = ", ".join(f"{name} = :{name}" for name in names)
        bind.execute(
            sa.text(f"UPDATE {table} SET {assignments} WHERE id = :id"),
            [
                {"id": row[0], **{name: sealed(row[i + 1]) for i, name in enumerate(names)}}
                for row in found[table]
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
    found = {table: _rows(table, [c[0] for c in columns]) for table, columns in HEALTH}
    if any(found.values()) and keys is None:
        raise DataKeyError("decrypting the stored health values needs DATA_KEY")

    def opened(value: object, plain: sa.types.TypeEngine[object]) -> str | None:
        if value is None or keys is None:
            return None
        text = keys.decrypt(str(value))
        length = getattr(plain, "length", None)
        return text[:length] if length else text

    # Decrypted in place first (as text), then each column takes its plain type back: the
    # database converts "7" to 7 (SQLite's copy, PostgreSQL's USING cast).
    for table, columns in HEALTH:
        if found[table]:
            names = [c[0] for c in columns]
            assignments = ", ".join(f"{name} = :{name}" for name in names)
            bind.execute(
                sa.text(f"UPDATE {table} SET {assignments} WHERE id = :id"),
                [
                    {
                        "id": row[0],
                        **{n: opened(row[i + 1], columns[i][1]) for i, n in enumerate(names)},
                    }
                    for row in found[table]
                ],
            )
    op.drop_table("data_key_check")
    for table, columns in HEALTH:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, plain, nullable in columns:
                cast = "integer" if isinstance(plain, sa.Integer) else "text"
                batch_op.alter_column(
                    name,
                    existing_type=sa.Text(),
                    type_=plain,
                    existing_nullable=nullable,
                    postgresql_using=f"{name}::{cast}",
                )
