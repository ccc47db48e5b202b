"""The data key against the database: checked at start, rotated on request.

The check value is a known phrase encrypted with the key that encrypted the data. A start with
no key, or with keys none of which opens it, is refused before any health data is read. Rotation
re-encrypts every value of every encrypted column (found from the models, so a column switched to
an encrypted type later is rotated too) and the check value, in one transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Column, Table, select, tuple_, type_coerce, update
from sqlalchemy import Text as SqlText
from sqlalchemy.ext.asyncio import AsyncSession

from db.crypto import DataKeyError, DataKeys, EncryptedText
from db.models import Base, DataKeyCheck

logger = logging.getLogger(__name__)

CHECK_PHRASE = "backcare data key check v1"
CHECK_ID = 1
ROTATE_BATCH = 500


@dataclass(frozen=True)
class KeyState:
    """What the start-up check found: a new check value written; a rotation due."""

    created: bool
    rotation_due: bool


async def check_keys(tx: AsyncSession, keys: DataKeys | None) -> KeyState:
    """Refuse (DataKeyError) keys that do not open this database; record the key on first use."""
    row = await tx.get(DataKeyCheck, CHECK_ID)
    if keys is None:
        if row is not None:
            raise DataKeyError(
                "DATA_KEY is not set, and this database holds encrypted health data: set "
                "DATA_KEY to the key (or keys) it was written with"
            )
        raise DataKeyError(
            "DATA_KEY is not set: health data is stored encrypted; make a key with "
            "`python bot.py new-key` and keep it apart from the database and its backups"
        )
    if row is None:
        tx.add(DataKeyCheck(id=CHECK_ID, token=keys.encrypt(CHECK_PHRASE)))
        return KeyState(created=True, rotation_due=False)
    try:
        opened = keys.decrypt(row.token)
    except DataKeyError:
        raise DataKeyError(
            "DATA_KEY does not open this database: none of its keys is the one the health data "
            "was encrypted with (a wrong key, or the old key dropped before rotation)"
        ) from None
    if opened != CHECK_PHRASE:
        raise DataKeyError("the database's data key check value is damaged")
    return KeyState(created=False, rotation_due=not keys.opens_with_first(row.token))


def encrypted_columns() -> list[tuple[Table, Column[object]]]:
    """Every column of the models whose type encrypts what it stores."""
    return [
        (table, column)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, EncryptedText)
    ]


async def rotate_keys(tx: AsyncSession, keys: DataKeys) -> int:
    """Re-encrypt every encrypted value and the check value under the first key; how many values.

    The caller commits. Values are read and written as their raw tokens (never decrypted into
    Python objects), in batches by primary key.
    """
    await check_keys(tx, keys)
    rotated = 0
    for table, column in encrypted_columns():
        key_columns = list(table.primary_key.columns)
        raw = type_coerce(column, SqlText)
        last: tuple[object, ...] | None = None
        while True:
            query = select(*key_columns, raw).where(column.is_not(None))
            if last is not None:
                query = query.where(tuple_(*key_columns) > tuple_(*last))
            query = query.order_by(*key_columns).limit(ROTATE_BATCH)
            rows = (await tx.execute(query)).all()
            if not rows:
                break
            for row in rows:
                *ids, token = row
                condition = [key == value for key, value in zip(key_columns, ids, strict=True)]
                await tx.execute(
                    update(table)
                    .where(*condition)
                    .values({column.name: type_coerce(keys.rotate(token), SqlText)})
                )
                rotated += 1
            last = tuple(rows[-1][: len(key_columns)])
    check = await tx.get(DataKeyCheck, CHECK_ID)
    if check is not None:
        check.token = keys.rotate(check.token)
    logger.info("re-encrypted %d stored values under the first data key", rotated)
    return rotated
