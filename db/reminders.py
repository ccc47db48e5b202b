"""Query functions for reminders: CRUD, and the claim step of the dispatcher.

The claim is the heart of "exactly once": inside one transaction the due rows are locked (on
PostgreSQL with FOR UPDATE SKIP LOCKED, so several bot processes can share the table), a delivery
row keyed by (reminder, occurrence) is inserted as "claimed", and the reminder moves to its next
due instant. Right before its request goes out, an occurrence moves from "claimed" to "sending"
(a compare-and-set: only one process can win it). After a crash, "claimed" occurrences never
reached Telegram and are handed back; "sending" ones may have, and are never sent again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Reminder, ReminderDelivery, User, UserProgress, utcnow

ROUTINE = "routine"  # the daily invitation the user set up
ONCE = "once"  # an invitation the user set for one day only ("tomorrow at 7:30pm")
NEXT_DAY = "next_day"  # the one-off morning check after a painful day
ONE_OFF = frozenset({ONCE, NEXT_DAY})  # sent once, then disabled (and no longer listed)


@dataclass(frozen=True)
class Owner:
    """What the dispatcher's rules need to know about a reminder's user."""

    paused: bool = False  # the user paused all reminders
    hold: str | None = None  # users.safety_hold
    flare_since: datetime | None = None
    last_pain_at: datetime | None = None


@dataclass(frozen=True)
class Claimed:
    """An occurrence claimed for sending."""

    key: str
    reminder_id: int
    user_id: int
    chat_id: int
    due: datetime
    language: str
    kind: str = ROUTINE
    owner: Owner = Owner()


class Decision(Protocol):
    """What the scheduling rules decided for one due row (reminders/schedule.Advance)."""

    @property
    def send_due(self) -> datetime | None: ...  # the occurrence to send now, or None

    @property
    def next_due(self) -> datetime | None: ...  # the row's next due instant; None: done

    @property
    def missed(self) -> int: ...  # occurrences skipped as stale

    @property
    def key(self) -> str | None: ...  # the occurrence's idempotency key, if one is sent


async def add_reminder(
    tx: AsyncSession,
    *,
    user_id: int,
    chat_id: int,
    local_time: str,
    days: int,
    zone: str,
    next_due: datetime,
    kind: str = ROUTINE,
) -> Reminder:
    """Store a new reminder."""
    row = Reminder(
        user_id=user_id,
        chat_id=chat_id,
        kind=kind,
        local_time=local_time,
        days=days,
        zone=zone,
        next_due=next_due,
        enabled=True,
    )
    tx.add(row)
    await tx.flush()
    return row


async def user_reminders(tx: AsyncSession, user_id: int) -> list[Reminder]:
    """The reminders the user set: daily ones, and one-offs not yet sent; by time of day."""
    return list(
        await tx.scalars(
            select(Reminder)
            .where(
                Reminder.user_id == user_id,
                or_(
                    Reminder.kind == ROUTINE,
                    and_(Reminder.kind == ONCE, Reminder.enabled.is_(True)),
                ),
            )
            .order_by(Reminder.local_time, Reminder.id)
        )
    )


async def prune_sent_one_offs(tx: AsyncSession, user_id: int) -> None:
    """Delete the user's one-off reminders that are done, once their send is settled (a send
    still claimed or on its way keeps its row, or it could not be recorded)."""
    open_send = (
        select(ReminderDelivery.key)
        .where(
            ReminderDelivery.reminder_id == Reminder.id,
            ReminderDelivery.status.in_(("claimed", "sending")),
        )
        .exists()
    )
    await tx.execute(
        delete(Reminder).where(
            Reminder.user_id == user_id,
            Reminder.kind == ONCE,
            Reminder.enabled.is_(False),
            ~open_send,
        )
    )


async def schedule_next_day_check(
    tx: AsyncSession, *, user_id: int, chat_id: int, local_time: str, zone: str, due: datetime
) -> Reminder:
    """Set the user's one-off morning check (one per user: a new one replaces a pending one)."""
    row = await tx.scalar(
        select(Reminder).where(Reminder.user_id == user_id, Reminder.kind == NEXT_DAY)
    )
    if row is None:
        row = Reminder(user_id=user_id, chat_id=chat_id, kind=NEXT_DAY, days=0b1111111)
        tx.add(row)
    row.local_time, row.zone, row.next_due, row.enabled = local_time, zone, due, True
    await tx.flush()
    return row


async def cancel_next_day_checks(tx: AsyncSession, user_id: int) -> None:
    """Drop a pending morning check (the user turned them off)."""
    await tx.execute(delete(Reminder).where(Reminder.user_id == user_id, Reminder.kind == NEXT_DAY))


async def get_reminder(tx: AsyncSession, reminder_id: int) -> Reminder | None:
    """A reminder by id."""
    return await tx.get(Reminder, reminder_id)


async def delete_reminder(tx: AsyncSession, row: Reminder) -> None:
    """Delete a reminder (its deliveries go with it)."""
    await tx.delete(row)


async def earliest_due(tx: AsyncSession) -> datetime | None:
    """The next instant any reminder is due (uses the index on next_due)."""
    return await tx.scalar(select(func.min(Reminder.next_due)))


async def claim_due(
    tx: AsyncSession,
    now: datetime,
    limit: int,
    decide: Callable[[Reminder, Owner, datetime], Decision],
    process: str | None = None,
) -> tuple[list[Claimed], int]:
    """Claim up to `limit` due reminders: record each occurrence, then advance the row.

    `decide(row, owner, now)` applies the scheduling rules (grace period, DST, pauses, safety
    holds). Returns the claimed occurrences and the number of occurrences skipped. The caller
    commits.
    """
    query = (
        select(
            Reminder,
            User.language,
            User.reminders_paused,
            User.safety_hold,
            UserProgress.flare_since,
            UserProgress.last_pain_at,
        )
        .join(User, User.id == Reminder.user_id)
        .outerjoin(UserProgress, UserProgress.user_id == Reminder.user_id)
        .where(Reminder.next_due <= now, Reminder.enabled.is_(True))
        .order_by(Reminder.next_due)
        .limit(limit)
    )
    if tx.bind is not None and tx.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Reminder)
    decisions = []
    for row, language, paused, hold, flare_since, last_pain_at in (await tx.execute(query)).all():
        owner = Owner(bool(paused), hold, flare_since, last_pain_at)
        decision = decide(row, owner, now)
        key = decision.key
        decisions.append((row, language, owner, decision, key))
    keys = [key for *_, key in decisions if key is not None]
    # One query for the occurrences already recorded, not one per row.
    known = (
        set(await tx.scalars(select(ReminderDelivery.key).where(ReminderDelivery.key.in_(keys))))
        if keys
        else set()
    )
    claimed: list[Claimed] = []
    missed = 0
    for row, language, owner, decision, key in decisions:
        missed += decision.missed
        if key is not None and decision.send_due is not None and key not in known:
            known.add(key)
            tx.add(
                ReminderDelivery(
                    key=key,
                    reminder_id=row.id,
                    user_id=row.user_id,
                    due=decision.send_due,
                    status="claimed",
                    owner=process,
                )
            )
            claimed.append(
                Claimed(
                    key,
                    row.id,
                    row.user_id,
                    row.chat_id,
                    decision.send_due,
                    language,
                    row.kind,
                    owner,
                )
            )
        row.next_due = decision.next_due
        if decision.next_due is None:
            row.enabled = False  # a one-off is done (sent, or dropped by a pause or a hold)
    return claimed, missed


async def finish_delivery(
    tx: AsyncSession, key: str, status: str, message_id: int | None = None
) -> None:
    """Record how a claimed occurrence ended (sent, failed, blocked)."""
    await tx.execute(
        update(ReminderDelivery)
        .where(ReminderDelivery.key == key)
        .values(
            status=status, message_id=message_id, sent_at=utcnow() if status == "sent" else None
        )
    )


async def start_sending(tx: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Move claimed occurrences to "sending"; return the keys this call won (the caller commits).

    A key not won was handed back by a restart, or is already being sent: it must not be sent.
    """
    won = await tx.scalars(
        update(ReminderDelivery)
        .where(ReminderDelivery.key.in_(keys), ReminderDelivery.status == "claimed")
        .values(status="sending")
        .returning(ReminderDelivery.key)
    )
    return set(won)


async def settle_after_stop(
    tx: AsyncSession, owners: Collection[str], *, unowned: bool = True
) -> tuple[int, int]:
    """Hand back what never left, mark what was in flight; (handed back, uncertain).

    Only occurrences claimed by `owners` (this process's previous run, or processes whose lease
    has lapsed) and, with `unowned`, those claimed before ownership was recorded. A "claimed"
    occurrence was never given to Telegram: its row is deleted (only if it is still "claimed":
    a compare-and-set, so a live process's send is never taken from it) and the reminder rewound
    to it, so the dispatcher sends it. A "sending" one may have reached Telegram: it becomes
    "uncertain" and is not sent again.
    """
    mine: ColumnElement[bool] = ReminderDelivery.owner.in_(list(owners))
    if unowned:
        mine = or_(mine, ReminderDelivery.owner.is_(None))
    handed_back = 0
    claimed = await tx.scalars(
        select(ReminderDelivery).where(ReminderDelivery.status == "claimed", mine)
    )
    for delivery in list(claimed):
        gone = await tx.execute(
            delete(ReminderDelivery).where(
                ReminderDelivery.key == delivery.key, ReminderDelivery.status == "claimed"
            )
        )
        if not gone.rowcount:  # type: ignore[attr-defined]
            continue  # it moved on meanwhile: its sender has it
        reminder = await tx.get(Reminder, delivery.reminder_id)
        if reminder is not None and reminder.enabled:
            reminder.next_due = min(reminder.next_due or delivery.due, delivery.due)
        handed_back += 1
    uncertain = await tx.execute(
        update(ReminderDelivery)
        .where(ReminderDelivery.status == "sending", mine)
        .values(status="uncertain")
    )
    return handed_back, int(uncertain.rowcount or 0)  # type: ignore[attr-defined]


async def disable_user_reminders(tx: AsyncSession, user_id: int) -> None:
    """The user blocked the bot: stop all their reminders (they are not retried)."""
    await tx.execute(
        update(Reminder).where(Reminder.user_id == user_id).values(enabled=False, next_due=None)
    )


async def set_paused(tx: AsyncSession, user_id: int, paused: bool) -> None:
    """Pause or resume all of a user's reminders."""
    await tx.execute(update(User).where(User.id == user_id).values(reminders_paused=paused))


async def rezone_reminders(
    tx: AsyncSession, user_id: int, zone: str, first: Callable[[Reminder], datetime]
) -> None:
    """After a change of time zone: same local times, new zone, recomputed due instants
    (`first(row)` is called while the row still has its old zone)."""
    for row in await user_reminders(tx, user_id):
        due = first(row) if row.enabled else None
        row.zone, row.next_due = zone, due


async def prune_deliveries(tx: AsyncSession, before: datetime) -> int:
    """Delete settled delivery records claimed before an instant; return how many."""
    result = await tx.execute(
        delete(ReminderDelivery).where(
            ReminderDelivery.claimed_at < before,
            ReminderDelivery.status.not_in(("claimed", "sending")),
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
