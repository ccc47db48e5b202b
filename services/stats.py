"""Units of work for operators: the figures /stats shows (counts only, never who)."""

from __future__ import annotations

from datetime import datetime

from db.connection import TransactionFactory
from db.stats import Figures, collect


async def figures(db: TransactionFactory, now: datetime) -> Figures:
    """Users, sessions, reports, warning-sign answers and reminders, in one transaction."""
    async with db() as tx:
        return await collect(tx, now)
