"""Query functions for the Mini App's idempotency keys (`app_answers`) and its home screen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AppAnswer, RoutineSession
from guided.engine.status import ENDED


async def answer_of(tx: AsyncSession, user_id: int, key: str) -> str | None:
    """The stored answer to this user's post with this key, if any."""
    return await tx.scalar(
        select(AppAnswer.answer).where(AppAnswer.user_id == user_id, AppAnswer.key == key)
    )


async def keep_answer(tx: AsyncSession, user_id: int, key: str, answer: str) -> None:
    """Store the first answer to a post (a second one with the same key fails on the primary
    key when the transaction is flushed)."""
    tx.add(AppAnswer(user_id=user_id, key=key, answer=answer))
    await tx.flush()


async def prune_answers(tx: AsyncSession, before: datetime) -> int:
    """Delete answers older than `before` (a page retries for minutes, not days)."""
    result = await tx.execute(delete(AppAnswer).where(AppAnswer.at < before))
    return int(getattr(result, "rowcount", 0) or 0)


async def last_ended(tx: AsyncSession, user_id: int, limit: int) -> list[RoutineSession]:
    """The user's last ended sessions, newest first."""
    return list(
        await tx.scalars(
            select(RoutineSession)
            .where(RoutineSession.user_id == user_id, RoutineSession.status.in_(ENDED))
            .order_by(RoutineSession.id.desc())
            .limit(limit)
        )
    )
