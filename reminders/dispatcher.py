"""The reminder dispatcher: claims due occurrences, sends them, and advances each row.

One dispatcher (woken by a single scheduler job at the next due instant) serves every user; there
is no scheduler job per reminder. Each occurrence is claimed in the database before it is sent,
and marked "sending" only when its request is about to leave (after the rate limiter let it go).
After a crash, claimed occurrences that never left are sent at the next start; the few that were
on their way to Telegram at that instant are "uncertain" and never sent again (at most once).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from db.connection import TransactionFactory
from db.models import Reminder, utcnow
from db.reminders import (
    ONE_OFF,
    Claimed,
    Owner,
    claim_due,
    disable_user_reminders,
    earliest_due,
    finish_delivery,
    settle_after_stop,
    start_sending,
)
from reminders.schedule import Advance, catch_up, days_from_mask, next_due, parse_hhmm
from safety.rules import Hold

logger = logging.getLogger(__name__)


class Result(StrEnum):
    """How one send ended."""

    SENT = "sent"
    BLOCKED = "blocked"  # 403: the user blocked the bot
    FAILED = "failed"  # gave up after retries
    UNCERTAIN = "uncertain"  # timed out: Telegram may or may not have delivered it
    WITHDRAWN = "withdrawn"  # handed back by a restart or taken by another process: not sent


BeforeSend = Callable[[], Awaitable[bool]]
# send(item, before_send): the sender calls before_send() right before the request leaves and
# must not send if it returns False.
SendFn = Callable[[Claimed, BeforeSend], Awaitable[tuple[Result, int | None]]]
Finished = tuple[Claimed, Result, int | None]


class Ledger:
    """Records sends as they happen, many per transaction (a group commit).

    `mark(key)` moves a claimed occurrence to "sending" right before its request leaves and
    waits for the commit; `record(...)` notes how a send ended and is written with the next
    commit. One transaction serves every mark and result that arrived meanwhile, so a crash
    leaves "sending" only what was on its way to Telegram in the last few milliseconds.
    """

    def __init__(
        self, transactions: TransactionFactory, on_written: Callable[[Finished], None]
    ) -> None:
        self._transactions = transactions
        self._on_written = on_written
        self._marks: dict[str, asyncio.Future[bool]] = {}
        self._results: list[Finished] = []
        self._task: asyncio.Task[None] | None = None

    async def mark(self, key: str) -> bool:
        """True if this process may send the occurrence now (it is recorded as "sending")."""
        future = asyncio.get_running_loop().create_future()
        self._marks[key] = future
        self._wake()
        return await future

    def record(self, finished: Finished) -> None:
        """Write how a send ended with the next commit."""
        self._results.append(finished)
        self._wake()

    async def flush(self) -> None:
        """Wait until everything recorded so far is written."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    def _wake(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain(), name="reminders:ledger")

    async def _drain(self) -> None:
        while self._marks or self._results:
            marks, self._marks = self._marks, {}
            results, self._results = self._results, []
            try:
                async with self._transactions() as tx:
                    for item, result, message_id in results:
                        await finish_delivery(tx, item.key, result.value, message_id)
                        if result is Result.BLOCKED:
                            await disable_user_reminders(tx, item.user_id)
                    won = await start_sending(tx, list(marks)) if marks else set()
                    await tx.commit()
            except Exception as error:
                # Marks fail (nothing is sent; the claims are handed back at the next start);
                # results stay "sending" and become "uncertain" then, never sent twice.
                logger.exception("could not record %d reminder sends", len(marks) + len(results))
                for future in marks.values():
                    if not future.done():
                        future.set_exception(error)
                continue
            for key, future in marks.items():
                if not future.done():
                    future.set_result(key in won)
            for finished in results:
                self._on_written(finished)


@dataclass
class Stats:
    """Counters for the logs and /metrics: every missed run is counted, none is silent."""

    sent: int = 0
    blocked: int = 0
    failed: int = 0
    uncertain: int = 0
    missed_stale: int = 0
    skipped_paused: int = 0
    withdrawn: int = 0


class Dispatcher:
    """Finds what is due, claims it, sends it with bounded concurrency, and reports the next due."""

    def __init__(
        self,
        transactions: TransactionFactory,
        send: SendFn,
        *,
        grace: timedelta,
        now: Callable[[], datetime] = utcnow,
        batch: int = 2000,
        concurrency: int = 64,
        owner: str = "main",
    ) -> None:
        self._transactions = transactions
        self._send = send
        self._grace = grace
        self._now = now
        self._batch = batch
        self.owner = owner
        self._concurrency = asyncio.Semaphore(concurrency)
        self._ledger = Ledger(transactions, self._count)
        self._running = asyncio.Lock()
        self.stats = Stats()

    def decide(self, row: Reminder, owner: Owner, now: datetime) -> Advance:
        """Apply the rules to one due row: send once (even late, within grace) or skip.

        Paused reminders and every reminder of a user on an emergency safety hold are skipped,
        not queued. A one-off row (one the user set, or the morning check) is sent once, or
        dropped if stale, paused or held.
        """
        assert row.next_due is not None
        paused = owner.paused or owner.hold == Hold.EMERGENCY
        if row.kind in ONE_OFF:
            if paused:
                self.stats.skipped_paused += 1
                return Advance(row.id, None, None, 0)
            if now - row.next_due > self._grace:
                logger.warning("one-off check %s missed (due %s)", row.id, row.next_due)
                return Advance(row.id, None, None, 1)
            return Advance(row.id, row.next_due, None, 0)
        local = parse_hhmm(row.local_time)
        days = days_from_mask(row.days)
        if paused:
            self.stats.skipped_paused += 1
            return Advance(row.id, None, next_due(local, days, row.zone, now), 0)
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
        return Advance(row.id, send, following, missed)

    async def recover(self, lapsed: Collection[str] = (), *, at_start: bool = True) -> int:
        """Send again what a stop left claimed; never re-send what was in flight.

        At start: this process's own earlier claims (same INSTANCE_ID) and unowned ones; at any
        time: those of `lapsed` processes, whose lease has run out.
        """
        owners = [self.owner, *lapsed] if at_start else list(lapsed)
        if not owners:
            return 0
        async with self._transactions() as tx:
            handed_back, uncertain = await settle_after_stop(tx, owners, unowned=at_start)
            await tx.commit()
        if handed_back:
            logger.warning(
                "%d reminder(s) were claimed but not sent when the bot stopped: sending them now",
                handed_back,
            )
        if uncertain:
            logger.warning(
                "%d reminder(s) were on their way to Telegram when the bot stopped: not re-sent",
                uncertain,
            )
        self.stats.uncertain += uncertain
        return uncertain

    async def dispatch(self) -> datetime | None:
        """Send everything due now; return the next due instant (None if nothing is scheduled)."""
        async with self._running:
            now = self._now()
            claimed, missed = await self._claim(now)
            while claimed or missed:
                sending = asyncio.gather(*(self._deliver(item) for item in claimed))
                upcoming: tuple[list[Claimed], int] | None = None
                if len(claimed) + missed >= self._batch:
                    # A full batch: more may be due. Claim the next batch while this one is
                    # being sent, so sending never pauses between batches (claimed but unsent
                    # occurrences are handed back after a crash: claiming early loses nothing).
                    upcoming = await self._claim(self._now())
                await sending
                await self._ledger.flush()
                now = self._now()
                claimed, missed = upcoming if upcoming is not None else await self._claim(now)
            async with self._transactions() as tx:
                return await earliest_due(tx)

    async def _claim(self, now: datetime) -> tuple[list[Claimed], int]:
        async with self._transactions() as tx:
            claimed, missed = await claim_due(tx, now, self._batch, self.decide, process=self.owner)
            await tx.commit()
        self.stats.missed_stale += missed
        return claimed, missed

    async def _deliver(self, item: Claimed) -> None:
        marked = False

        async def before_send() -> bool:
            nonlocal marked
            if not marked:
                marked = await self._ledger.mark(item.key)
            return marked

        async with self._concurrency:
            try:
                result, message_id = await self._send(item, before_send)
            except Exception:
                # Not recorded as sent: the claim stays and is handed back at the next start.
                logger.exception("reminder %s: the send failed unexpectedly", item.key)
                return
        if result is Result.WITHDRAWN:
            self.stats.withdrawn += 1
            logger.info("reminder %s was taken over elsewhere: not sent here", item.key)
            return
        self._ledger.record((item, result, message_id))

    def _count(self, finished: Finished) -> None:
        """Count (and log) one send once its result is written."""
        item, result, _ = finished
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
