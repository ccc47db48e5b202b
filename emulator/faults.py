"""Failures a test can inject: blocked users, 5xx answers, 429 storms, unanswered requests,
latency."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field

from aiohttp import web

# How often a held (dropped) request looks whether its client has given up.
HOLD_POLL_SECONDS = 0.02


@dataclass
class _Planned:
    remaining: int
    method: str | None  # lower-case; None: any method
    value: int
    body: str | None = None
    close_after: float = math.inf  # drops only: seconds before the connection is closed


@dataclass
class Faults:
    """Public switches for tests (reached as `emulator.faults`).

    block(user_id) / unblock(user_id): sends to that chat get 403 "bot was blocked by the user".
    fail_next(n, status=502, method=None): the next n calls (of that method) get a 5xx answer:
        nginx's HTML page for 502/503/504, Telegram's JSON for others (body="html"/"json" forces).
    rate_limit_next(n, retry_after=1, method=None): the next n calls get 429 with retry_after.
    drop_next(n, method=None, close_after=inf): the next n calls are discarded unprocessed and
        never answered: the connection is held until the client gives up (it sees a read
        time-out) or closed after `close_after` seconds (a dropped connection). As nothing was
        processed, a retry cannot duplicate. `dropped` counts them.
    latency: seconds added before every answer (settable).
    clear(): all back to normal.
    """

    blocked: set[int] = field(default_factory=set)
    latency: float = 0.0
    dropped: int = 0
    _failures: list[_Planned] = field(default_factory=list)
    _rate_limits: list[_Planned] = field(default_factory=list)
    _drops: list[_Planned] = field(default_factory=list)

    def block(self, user_id: int) -> None:
        self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self.blocked.discard(user_id)

    def fail_next(
        self, n: int, status: int = 502, method: str | None = None, *, body: str | None = None
    ) -> None:
        if not 500 <= status <= 599:
            raise ValueError("fail_next injects server errors: status must be 5xx")
        self._failures.append(_Planned(n, method.lower() if method else None, status, body))

    def rate_limit_next(self, n: int, retry_after: int = 1, method: str | None = None) -> None:
        self._rate_limits.append(_Planned(n, method.lower() if method else None, retry_after))

    def drop_next(
        self, n: int, method: str | None = None, *, close_after: float = math.inf
    ) -> None:
        if close_after < 0:
            raise ValueError("close_after must be >= 0")
        self._drops.append(_Planned(n, method.lower() if method else None, 0, None, close_after))

    def clear(self) -> None:
        self.blocked.clear()
        self.latency = 0.0
        self._failures.clear()
        self._rate_limits.clear()
        self._drops.clear()

    def take_failure(self, method: str) -> tuple[int, str | None] | None:
        """(status, body kind) if this call must fail."""
        planned = _take(self._failures, method)
        return (planned.value, planned.body) if planned else None

    def take_rate_limit(self, method: str) -> int | None:
        """retry_after if this call must get a 429."""
        planned = _take(self._rate_limits, method)
        return planned.value if planned else None

    def take_drop(self, method: str) -> float | None:
        """Seconds to hold this call unanswered before closing it (inf: until the client gives
        up), or None if it must be served."""
        planned = _take(self._drops, method)
        if planned is None:
            return None
        self.dropped += 1
        return planned.close_after


async def hold_unanswered(request: web.Request, close_after: float) -> web.Response:
    """Answer nothing: wait until the client closes the connection, or close it after
    `close_after` seconds, the way a lost request or a dying proxy looks from the client."""
    loop = asyncio.get_running_loop()
    give_up_at = loop.time() + close_after
    while loop.time() < give_up_at:
        transport = request.transport
        if transport is None or transport.is_closing():
            break
        await asyncio.sleep(min(HOLD_POLL_SECONDS, max(0.0, give_up_at - loop.time())))
    transport = request.transport
    if transport is not None and not transport.is_closing():
        transport.abort()
    # Nothing can be written any more; aiohttp drops this response with the connection.
    return web.Response(status=504)


def _take(plans: list[_Planned], method: str) -> _Planned | None:
    lowered = method.lower()
    for plan in plans:
        if plan.method is None or plan.method == lowered:
            plan.remaining -= 1
            if plan.remaining <= 0:
                plans.remove(plan)
            return plan
    return None
