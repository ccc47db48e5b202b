"""Units of work on reminders: each opens, commits and closes its own transaction.

They return what the handler needs to answer (and the earliest due instant, for the reminder job
to re-arm); none of them touches Telegram.

An emergency safety hold (users.safety_hold) pauses every reminder of the person: the dispatcher
sends nothing while it lasts, so a reminder set or resumed under it is stored as the person's and
held by the hold, and the answers say so (`held`). `resume_after_hold` is called when it lifts.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from db import reminders as store
from db.connection import TransactionFactory
from db.models import Reminder, User
from db.reminders import ONCE, ROUTINE
from db.routines import get_progress
from db.users import get_or_create_user, get_user, set_timezone
from reminders.schedule import (
    after_day,
    after_today,
    first_due,
    local_date,
    mask_from_days,
    occurrence_on,
    one_off_due,
    parse_hhmm,
)
from safety.rules import Hold

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    """How a change to one reminder went."""

    DONE = "done"
    NOT_FOUND = "not_found"  # deleted since, or not this user's: the button is old
    ALREADY_SNOOZED = "already_snoozed"
    TOO_MANY = "too_many"
    PASSED = "passed"  # a one-off whose time has already passed ("today at 7" at 9)
    HELD = "held"  # an emergency safety hold: nothing to snooze or skip while it lasts


@dataclass(frozen=True)
class Changed:
    """The outcome, and the earliest due instant of all reminders afterwards."""

    outcome: Outcome
    earliest: datetime | None = None
    held: bool = False  # done, but nothing is sent while the emergency hold lasts


@dataclass(frozen=True)
class Wanted:
    """A reminder as set up: its local time ("HH:MM"), days (bit mask), and, for a one-off,
    its day: `in_days` days from today, or with None the next time the time comes."""

    local_time: str
    days: int
    once: bool = False
    in_days: int | None = None


@dataclass(frozen=True)
class Saved:
    """A reminder saved (or merged into one at the same time): its days and first due instant."""

    outcome: Outcome
    days: int = 0
    due: datetime | None = None
    merged: bool = False
    before: int = 0  # merged: the days the reminder at that time had before
    count: int = 0  # with TOO_MANY: how many the user has
    once: bool = False
    held: bool = False  # stored, and paused by the emergency hold until it is lifted


@dataclass(frozen=True)
class Listing:
    """What /reminders shows: the user's reminders (daily ones, then one-offs by their day),
    zone, whether all are paused, and whether an emergency hold pauses them."""

    rows: list[Reminder]
    zone: str | None
    paused: bool
    held: bool = False


@dataclass(frozen=True)
class Resumed:
    """After a hold is lifted: the local times of the daily reminders that start again (from
    tomorrow), whether the user had paused them all themselves, and the earliest due instant."""

    times: tuple[str, ...]
    paused: bool
    earliest: datetime | None


def one_off(row: Reminder) -> bool:
    """Whether the reminder is for one day only (it is sent once, and only deleted or changed)."""
    return row.kind == ONCE


def held(user: User | None) -> bool:
    """Whether an emergency safety hold pauses the user's reminders."""
    return user is not None and user.safety_hold == Hold.EMERGENCY


async def own_reminder(tx: AsyncSession, user_id: int, reminder_id: int) -> Reminder | None:
    """The reminder if it exists and is the user's (a button of someone else's is old or forged)."""
    row = await store.get_reminder(tx, reminder_id)
    return row if row is not None and row.user_id == user_id else None


async def user_zone(db: TransactionFactory, user_id: int) -> str | None:
    """The user's stored time zone, if they set one."""
    async with db() as tx:
        user = await get_user(tx, user_id)
    return user.timezone if user else None


def _in_order(rows: list[Reminder]) -> list[Reminder]:
    """Daily reminders by time of day, then one-offs by when they come."""
    daily = [row for row in rows if row.kind == ROUTINE]
    once = sorted(
        (row for row in rows if row.kind == ONCE),
        key=lambda row: row.next_due.timestamp() if row.next_due else 0.0,
    )
    return [*daily, *once]


async def listing(db: TransactionFactory, user_id: int) -> Listing:
    """The user's reminders, as /reminders and /remind show them."""
    async with db() as tx:
        user = await get_user(tx, user_id)
        rows = await store.user_reminders(tx, user_id)
    paused = bool(user and user.reminders_paused)
    return Listing(_in_order(rows), user.timezone if user else None, paused, held(user))


async def save(
    db: TransactionFactory,
    *,
    user_id: int,
    chat_id: int,
    language: str,
    wanted: Wanted,
    zone: str,
    editing: int | None,
    now: datetime,
    limit: int,
) -> Saved:
    """Store a new reminder, or the change of one being edited.

    A daily reminder at the same time in the same zone as another is merged into it (their days
    joined), a one-off at the same instant as another is that one, and a person has at most
    `limit` reminders. Under an emergency hold it is stored all the same (`held`).
    """
    async with db() as tx:
        user = await get_or_create_user(tx, user_id, language)
        await store.prune_sent_one_offs(tx, user_id)
        rows = await store.user_reminders(tx, user_id)
        row = next((r for r in rows if editing is not None and r.id == editing), None)
        if wanted.once:
            due = one_off_due(wanted.local_time, zone, now, wanted.in_days)
            if due is None:
                await tx.rollback()
                return Saved(Outcome.PASSED, once=True)
            days = mask_from_days(frozenset({local_date(due, zone).weekday()}))
            twin = next(
                (r for r in rows if r is not row and r.kind == ONCE and r.next_due == due), None
            )
        else:
            days, due = wanted.days, first_due(wanted.local_time, wanted.days, zone, now)
            twin = next(
                (
                    r
                    for r in rows
                    if r is not row
                    and r.kind == ROUTINE
                    and (r.local_time, r.zone) == (wanted.local_time, zone)
                ),
                None,
            )
        before = 0
        if twin is not None:
            before, days = twin.days, days | twin.days
            if row is not None:
                await store.delete_reminder(tx, row)
            row = twin
        if row is None and len(rows) >= limit:
            await tx.rollback()
            return Saved(Outcome.TOO_MANY, count=len(rows))
        kind = ONCE if wanted.once else ROUTINE
        if row is not None:
            row.kind, row.local_time, row.days, row.zone = kind, wanted.local_time, days, zone
            row.enabled, row.next_due = True, due
        else:
            await store.add_reminder(
                tx,
                user_id=user_id,
                chat_id=chat_id,
                local_time=wanted.local_time,
                days=days,
                zone=zone,
                next_due=due,
                kind=kind,
            )
        on_hold = held(user)
        await tx.commit()
    logger.info("user %s set a reminder%s", user_id, " (merged)" if twin is not None else "")
    return Saved(
        Outcome.DONE,
        days=days,
        due=due,
        merged=twin is not None,
        before=before,
        once=wanted.once,
        held=on_hold,
    )


def _same_local_time(zone: str, now: datetime) -> Callable[[Reminder], datetime]:
    """The due instant of a row moved to `zone`, at the same local time (a one-off on the same
    local day), computed while the row still has its old zone."""

    def due(row: Reminder) -> datetime:
        if row.kind == ONCE and row.next_due is not None:
            day = local_date(row.next_due, row.zone)
            return occurrence_on(day, parse_hhmm(row.local_time), zone)
        return first_due(row.local_time, row.days, zone, now)

    return due


async def set_zone(
    db: TransactionFactory, user_id: int, zone: str, language: str, now: datetime
) -> datetime | None:
    """Store the user's zone and move their reminders to it (same local times); the earliest
    due instant afterwards."""
    async with db() as tx:
        await set_timezone(tx, user_id, zone, language)
        await store.rezone_reminders(tx, user_id, zone, _same_local_time(zone, now))
        await tx.commit()
        return await store.earliest_due(tx)


async def pause_all(db: TransactionFactory, user_id: int, paused: bool) -> bool:
    """Pause or resume every reminder of the user; whether an emergency hold still pauses them."""
    async with db() as tx:
        await store.set_paused(tx, user_id, paused)
        user = await get_user(tx, user_id)
        await tx.commit()
    return held(user)


async def change(
    db: TransactionFactory, user_id: int, reminder_id: int, op: str, now: datetime
) -> Changed:
    """Pause, resume or delete one of the user's reminders (a one-off is only deleted)."""
    async with db() as tx:
        row = await own_reminder(tx, user_id, reminder_id)
        if row is None or (row.kind == ONCE and op != "delete"):
            return Changed(Outcome.NOT_FOUND)  # nothing written: the transaction rolls back
        if op == "delete":
            await store.delete_reminder(tx, row)
        elif op == "pause":
            row.enabled, row.next_due = False, None
        elif op == "resume":
            row.enabled = True
            row.next_due = first_due(row.local_time, row.days, row.zone, now)
        else:
            raise ValueError(f"unknown change {op!r}")
        on_hold = held(await get_user(tx, user_id))
        await tx.commit()
        return Changed(Outcome.DONE, await store.earliest_due(tx), held=on_hold)


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


async def _move_nudged(
    db: TransactionFactory,
    user_id: int,
    reminder_id: int,
    move: Callable[[AsyncSession, Reminder], Awaitable[Outcome]],
) -> Changed:
    """One transaction about the reminder a nudge's button names: `move` it if it is the
    user's, still on and not paused by an emergency hold; written only if it says DONE."""
    async with db() as tx:
        row = await own_reminder(tx, user_id, reminder_id)
        if row is None or (row.kind == ROUTINE and not row.enabled):  # gone, or paused since
            return Changed(Outcome.NOT_FOUND)
        if held(await get_user(tx, user_id)):
            return Changed(Outcome.HELD)
        outcome = await move(tx, row)
        if outcome is not Outcome.DONE:
            return Changed(outcome)  # nothing written: closing the transaction rolls it back
        await tx.commit()
        return Changed(Outcome.DONE, await store.earliest_due(tx))


async def snooze(
    db: TransactionFactory, user_id: int, reminder_id: int, now: datetime, minutes: int
) -> Changed:
    """Move the reminder `minutes` on, unless it is already due within them (a one-off that
    was sent comes once more)."""
    snooze_at = now + timedelta(minutes=minutes)

    async def later(_tx: AsyncSession, row: Reminder) -> Outcome:
        if row.next_due is not None and now < row.next_due <= snooze_at:
            return Outcome.ALREADY_SNOOZED
        row.enabled, row.next_due = True, snooze_at
        return Outcome.DONE

    return await _move_nudged(db, user_id, reminder_id, later)


async def skip_today(
    db: TransactionFactory, user_id: int, reminder_id: int, now: datetime
) -> Changed:
    """Every occurrence of the user's reminders still due today (local) moves past today; a
    one-off due today is dropped."""

    async def past_today(tx: AsyncSession, row: Reminder) -> Outcome:
        today = local_date(now, row.zone)
        for other in await store.user_reminders(tx, user_id):
            if other.next_due is None:
                continue
            if other.kind == ONCE:
                if local_date(other.next_due, other.zone) == today:
                    other.enabled, other.next_due = False, None
                continue
            other.next_due = after_day(
                other.next_due, other.local_time, other.days, other.zone, today
            )
        return Outcome.DONE

    return await _move_nudged(db, user_id, reminder_id, past_today)


async def resume_after_hold(db: TransactionFactory, user_id: int, now: datetime) -> Resumed:
    """Call when an emergency hold is lifted: the daily reminders start again from tomorrow
    (never minutes after the lift: the rest of the day is the person's), one-offs still ahead
    come as set, and reminders the user paused stay paused. Under a hold it changes nothing."""
    async with db() as tx:
        user = await get_user(tx, user_id)
        if user is None or held(user):
            return Resumed((), False, None)
        times = []
        for row in await store.user_reminders(tx, user_id):
            if row.kind == ROUTINE and row.enabled:
                row.next_due = after_today(row.local_time, row.days, row.zone, now)
                times.append(row.local_time)
        paused = user.reminders_paused
        await tx.commit()
        earliest = await store.earliest_due(tx)
    logger.info("user %s: %d reminder(s) start again after a hold", user_id, len(times))
    return Resumed(tuple(times), paused, earliest)
