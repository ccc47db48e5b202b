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
