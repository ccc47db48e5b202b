"""Failures a test can inject: blocked users, 5xx answers, 429 storms, latency."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class _Planned:
    remaining: int
    method: str | None  # lower-case; None: any method
    value: int
    body: str | None = None


@dataclass
class Faults:
    """Public switches for tests (reached as `emulator.faults`).

    block(user_id) / unblock(user_id): sends to that chat get 403 "bot was blocked by the user".
    fail_next(n, status=502, method=None): the next n calls (of that method) get a 5xx answer:
        nginx's HTML page for 502/503/504, Telegram's JSON for others (body="html"/"json" forces).
    rate_limit_next(n, retry_after=1, method=None): the next n calls get 429 with retry_after.
    latency: seconds added before every answer (settable).
    clear(): all back to normal.
    """

    blocked: set[int] = field(default_factory=set)
    latency: float = 0.0
    _failures: list[_Planned] = field(default_factory=list)
    _rate_limits: list[_Planned] = field(default_factory=list)

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

    def clear(self) -> None:
        self.blocked.clear()
        self.latency = 0.0
        self._failures.clear()
        self._rate_limits.clear()

    def take_failure(self, method: str) -> tuple[int, str | None] | None:
        """(status, body kind) if this call must fail."""
        planned = _take(self._failures, method)
        return (planned.value, planned.body) if planned else None

    def take_rate_limit(self, method: str) -> int | None:
        """retry_after if this call must get a 429."""
        planned = _take(self._rate_limits, method)
        return planned.value if planned else None


def _take(plans: list[_Planned], method: str) -> _Planned | None:
    lowered = method.lower()
    for plan in plans:
        if plan.method is None or plan.method == lowered:
            plan.remaining -= 1
            if plan.remaining <= 0:
                plans.remove(plan)
            return plan
    return None
