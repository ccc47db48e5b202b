"""The session factory refuses a session opened inside another in the same task."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from db.connection import NestedTransactionError, make_engine, make_transaction_factory


async def test_a_nested_session_is_refused_and_sessions_in_turn_or_in_other_tasks_are_fine(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 's.db'}")
    sessions = make_transaction_factory(engine)
    async with sessions() as first:
        await first.execute(text("SELECT 1"))
        with pytest.raises(NestedTransactionError):
            async with sessions():
                pass
    async with sessions() as second:  # one after the other: fine
        assert (await second.execute(text("SELECT 2"))).scalar() == 2

    async def elsewhere() -> int:
        async with sessions() as tx:
            return int((await tx.execute(text("SELECT 3"))).scalar() or 0)

    assert await asyncio.create_task(elsewhere()) == 3  # another task, started outside
    await engine.dispose()
