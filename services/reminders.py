"""Units of work on reminders: each opens, commits and closes its own transaction.

They return what the handler needs to answer (and the earliest due instant, for the reminder job
to re-arm); none of them touches Telegram.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from db import reminders as store
from db.connection import TransactionFactory
from db.models import Reminder
from db.routines import get_progress
from db.users import get_or_create_user, get_user, set_timezone
from reminders.schedule import after_day, first_due, local_date

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    """How a change to one reminder went."""

    DONE = "done"
    NOT_FOUND = "not_found"  # deleted since, or not this user's: the button is old
    ALREADY_SNOOZED = "already_snoozed"
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class Changed:
    """The outcome, and the earliest due instant of all reminders afterwards."""

    outcome: Outcome
    earliest: datetime | None = None


@dataclass(frozen=True)
class Saved:
    """A reminder saved (or merged into one at the same time): its days and first due instant."""

    outcome: Outcome
    days: int = 0
    due: datetime | None = None
    merged: bool = False
    count: int = 0  # with TOO_MANY: how many the user has


@dataclass(frozen=True)
class Listing:
    """What /reminders shows: the user's reminders, zone and whether all are paused."""

    rows: list[Reminder]
    zone: str | None
    paused: bool


async def own_reminder(tx: AsyncSession, user_id: int, reminder_id: int) -> Reminder | None:
    """The reminder if it exists and is the user's (a button of someone else's is old or forged)."""
    row = await store.get_reminder(tx, reminder_id)
    return row if row is not None and row.user_id == user_id else None


async def user_zone(db: TransactionFactory, user_id: int) -> str | None:
    """The user's stored time zone, if they set one."""
    async with db() as tx:
        user = await get_user(tx, user_id)
    return user.timezone if user else None


async def listing(db: TransactionFactory, user_id: int) -> Listing:
    """The user's reminders in the order they were made."""
    async with db() as tx:
        user = await get_user(tx, user_id)
        rows = await store.user_reminders(tx, user_id)
    return Listing(rows, user.timezone if user else None, bool(user and user.reminders_paused))


async def save(
    db: TransactionFactory,
    *,
    user_id: int,
    chat_id: int,
    language: str,
    local_time: str,
    days: int,
    zone: str,
    editing: int | None,
    now: datetime,
    limit: int,
) -> Saved:
    """Store a new reminder, or the change of one being edited.

    A reminder at the same time in the same zone as another is merged into it (their days
    joined), and a person has at most `limit` reminders.
    """
    async with db() as tx:
        await get_or_create_user(tx, user_id, language)
        rows = await store.user_reminders(tx, user_id)
        row = next((r for r in rows if editing is not None and r.id == editing), None)
        twin = next(
            (r for r in rows if r is not row and (r.local_time, r.zone) == (local_time, zone)), None
        )
        if twin is not None:
            days |= twin.days
            if row is not None:
                await store.delete_reminder(tx, row)
            row = twin
        if row is None and len(rows) >= limit:
            await tx.rollback()
            return Saved(Outcome.TOO_MANY, count=len(rows))
        due = first_due(local_time, days, zone, now)
        if row is not None:
            row.local_time, row.days, row.zone = local_time, days, zone
            row.enabled, row.next_due = True, due
        else:
            await store.add_reminder(
                tx,
                user_id=user_id,
                chat_id=chat_id,
                local_time=local_time,
                days=days,
                zone=zone,
                next_due=due,
            )
        await tx.commit()
    logger.info("user %s set a reminder%s", user_id, " (merged)" if twin is not None else "")
    return Saved(Outcome.DONE, days=days, due=due, merged=twin is not None)


async def set_zone(
    db: TransactionFactory, user_id: int, zone: str, language: str, now: datetime
) -> datetime | None:
    """Store the user's zone and move their reminders to it (same local times); the earliest
    due instant afterwards."""
    async with db() as tx:
        await set_timezone(tx, user_id, zone, language)
        await store.rezone_reminders(
            tx, user_id, zone, lambda row: first_due(row.local_time, row.days, zone, now)
        )
        await tx.commit()
        return await store.earliest_due(tx)


async def pause_all(db: TransactionFactory, user_id: int, paused: bool) -> None:
    """Pause or resume every reminder of the user."""
    async with db() as tx:
        await store.set_paused(tx, user_id, paused)
        await tx.commit()


async def change(
    db: TransactionFactory, user_id: int, reminder_id: int, op: str, now: datetime
) -> Changed:
    """Pause, resume or delete one of the user's reminders."""
    async with db() as tx:
        row = await own_reminder(tx, user_id, reminder_id)
        if row is None:
            await tx.rollback()
            return Changed(Outcome.NOT_FOUND)
        if op == "delete":
            await store.delete_reminder(tx, row)
        elif op == "pause":
            row.enabled, row.next_due = False, None
        elif op == "resume":
            row.enabled = True
            row.next_due = first_due(row.local_time, row.days, row.zone, now)
        else:
            raise ValueError(f"unknown change {op!r}")
        await tx.commit()
        return Changed(Outcome.DONE, await store.earliest_due(tx))


async def owned(db: TransactionFactory, user_id: int, reminder_id: int) -> bool:
    """Whether the reminder exists and is the user's."""
    async with db() as tx:
        return await own_reminder(tx, user_id, reminder_id) is not None


async def routine_to_start(
    db: TransactionFactory, user_id: int, reminder_id: int, routines: list[str]
) -> str | None:
    """The routine a reminder's Start offers: the last one chosen, else the first of
    `routines`; None if the reminder is gone or not the user's."""
    async with db() as tx:
        if await own_reminder(tx, user_id, reminder_id) is None:
            return None
        last = (await get_progress(tx, user_id)).last_routine
        await tx.commit()  # get_progress may have created the row
    return last if last is not None and last in routines else routines[0]


async def snooze(
    db: TransactionFactory, user_id: int, reminder_id: int, now: datetime, minutes: int
) -> Changed:
    """Move the reminder `minutes` on, unless it is already due within them."""
    async with db() as tx:
        row = await own_reminder(tx, user_id, reminder_id)
        if row is None:
            await tx.rollback()
            return Changed(Outcome.NOT_FOUND)
        snooze_at = now + timedelta(minutes=minutes)
        if row.next_due is not None and now < row.next_due <= snooze_at:
            await tx.rollback()
            return Changed(Outcome.ALREADY_SNOOZED)
        row.next_due = snooze_at
        await tx.commit()
        return Changed(Outcome.DONE, await store.earliest_due(tx))


async def skip_today(
    db: TransactionFactory, user_id: int, reminder_id: int, now: datetime
) -> Changed:
    """Every occurrence of the user's reminders still due today (local) moves past today."""
    async with db() as tx:
        row = await own_reminder(tx, user_id, reminder_id)
        if row is None:
            await tx.rollback()
            return Changed(Outcome.NOT_FOUND)
        today = local_date(now, row.zone)
        for other in await store.user_reminders(tx, user_id):
            if other.next_due is not None:
                other.next_due = after_day(
                    other.next_due, other.local_time, other.days, other.zone, today
                )
        await tx.commit()
        return Changed(Outcome.DONE, await store.earliest_due(tx))
