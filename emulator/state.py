"""The emulator's records: events, counters, limits and injected faults."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Limits:
    """Telegram's sending limits as the emulator enforces them.

    mode: "reject" answers 429 like Telegram, "count" serves the request but counts the
    violation, "off" ignores limits.
    """

    per_chat_rate: float = 1.0
    per_chat_burst: int = 3
    global_rate: float = 30.0
    global_burst: int = 30
    mode: str = "count"


@dataclass(slots=True)
class Event:
    """One thing the bot did in a chat, as the emulator served it."""

    kind: str  # send | edit | delete | answer
    chat_id: int
    message_id: int | None
    method: str
    message: dict[str, Any] | None
    monotonic: float
    wall: float
    answer: str | None = None


@dataclass
class Stats:
    """Counters for tests and benchmarks."""

    by_method: Counter[str] = field(default_factory=Counter)
    uploads: int = 0
    file_id_reuses: int = 0
    per_chat_violations: int = 0
    global_violations: int = 0
    rejected_429: int = 0
    errors: Counter[int] = field(default_factory=Counter)


class Gcra:
    """A token bucket as one number per key (the generic cell rate algorithm)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.interval = 1.0 / rate
        self.tolerance = self.interval * (burst - 1)
        self.tat: dict[int, float] = {}

    def take(self, key: int, now: float) -> float:
        """Take one token: 0 if allowed, else the seconds to wait (nothing is taken)."""
        tat = max(self.tat.get(key, now), now)
        wait = tat - self.tolerance - now
        if wait > 1e-9:
            return wait
        self.tat[key] = tat + self.interval
        return 0.0


@dataclass
class Faults:
    """Failures a test can inject."""

    blocked: set[int] = field(default_factory=set)
    latency: float = 0.0
    _fail: list[tuple[int, str | None]] = field(default_factory=list)
    _limit: list[tuple[int, str | None]] = field(default_factory=list)

    def block(self, user_id: int) -> None:
        self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self.blocked.discard(user_id)

    def fail_next(self, n: int, status: int = 502, method: str | None = None) -> None:
        self._fail.extend([(status, method)] * n)

    def rate_limit_next(self, n: int, retry_after: int = 1, method: str | None = None) -> None:
        self._limit.extend([(retry_after, method)] * n)

    def clear(self) -> None:
        self.blocked.clear()
        self.latency = 0.0
        self._fail.clear()
        self._limit.clear()

    def take_failure(self, method: str) -> int | None:
        for index, (status, only) in enumerate(self._fail):
            if only is None or only == method:
                del self._fail[index]
                return status
        return None

    def take_rate_limit(self, method: str) -> int | None:
        for index, (retry_after, only) in enumerate(self._limit):
            if only is None or only == method:
                del self._limit[index]
                return retry_after
        return None


def now_pair() -> tuple[float, float]:
    return time.monotonic(), time.time()
