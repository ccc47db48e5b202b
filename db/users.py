"""Query functions for users: first contact, language, time zone, everything stored (for the
export), erasure, retention."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Base,
    ExercisePain,
    PainRating,
    PegScore,
    PlanPeriod,
    Reminder,
    ReminderDelivery,
    RoutineSession,
    User,
    UserProgress,
)


async def get_user(tx: AsyncSession, user_id: int) -> User | None:
    """The stored user, or None for someone the bot has not met."""
    return await tx.get(User, user_id)


async def get_or_create_user(tx: AsyncSession, user_id: int, language: str) -> User:
    """The stored user; first contact creates them with the given language."""
    user = await tx.get(User, user_id)
    if user is None:
        user = User(id=user_id, language=language)
        tx.add(user)
        await tx.flush()
    return user


async def set_language(tx: AsyncSession, user_id: int, language: str) -> None:
    """Store the language the user chose."""
    user = await get_or_create_user(tx, user_id, language)
    user.language = language


async def set_timezone(tx: AsyncSession, user_id: int, zone: str, language: str) -> None:
    """Store the user's IANA time zone (or fixed UTC offset)."""
    user = await get_or_create_user(tx, user_id, language)
    user.timezone = zone


async def _erase(tx: AsyncSession, users: Select[int]) -> None:
    """Delete every row that belongs to the selected users, their user rows last."""
    for table in reversed(Base.metadata.sorted_tables):
        if table.name != "users" and "user_id" in table.c:
            await tx.execute(delete(table).where(table.c.user_id.in_(users)))
    await tx.execute(delete(User).where(User.id.in_(users)))


async def erase_user(tx: AsyncSession, user_id: int) -> None:
    """Delete every row that belongs to the user, the user row last."""
    await _erase(tx, select(User.id).where(User.id == user_id))


async def mark_seen(tx: AsyncSession, user_ids: Iterable[int], at: datetime) -> None:
    """Record that these users were active at `at` (one statement for the whole batch)."""
    ids = sorted(set(user_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        await tx.execute(update(User).where(User.id.in_(chunk)).values(last_seen_at=at))


async def inactive_users(tx: AsyncSession, before: datetime) -> list[int]:
    """The ids of users not seen since `before`."""
    return list(await tx.scalars(select(User.id).where(User.last_seen_at < before)))


async def purge_inactive(tx: AsyncSession, before: datetime) -> int:
    """Erase every user not seen since `before`, with all their rows; return how many."""
    stale = select(User.id).where(User.last_seen_at < before)
    count = await tx.scalar(select(func.count()).select_from(stale.subquery())) or 0
    if count:
        await _erase(tx, stale)
    return count


@dataclass(frozen=True)
class StoredRows:
    """Every row stored about one person, table by table (health data decrypted)."""

    user: User | None
    sessions: list[RoutineSession]
    ratings: list[PainRating]
    progress: UserProgress | None
    periods: list[PlanPeriod]
    pegs: list[PegScore]
    hurts: list[ExercisePain]
    reminders: list[Reminder]
    deliveries: list[ReminderDelivery]


async def stored_rows(tx: AsyncSession, user_id: int) -> StoredRows:
    """Every row about the user, each table in the order the rows were made."""

    async def all_of(model: Any, *order: Any) -> list[Any]:
        return list(
            await tx.scalars(select(model).where(model.user_id == user_id).order_by(*order))
        )

    return StoredRows(
        user=await tx.get(User, user_id),
        sessions=await all_of(RoutineSession, RoutineSession.id),
        ratings=await all_of(PainRating, PainRating.at, PainRating.id),
        progress=await tx.get(UserProgress, user_id),
        periods=await all_of(PlanPeriod, PlanPeriod.started_at, PlanPeriod.id),
        pegs=await all_of(PegScore, PegScore.at, PegScore.id),
        hurts=await all_of(ExercisePain, ExercisePain.at, ExercisePain.id),
        reminders=await all_of(Reminder, Reminder.id),
        deliveries=await all_of(ReminderDelivery, ReminderDelivery.due, ReminderDelivery.key),
    )


async def users_by_id(tx: AsyncSession, ids: Iterable[int]) -> dict[int, User]:
    """The stored users among these ids."""
    return {user.id: user for user in await tx.scalars(select(User).where(User.id.in_(list(ids))))}
