"""Process leases: each bot process sharing the database beats a heartbeat; one whose heartbeat
has lapsed is dead, and the others may settle what it owned (claims, live sessions)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Instance


async def beat(tx: AsyncSession, name: str, at: datetime) -> None:
    """Record that this process is alive now (the caller commits)."""
    row = await tx.get(Instance, name)
    if row is None:
        tx.add(Instance(name=name, heartbeat_at=at))
    else:
        row.heartbeat_at = at


async def lapsed(tx: AsyncSession, before: datetime, alive: str) -> list[str]:
    """Processes other than `alive` whose last heartbeat is older than `before`."""
    return list(
        await tx.scalars(
            select(Instance.name).where(Instance.heartbeat_at < before, Instance.name != alive)
        )
    )


async def forget(tx: AsyncSession, names: list[str]) -> None:
    """Drop the records of processes whose rows have all been settled."""
    for name in names:
        row = await tx.get(Instance, name)
        if row is not None:
            await tx.delete(row)
