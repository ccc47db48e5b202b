"""PostgreSQL: the Mini App's posts sent to two bot processes at once (a retry whose first answer
was lost) are answered alike by both and stored once. Each "process" is its own engine (its own
connections) on one database, as in test_postgres.py."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import cast

from sqlalchemy import func, select

from core.context import BotState
from db import app_answers
from db.connection import make_engine, make_transaction_factory
from db.migrate import upgrade_to_head
from db.models import AppAnswer, RoutineSession, User
from guided import app
from guided.store import APP_OWNER
from tests.postgres.conftest import dispose
from tests.test_app_answers import check_pairs
from tests.test_app_checkpoints import check_checkpoints

PEOPLE = 50
FIRST_ID = 700


async def test_a_checkpoint_sent_to_two_processes_at_once_is_stored_once(
    pg_database: str,
) -> None:
    engines = [make_engine(pg_database), make_engine(pg_database)]
    await upgrade_to_head(engines[0])
    async with make_transaction_factory(engines[0]).begin() as tx:
        tx.add_all(User(id=FIRST_ID + n, language="en") for n in range(PEOPLE))
        await tx.flush()
        sessions = [
            RoutineSession(
                user_id=FIRST_ID + n,
                chat_id=FIRST_ID + n,
                routine_id="quick",
                level=0,
                status="active",
                owner=APP_OWNER,
            )
            for n in range(PEOPLE)
        ]
        tx.add_all(sessions)
    processes = [
        cast(BotState, SimpleNamespace(db=make_transaction_factory(engine))) for engine in engines
    ]
    posts = [
        app.Checkpoint(row.user_id, row.id, 3, "d---", f"cp-{row.user_id}-3") for row in sessions
    ]
    first, second = await asyncio.gather(*(app.checkpoints(p, posts) for p in processes))
    assert first == second
    assert all(answer is not None and answer["beat"] == 3 for answer in first)
    async with make_transaction_factory(engines[0])() as tx:
        rows = await tx.scalar(select(func.count()).select_from(AppAnswer))
        reached = await tx.scalar(
            select(func.count()).where(
                RoutineSession.beat_index == 3, RoutineSession.item_marks == "d---"
            )
        )
    assert (rows, reached) == (PEOPLE, PEOPLE)
    # A key claimed for work done once (It hurts, the warning-sign questions): one process wins.
    claims = await asyncio.gather(
        *(app.claim(p, FIRST_ID, "hurt-key-1", {"session": None}) for p in processes)
    )
    assert sorted(claims) == [False, True]
    await dispose(*engines)


async def test_answers_are_found_by_exact_pairs(pg_database: str) -> None:
    await check_pairs(pg_database, 910)


async def test_checkpoints_move_only_their_own_open_sessions_forward(pg_database: str) -> None:
    await check_checkpoints(pg_database, 920)


async def test_a_checkpoint_batchs_autocommit_ends_with_it(pg_database: str) -> None:
    """The batch runs without BEGIN on PostgreSQL; the connection it used (the pool hands the
    last one out first) is transactional again for the next unit of work."""
    engine = make_engine(pg_database)
    await upgrade_to_head(engine)
    factory = make_transaction_factory(engine)
    data = cast(BotState, SimpleNamespace(db=factory))
    async with factory() as tx:  # each statement stands alone: a rollback undoes nothing
        await app_answers.statements_alone_on_postgres(tx)
        tx.add(User(id=930, language="en"))
        await tx.flush()
        await tx.rollback()
    assert await app.checkpoints(data, [app.Checkpoint(930, 1, 1, "-", "cp-none-1")]) == [None]
    async with factory() as tx:  # the same connection, a transaction again
        tx.add(User(id=931, language="en"))
        await tx.flush()
        await tx.rollback()
    async with factory() as tx:
        assert await tx.get(User, 930) is not None
        assert await tx.get(User, 931) is None
    await dispose(engine)
