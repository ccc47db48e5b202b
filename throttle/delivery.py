"""The delivery contract of each request: what is retried, for how long, and whether a
rare duplicate or a rare loss is the lesser evil. The rate limiter applies it.

- interactive (replies, edits, photos) and warning (the stop-and-consult warning): 429s, 5xx
  answers, time-outs and network errors are retried until the deadline. A time-out after
  Telegram did deliver makes a rare duplicate; that is better than a lost reply or warning.
- bulk (reminders): only 429s are retried (Telegram refused them, so nothing was delivered).
  Other failures go back to the sender, which retries only what surely never left
  (`never_left`) and otherwise records the reminder as uncertain: a rare loss, never a duplicate.
- 400 and 403 are never retried: the same request cannot succeed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import aiohttp
import httpx


class Delivery(StrEnum):
    """How a paced request is delivered, given as `rate_limit_args={"delivery": ...}`."""

    INTERACTIVE = "interactive"
    WARNING = "warning"
    BULK = "bulk"


@dataclass(frozen=True)
class Contract:
    """How requests of one `Delivery` are delivered."""

    delivery: Delivery
    deadline: float  # seconds from its arrival; what would be retried later is dropped
    retry_failures: bool  # 5xx answers, time-outs, network errors (a retry may duplicate)
    first_backoff: float = 0.25  # before the first retry after a failure, then doubling
    max_backoff: float = 8.0

    def __post_init__(self) -> None:
        if self.deadline < 0:
            raise ValueError(f"the {self.delivery} deadline must be >= 0, got {self.deadline}")


WARNING_DEADLINE: Final = 120.0
BULK_DEADLINE: Final = 600.0

# Transport errors raised before any byte of the request left: no connection could be made, or
# no pooled connection was free. The transport raises NetworkError or TimedOut from them, keeping
# its error as __cause__ (aiohttp: perf/transport.py; httpx: PTB's own HTTPXRequest).
NEVER_LEFT: Final = (
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


def never_left(error: BaseException) -> bool:
    """True if a failed request surely never reached Telegram, so sending it again cannot
    duplicate it. A read or write time-out, a dropped connection or a 5xx answer may come
    after Telegram has processed it: False."""
    return isinstance(error.__cause__, NEVER_LEFT)


def delivery_of(rate_limit_args: dict[str, object] | None) -> Delivery:
    """How a request was sent: `{"delivery": ...}`, `{"bulk": True}`, or interactive."""
    if not rate_limit_args:
        return Delivery.INTERACTIVE
    if rate_limit_args.get("bulk"):
        return Delivery.BULK
    given = rate_limit_args.get("delivery")
    if given is None:
        return Delivery.INTERACTIVE
    try:
        return Delivery(str(given))
    except ValueError:
        known = ", ".join(d.value for d in Delivery)
        raise ValueError(f"unknown delivery {given!r} (known: {known})") from None
