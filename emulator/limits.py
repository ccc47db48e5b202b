"""Telegram's sending limits: a token bucket per chat and one for the whole bot."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from emulator.state import Stats

LimitMode = Literal["reject", "count", "off"]

# Methods that put something in a chat but are not "messages" for Telegram's limits.
UNCOUNTED = frozenset({"sendchataction", "deletemessage", "answercallbackquery", "getupdates"})


@dataclass(frozen=True)
class Limits:
    """Sending limits as the emulator enforces them (Telegram's published figures by default).

    mode: "reject" answers 429 with retry_after like Telegram, "count" serves the request but
    counts the violation, "off" ignores limits.
    """

    per_chat_rate: float = 1.0
    per_chat_burst: int = 3
    global_rate: float = 30.0
    global_burst: int = 30
    mode: LimitMode = "count"


class TokenBucket:
    """Token buckets keyed by chat, each stored as one number (the generic cell rate algorithm)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.interval = 1.0 / rate
        self.tolerance = self.interval * (max(burst, 1) - 1)
        self.theoretical_arrival: dict[int, float] = {}

    def wait(self, key: int, now: float) -> float:
        """Seconds until a token is free for this key (0: one is free now)."""
        arrival = max(self.theoretical_arrival.get(key, now), now)
        return max(0.0, arrival - self.tolerance - now)

    def take(self, key: int, now: float) -> None:
        arrival = max(self.theoretical_arrival.get(key, now), now)
        self.theoretical_arrival[key] = arrival + self.interval


class RateLimiter:
    """Decides, per request, whether Telegram would have refused it for going too fast."""

    def __init__(
        self, limits: Limits, stats: Stats, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits
        self.stats = stats
        self.clock = clock
        self.per_chat = TokenBucket(limits.per_chat_rate, limits.per_chat_burst)
        self.overall = TokenBucket(limits.global_rate, limits.global_burst)

    @staticmethod
    def counts(method: str) -> bool:
        lowered = method.lower()
        return lowered.startswith(("send", "edit", "copy", "forward")) and lowered not in UNCOUNTED

    def check(self, method: str, chat_id: int) -> int | None:
        """None if the request may go ahead, else the retry_after of a 429 (mode "reject").

        A refused request takes no token, as Telegram does not deliver it; in "count" mode a
        request over the limit is served but takes no token either, so each violation counted
        is one message Telegram would have refused.
        """
        if self.limits.mode == "off" or not self.counts(method):
            return None
        now = self.clock()
        chat_wait = self.per_chat.wait(chat_id, now)
        global_wait = self.overall.wait(0, now)
        if chat_wait:
            self.stats.per_chat_violations += 1
        if global_wait:
            self.stats.global_violations += 1
        if not chat_wait and not global_wait:
            self.per_chat.take(chat_id, now)
            self.overall.take(0, now)
            return None
        if self.limits.mode == "reject":
            self.stats.rejected_429 += 1
            return max(1, math.ceil(max(chat_wait, global_wait) - 1e-9))
        return None
