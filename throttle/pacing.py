"""The arithmetic of the ceilings: a GCRA per chat (one float each) and a sliding window for bulk.

Both answer "how long until the next send may go?" and "a send went now"; neither waits itself.
"""

from __future__ import annotations

import math
from collections import deque

ChatKey = int | str


class ChatPace:
    """Telegram's pace per chat as GCRA: each chat is one float, its theoretical arrival time.

    A chat may send once `now >= arrival - tolerance`; each send moves its arrival to
    `max(arrival, now) + interval`. So `burst` sends fit at once, then one per interval. A chat
    whose arrival is in the past is indistinguishable from a chat never seen, which is what lets
    `forget_idle` drop it without changing any later decision.
    """

    __slots__ = ("arrivals", "interval", "reserved_tolerance", "tolerance")

    def __init__(self, rate: float, burst: int, reserve: int = 0) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"chat pace needs rate > 0 and burst >= 1, got {rate}, {burst}")
        self.interval = 1.0 / rate
        self.tolerance = self.interval * (burst - 1)
        # A request asked to leave `reserve` sends of the burst free (a follow-up, which keeps
        # room for the next reply) sees a smaller tolerance.
        self.reserved_tolerance = self.interval * max(0, burst - 1 - reserve)
        self.arrivals: dict[ChatKey, float] = {}

    def delay(self, chat: ChatKey, now: float, *, reserve: bool = False) -> float:
        """Seconds until `chat` may send; zero or less means it may send now."""
        arrival = self.arrivals.get(chat)
        if arrival is None:
            return 0.0
        return arrival - (self.reserved_tolerance if reserve else self.tolerance) - now

    def book(self, chat: ChatKey, now: float) -> None:
        arrival = self.arrivals.get(chat, now)
        self.arrivals[chat] = (arrival if arrival > now else now) + self.interval

    def pause_until(self, chat: ChatKey, until: float) -> None:
        """Nothing for `chat` before `until`, and after it the steady pace, not a fresh burst."""
        paused = until + self.tolerance
        if self.arrivals.get(chat, paused) <= paused:
            self.arrivals[chat] = paused

    def forget_idle(self, now: float) -> int:
        """Drop the chats whose bucket is full again; returns how many were dropped."""
        idle = [chat for chat, arrival in self.arrivals.items() if arrival <= now]
        for chat in idle:
            del self.arrivals[chat]
        return len(idle)


class WindowCeiling:
    """At most `burst` sends in any window of `burst / rate` seconds (bulk: 30 in any second).

    Keeps the last `burst` send times. Unlike a token bucket with the same figures it never lets
    `burst + rate` through in the first second, so "30 per second" holds in every window; it is
    meant for the few global ceilings, not per chat (it costs `burst` floats).
    """

    __slots__ = ("paused_until", "recent", "window")

    def __init__(self, rate: float, burst: int) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"a ceiling needs rate > 0 and burst >= 1, got {rate}, {burst}")
        self.window = burst / rate
        self.recent: deque[float] = deque(maxlen=burst)
        self.paused_until = -math.inf

    def delay(self, now: float) -> float:
        """Seconds until the next send may go; zero or less means now."""
        wait = self.paused_until - now
        recent = self.recent
        if len(recent) == recent.maxlen:
            wait = max(wait, recent[0] + self.window - now)
        return wait

    def book(self, now: float) -> None:
        self.recent.append(now)

    def pause_until(self, until: float) -> None:
        """Nothing through this ceiling before `until` (Telegram answered 429 to a send)."""
        self.paused_until = max(self.paused_until, until)
