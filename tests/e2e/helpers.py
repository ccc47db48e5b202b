"""Small helpers shared by the end-to-end tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select


class FakeClock:
    """The bot's wall clock, moved by the test instead of sleeping."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


async def rows(app, model):  # type: ignore[no-untyped-def]
    async with app.bot_data.db() as session:
        return list(await session.scalars(select(model)))


async def daily_reminder_in_utc(user, typed: str):  # type: ignore[no-untyped-def]
    """Set the user's zone to UTC and a daily reminder at `typed` (e.g. "7:30"), as they would."""
    await user.send("/timezone UTC")
    await user.wait_text("Time zone set")
    await user.send(f"/remind {typed}")
    hours, minutes = typed.split(":")
    return await user.wait_text(f"Done: I will remind you at {int(hours):02d}:{minutes}")
