"""The checkpoint writer stores the latest position of open sessions and never a finished one."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from db.connection import make_engine, make_transaction_factory
from db.migrate import upgrade_to_head
from db.models import RoutineSession, User
from db.routines import create_session
from guided.checkpoints import CheckpointWriter


async def test_latest_checkpoints_are_written_in_one_flush_and_finished_sessions_kept(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    await upgrade_to_head(engine)
    factory = make_transaction_factory(engine)
    async with factory.begin() as tx:
        tx.add(User(id=1, language="en"))
        await tx.flush()
        ids = [  # one open session per chat: three chats
            (await create_session(tx, user_id=1, chat_id=c, routine_id="quick", level=0)).id
            for c in (1, 2, 3)
        ]
    async with factory.begin() as tx:
        finished = await tx.get(RoutineSession, ids[2])
        assert finished is not None
        finished.status, finished.beat_index = "completed", 40
        paused = await tx.get(RoutineSession, ids[1])
        assert paused is not None
        paused.status = "paused"

    writer = CheckpointWriter(factory)
    writer.record(ids[0], beat_index=3, live_message_id=10, exercises_done=0)
    writer.record(ids[0], beat_index=5, live_message_id=11, exercises_done=1)  # the latest wins
    writer.record(ids[1], beat_index=7, live_message_id=None, exercises_done=2)
    writer.record(ids[2], beat_index=1, live_message_id=12, exercises_done=0)  # already finished
    await writer.flush()

    async with factory() as tx:
        rows = {row.id: row for row in await tx.scalars(select(RoutineSession))}
    assert (rows[ids[0]].beat_index, rows[ids[0]].live_message_id) == (5, 11)
    assert (rows[ids[0]].exercises_done, rows[ids[1]].beat_index) == (1, 7)
    assert rows[ids[2]].beat_index == 40  # a final state is never overwritten
    await engine.dispose()


async def test_stop_never_cuts_a_write_in_half(tmp_path: Path) -> None:
    """Found by tests/fuzz: stop() cancelled the periodic flush in the middle of its write, so
    the checkpoints it carried were lost and SQLite's one connection was dropped mid-transaction:
    the next write (the activity marks, at shutdown) waited out the busy timeout and failed with
    "database is locked"."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    await upgrade_to_head(engine)
    factory = make_transaction_factory(engine)
    async with factory.begin() as tx:
        tx.add(User(id=1, language="en"))
        await tx.flush()
        session_id = (
            await create_session(tx, user_id=1, chat_id=1, routine_id="quick", level=0)
        ).id
    for turns in range(12):  # stop after more and more turns of the loop: mid-write, at times
        writer = CheckpointWriter(factory, interval=0)
        writer.start()
        for beat in range(turns + 1):
            writer.record(session_id, beat_index=beat, live_message_id=None, exercises_done=0)
            await asyncio.sleep(0)
        await writer.stop()
        async with asyncio.timeout(2):  # no lock left behind
            async with factory.begin() as tx:
                row = await tx.get(RoutineSession, session_id)
                assert row is not None and row.beat_index == turns  # the last one is kept
    await engine.dispose()
