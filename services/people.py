"""Units of work on people: their language, consent, export and erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from db import users as store
from db.connection import TransactionFactory


async def stored_language(db: TransactionFactory, user_id: int) -> str | None:
    """The language the user chose, if they are known."""
    async with db() as tx:
        user = await store.get_user(tx, user_id)
    return user.language if user else None


async def greet(db: TransactionFactory, user_id: int, language: str) -> str:
    """Make sure the user is known (first seen in `language`); their language."""
    async with db() as tx:
        user = await store.get_or_create_user(tx, user_id, language)
        await tx.commit()
        return user.language


async def set_consent(
    db: TransactionFactory, user_id: int, language: str, at: datetime | None
) -> None:
    """Record consent to storing health data (None: declined or withdrawn)."""
    async with db() as tx:
        await store.set_consent(tx, user_id, language, at)
        await tx.commit()


async def has_consent(db: TransactionFactory, user_id: int) -> bool:
    """Whether the user consented to storing health data."""
    async with db() as tx:
        return await store.has_consent(tx, user_id)


async def set_language(db: TransactionFactory, user_id: int, language: str) -> None:
    """Store the user's choice of language."""
    async with db() as tx:
        await store.set_language(tx, user_id, language)
        await tx.commit()


async def export(db: TransactionFactory, user_id: int) -> dict[str, Any]:
    """Everything stored about the user."""
    async with db() as tx:
        return await store.export_user(tx, user_id)


async def erase(db: TransactionFactory, user_id: int) -> None:
    """Delete everything stored about the user."""
    async with db() as tx:
        await store.erase_user(tx, user_id)
        await tx.commit()
