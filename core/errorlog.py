"""Errors of the last day, counted for operators, and when to alert them (rate-limited)."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

DAY = timedelta(days=1)
BURST_WINDOW = timedelta(minutes=10)  # errors this close together count towards an alert
KEEP_AT_MOST = 100_000  # timestamps kept: bounded even through an error storm


class ErrorLog:
    """When each recent error happened; how many since start; when admins were last alerted."""

    def __init__(self) -> None:
        self.total = 0
        self._recent: deque[datetime] = deque(maxlen=KEEP_AT_MOST)
        self._alerted_at: datetime | None = None

    def record(self, now: datetime) -> None:
        """Count one error at `now`."""
        self.total += 1
        self._recent.append(now)
        while self._recent and now - self._recent[0] > DAY:
            self._recent.popleft()

    def since(self, moment: datetime) -> int:
        """How many errors were recorded after `moment` (within the last day)."""
        return sum(1 for at in self._recent if at > moment)

    def alert_due(self, now: datetime, threshold: int, quiet: timedelta) -> bool:
        """True (once) when `threshold` errors fell within ten minutes and the admins were not
        alerted within `quiet`; the caller alerts them."""
        if self.since(now - BURST_WINDOW) < threshold:
            return False
        if self._alerted_at is not None and now - self._alerted_at < quiet:
            return False
        self._alerted_at = now
        return True
