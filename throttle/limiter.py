"""A python-telegram-bot rate limiter with a pace per chat and a separate bulk ceiling.

PTB's AIORateLimiter puts every request with a chat_id into one global 30/s bucket, edits
included, so a thousand live sessions (about 200 edits/s) would queue behind each other. Here:
- every chat has its own GCRA bucket (Telegram: about one message per second per chat, short
  bursts tolerated), so chats never slow each other down;
- only requests marked `rate_limit_args={"bulk": True}` (reminders, broadcasts) share the bulk
  bucket (Telegram: about 30 messages per second for bulk notifications);
- an optional overall ceiling guards everything;
- a 429 is honoured: the request waits `retry_after` and is retried, holding back its chat (or,
  for bulk sends, the whole bulk bucket) meanwhile.
Requests for the same chat leave in arrival order.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

EXEMPT = {
    "answercallbackquery",
    "sendchataction",
    "getupdates",
    "getme",
    "getfile",
    "deletemessage",
    "setmycommands",
    "deletemycommands",
    "getmycommands",
    "deletewebhook",
    "setwebhook",
    "getwebhookinfo",
    "setchatmenubutton",
    "close",
    "logout",
}
FORGET_AFTER = 60.0  # seconds of silence after which a chat's state is dropped


class Gcra:
    """A token bucket kept as one float per key: the theoretical arrival time."""

    def __init__(self, rate: float, burst: int) -> None:
        self.interval = 1.0 / rate
        self.tolerance = self.interval * (max(1, burst) - 1)
        self.tat: dict[Any, float] = {}

    def reserve(self, key: Any, now: float) -> float:
        """Book the next slot for `key`; returns how long to wait for it (0: go now)."""
        tat = max(self.tat.get(key, now), now)
        start = max(now, tat - self.tolerance)
        self.tat[key] = max(tat, start) + self.interval
        return start - now

    def hold(self, key: Any, until: float) -> None:
        """Nothing for `key` before `until` (after a 429)."""
        self.tat[key] = max(self.tat.get(key, until), until + self.tolerance)

    def forget_idle(self, now: float) -> int:
        idle = [key for key, tat in self.tat.items() if tat < now - FORGET_AFTER]
        for key in idle:
            del self.tat[key]
        return len(idle)


@dataclass
class Stats:
    """Waits and retries, for logs and benchmarks."""

    waits: dict[str, int] = field(default_factory=lambda: {"chat": 0, "bulk": 0, "overall": 0})
    waited: dict[str, float] = field(
        default_factory=lambda: {"chat": 0.0, "bulk": 0.0, "overall": 0.0}
    )
    retry_after: int = 0
    retries: int = 0


class TelegramRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """Per-chat pacing for everything, a bulk ceiling for broadcasts, 429s honoured."""

    def __init__(
        self,
        *,
        chat_rate: float = 1.0,
        chat_burst: int = 3,
        bulk_rate: float = 30.0,
        bulk_burst: int = 1,  # evenly spaced: never more than bulk_rate in any second
        overall_rate: float | None = None,
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._chats = Gcra(chat_rate, chat_burst)
        self._bulk = Gcra(bulk_rate, bulk_burst)
        self._overall = Gcra(overall_rate, max(1, int(overall_rate))) if overall_rate else None
        self._max_retries = max_retries
        self._clock = clock
        self._sleep = sleep
        self._last_cleanup = clock()
        self.stats = Stats()

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    def tracked_chats(self) -> int:
        return len(self._chats.tat)

    async def _wait(self, kind: str, seconds: float) -> None:
        if seconds > 0:
            self.stats.waits[kind] += 1
            self.stats.waited[kind] += seconds
            await self._sleep(seconds)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for this request's slots, send it, and retry after a 429."""
        chat_id = data.get("chat_id")
        counted = chat_id is not None and endpoint.lower() not in EXEMPT
        bulk = bool(rate_limit_args and rate_limit_args.get("bulk"))
        now = self._clock()
        if now - self._last_cleanup > FORGET_AFTER:
            self._chats.forget_idle(now)
            self._last_cleanup = now
        for attempt in range(self._max_retries + 1):
            if counted:
                # Reserving slots synchronously keeps arrival order: a later request for the
                # same chat books a later slot and so leaves later.
                now = self._clock()
                chat_wait = self._chats.reserve(chat_id, now)
                bulk_wait = self._bulk.reserve("bulk", now) if bulk else 0.0
                overall_wait = self._overall.reserve("all", now) if self._overall else 0.0
                longest = max(chat_wait, bulk_wait, overall_wait)
                kind = (
                    "bulk"
                    if longest == bulk_wait and bulk_wait
                    else "overall"
                    if longest == overall_wait and overall_wait
                    else "chat"
                )
                await self._wait(kind, longest)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                self.stats.retry_after += 1
                delay = error.retry_after
                seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
                logger.warning(
                    "429 from Telegram on %s for chat %s: retry after %.0f s",
                    endpoint,
                    chat_id,
                    seconds,
                )
                if attempt >= self._max_retries:
                    raise
                until = self._clock() + seconds
                if bulk:
                    self._bulk.hold("bulk", until)
                if chat_id is not None:
                    self._chats.hold(chat_id, until)
                self.stats.retries += 1
                await self._sleep(seconds)
        raise AssertionError("unreachable")
