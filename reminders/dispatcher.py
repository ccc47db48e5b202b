"""The reminder dispatcher: claims due occurrences, sends them, and advances each row.

One dispatcher (woken by a single scheduler job at the next due instant) serves every user; there
is no scheduler job per reminder. Each occurrence is claimed in the database before it is sent, so
a restart or a crash can neither lose nor repeat it beyond the one message that may have been in
flight at the instant of a crash (reported as "uncertain" at the next start, never re-sent).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum

from db.models import Reminder, utcnow
from db.reminders import (
    Advance,
    Claimed,
    claim_due,
    disable_user_reminders,
    earliest_due,
    finish_delivery,
    unfinished_deliveries,
)
from db.session import SessionFactory
from reminders.schedule import catch_up, next_due

logger = logging.getLogger(__name__)


class Result(StrEnum):
    """How one send ended."""

    SENT = "sent"
    BLOCKED = "blocked"  # 403: the user blocked the bot
    FAILED = "failed"  # gave up after retries
    UNCERTAIN = "uncertain"  # timed out: Telegram may or may not have delivered it


FLUSH_EVERY = 20  # sends recorded per transaction
SendFn = Callable[[Claimed], Awaitable[tuple[Result, int | None]]]


def days_from_mask(mask: int) -> frozenset[int]:
    """Weekday numbers (0 = Monday) from the stored bit mask."""
    return frozenset(day for day in range(7) if mask & (1 << day))


def mask_from_days(days: frozenset[int]) -> int:
    """The stored bit mask from weekday numbers."""
    return sum(1 << day for day in days)


def parse_hhmm(value: str) -> time:
    """The stored 'HH:MM' as a time."""
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def first_due(local_time: str, days: int, zone: str, now: datetime) -> datetime:
    """The first occurrence of a new or changed reminder after now."""
    return next_due(parse_hhmm(local_time), days_from_mask(days), zone, now)


@dataclass
class Stats:
    """Counters for logs and benchmarks: every missed run is counted, none is silent."""

    sent: int = 0
    blocked: int = 0
    failed: int = 0
    uncertain: int = 0
    missed_stale: int = 0
    skipped_paused: int = 0
    late_seconds: list[float] = field(default_factory=list)


class Dispatcher:
    """Finds what is due, claims it, sends it with bounded concurrency, and reports the next due."""

    def __init__(
        self,
        sessions: SessionFactory,
        send: SendFn,
        *,
        grace: timedelta,
        now: Callable[[], datetime] = utcnow,
        batch: int = 2000,
        concurrency: int = 64,
    ) -> None:
        self._sessions = sessions
        self._send = send
        self._grace = grace
        self._now = now
        self._batch = batch
        self._concurrency = asyncio.Semaphore(concurrency)
        self._running = asyncio.Lock()
        self._finished: list[tuple[Claimed, Result, int | None]] = []
        self.stats = Stats()

    def decide(self, row: Reminder, paused: bool, now: datetime) -> Advance:
        """Apply the rules to one due row: send once (even late, within grace) or skip."""
        assert row.next_due is not None
        local = parse_hhmm(row.local_time)
        days = days_from_mask(row.days)
        if paused:
            self.stats.skipped_paused += 1
            return Advance(None, next_due(local, days, row.zone, now), 0)
        send, following = catch_up(local, days, row.zone, row.next_due, now, self._grace)
        missed = 0
        if send is None:
            missed = 1
            logger.warning(
                "reminder %s missed (due %s, beyond the grace period); next %s",
                row.id,
                row.next_due.isoformat(),
                following.isoformat(),
            )
        elif send != row.next_due:
            logger.warning(
                "reminder %s: older occurrences missed; sending the %s one late",
                row.id,
                send.isoformat(),
            )
        return Advance(send, following, missed)

    async def recover(self) -> int:
        """At start: occurrences claimed but unconfirmed are marked uncertain, never re-sent."""
        async with self._sessions() as session:
            rows = await unfinished_deliveries(session)
            for row in rows:
                row.status = Result.UNCERTAIN.value
            await session.commit()
        if rows:
            logger.warning(
                "%d reminder(s) were being sent when the bot stopped: not re-sent", len(rows)
            )
        self.stats.uncertain += len(rows)
        return len(rows)

    async def dispatch(self) -> datetime | None:
        """Send everything due now; return the next due instant (None if nothing is scheduled)."""
        async with self._running:
            while True:
                now = self._now()
                async with self._sessions() as session:
                    claimed, missed = await claim_due(session, now, self._batch, self.decide)
                    await session.commit()
                self.stats.missed_stale += missed
                if claimed:
                    await asyncio.gather(*(self._deliver(item, now) for item in claimed))
                    await self._flush()
                if len(claimed) + missed == 0:
                    break
            async with self._sessions() as session:
                return await earliest_due(session)

    async def _deliver(self, item: Claimed, now: datetime) -> None:
        async with self._concurrency:
            result, message_id = await self._send(item)
        self.stats.late_seconds.append((now - item.due).total_seconds())
        self._finished.append((item, result, message_id))
        if len(self._finished) >= FLUSH_EVERY:
            await self._flush()

    async def _flush(self) -> None:
        """Record how sends ended, many per transaction (a crash leaves at most these few
        "sending": they become "uncertain" at the next start and are not sent again)."""
        if not self._finished:
            return
        batch, self._finished = self._finished, []
        async with self._sessions() as session:
            for item, result, message_id in batch:
                await finish_delivery(session, item.key, result.value, message_id)
                if result is Result.BLOCKED:
                    await disable_user_reminders(session, item.user_id)
            await session.commit()
        for item, result, _ in batch:
            if result is Result.SENT:
                self.stats.sent += 1
            elif result is Result.BLOCKED:
                self.stats.blocked += 1
                logger.info("user %s blocked the bot: their reminders are disabled", item.user_id)
            elif result is Result.UNCERTAIN:
                self.stats.uncertain += 1
            else:
                self.stats.failed += 1
                logger.error("reminder %s could not be sent", item.key)


def seconds_until(moment: datetime | None, now: datetime, cap: float) -> float:
    """How long to sleep until a due instant, capped so changes elsewhere are noticed."""
    if moment is None:
        return cap
    return max(0.0, min(cap, (moment - now).total_seconds()))
