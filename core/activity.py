"""Who was seen today and is not yet written to the database (data retention).

Every update marks its sender (handlers/activity.py); the hourly sweep writes the marks
(background/sweeps.py), so activity costs no write per message.
"""

from __future__ import annotations

from datetime import date


class Activity:
    """People seen today and not yet written to the database."""

    def __init__(self) -> None:
        self.day: date | None = None
        self.seen: set[int] = set()
        self.pending: set[int] = set()

    def note(self, user_id: int, today: date) -> None:
        """Remember the user as seen today (a no-op after the first time today)."""
        if today != self.day:
            self.day, self.seen = today, set()
        if user_id not in self.seen:
            self.seen.add(user_id)
            self.pending.add(user_id)

    def take(self) -> set[int]:
        """The users to write now; they are no longer pending."""
        pending, self.pending = self.pending, set()
        return pending
