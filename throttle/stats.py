"""Counters kept by the rate limiter: for /metrics, the shutdown log line and perf/probe.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Ceiling = Literal["chat", "bulk", "overall"]


@dataclass
class WaitTally:
    """How many requests had to wait at one ceiling, and for how long in total."""

    count: int = 0
    seconds: float = 0.0


def _one_tally_per_ceiling() -> dict[Ceiling, WaitTally]:
    return {"chat": WaitTally(), "bulk": WaitTally(), "overall": WaitTally()}


def _none_dropped() -> dict[str, int]:
    return {"interactive": 0, "warning": 0, "bulk": 0}


@dataclass
class LimiterStats:
    """What the limiter did: requests paced, waits per ceiling, 429s and failures seen, retries
    made, requests dropped at their deadline (by delivery: interactive, warning, bulk).

    A wait is counted at the ceiling that held the request: "chat" covers queueing behind
    earlier requests to the same chat and that chat's pace (and its pauses after a 429), "bulk" and
    "overall" queueing for those ceilings. `failed` counts 5xx answers, time-outs and network
    errors met by requests whose delivery retries them.
    """

    paced: int = 0
    waits: dict[Ceiling, WaitTally] = field(default_factory=_one_tally_per_ceiling)
    rate_limited: int = 0
    failed: int = 0
    retries: int = 0
    dropped: dict[str, int] = field(default_factory=_none_dropped)
    withdrawn: int = 0
    # First replies to an action sent at once; those that waited for the chat's next slot
    # (still ahead of the chat's queue) are counted in waits["chat"].
    replies_at_once: int = 0
    # Requests by (delivery, outcome): sent, rejected (400), forbidden (403), rate_limited (a 429
    # at the deadline), failed (5xx, time-outs, network), withdrawn.
    outcomes: dict[tuple[str, str], int] = field(default_factory=dict)

    def record_outcome(self, delivery: str, outcome: str) -> None:
        key = (delivery, outcome)
        self.outcomes[key] = self.outcomes.get(key, 0) + 1

    def record_wait(self, ceiling: Ceiling, seconds: float) -> None:
        if seconds > 0:
            tally = self.waits[ceiling]
            tally.count += 1
            tally.seconds += seconds

    def summary(self) -> str:
        waits = ", ".join(
            f"{ceiling} {tally.count} ({tally.seconds:.1f} s)"
            for ceiling, tally in self.waits.items()
        )
        dropped = ", ".join(f"{delivery} {count}" for delivery, count in self.dropped.items())
        return (
            f"{self.paced} paced requests; waits: {waits}; 429s: {self.rate_limited}; "
            f"failures: {self.failed}; retries: {self.retries}; dropped: {dropped}; "
            f"withdrawn: {self.withdrawn}"
        )
