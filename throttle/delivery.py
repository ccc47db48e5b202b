"""Delivery rules: keep sending one request through 429s, 5xx answers, time-outs and network
errors until it gets through or its deadline passes.

The rate limiter already waits out its chat's pace and a few 429s; a delivery rule sits above
it and decides how long a request is worth trying. The stop-and-consult warning uses it with a
two-minute deadline: a rare duplicate (a time-out after Telegram did deliver) is acceptable, a
lost warning is not.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from throttle.limiter import retry_after_seconds

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class DeliveryStats:
    """What the delivery rules did: retries and give-ups, by kind of request."""

    retries: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)

    def count(self, table: dict[str, int], kind: str) -> None:
        table[kind] = table.get(kind, 0) + 1


STATS = DeliveryStats()


@dataclass(frozen=True)
class Rule:
    """How long to keep trying, and how to back off between network failures."""

    kind: str
    deadline: float  # seconds from the first attempt
    first_backoff: float = 0.5
    max_backoff: float = 8.0


WARNING = Rule("warning", deadline=120.0, first_backoff=0.25, max_backoff=4.0)


async def deliver(
    send: Callable[[], Awaitable[T]],
    rule: Rule,
    *,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    jitter: Callable[[], float] = random.random,
    stats: DeliveryStats = STATS,
) -> T:
    """Call `send` until it succeeds or `rule.deadline` passes, then raise the last error.

    429: wait `retry_after` (however long, within the deadline). 5xx, time-outs and other
    network errors: back off exponentially with jitter. 400 and 403 are final at once: sending
    the same request again cannot succeed.
    """
    clock = clock or asyncio.get_running_loop().time  # the loop's clock: what sleep counts in
    started = clock()
    backoff = rule.first_backoff
    attempt = 0
    while True:
        attempt += 1
        try:
            return await send()
        except (BadRequest, Forbidden):
            stats.count(stats.dropped, rule.kind)
            raise
        except RetryAfter as error:
            failure: Exception = error
            wait = retry_after_seconds(error)
        except NetworkError as error:  # 5xx answers, time-outs, connection errors
            failure = error
            wait = backoff * (0.5 + jitter())
            backoff = min(rule.max_backoff, backoff * 2)
        reason = "429" if isinstance(failure, RetryAfter) else type(failure).__name__
        left = rule.deadline - (clock() - started)
        if wait > left:
            stats.count(stats.dropped, rule.kind)
            logger.error(
                "gave up a %s request after %d attempts (%s); deadline of %.0f s",
                rule.kind,
                attempt,
                reason,
                rule.deadline,
            )
            raise failure
        stats.count(stats.retries, rule.kind)
        logger.warning(
            "%s request failed (%s, attempt %d); retrying in %.1f s",
            rule.kind,
            reason,
            attempt,
            wait,
        )
        await sleep(wait)
