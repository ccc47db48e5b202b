"""PostgreSQL: the Mini App's posts sent to two bot processes at once (a retry whose first answer
was lost) are answered alike by both and stored once. Each "process" is its own engine (its own
connections) on one database, as in test_postgres.py."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import cast

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

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


async def _people_with_app_sessions(engine: AsyncEngine, first: int, count: int) -> list[int]:
    """`count` people, each with an open app session: the sessions' ids."""
    async with make_transaction_factory(engine).begin() as tx:
        tx.add_all(User(id=first + n, language="en") for n in range(count))
        await tx.flush()
        sessions = [
            RoutineSession(
                user_id=first + n,
                chat_id=first + n,
                routine_id="quick",
                level=0,
                status="active",
                owner=APP_OWNER,
            )
            for n in range(count)
        ]
        tx.add_all(sessions)
        await tx.flush()
        return [row.id for row in sessions]


async def _type_queries(engine: AsyncEngine) -> int:
    """asyncpg's catalog queries for the types it cannot encode alone, on the pool's last used
    connection (each is a prepared statement of that connection)."""
    async with make_transaction_factory(engine)() as tx:
        found = await tx.scalar(
            text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%typeinfo%'")
        )
    return int(found or 0)


async def test_a_checkpoint_batchs_statements_are_planned_with_their_arrays(
    pg_database: str,
) -> None:
    """On one connection, a batch's statements need no catalog query for their types, and by
    default PostgreSQL plans a prepared statement's sixth run on without its values: for a
    batch that plan expects an array of 10 rows and looped over the open sessions once per post
    (a batch's write from 11 to 50-88 ms in bench-app-api's harness). The bot's connections
    plan every run with its values (db/connection.py)."""
    engine = make_engine(pg_database)
    await upgrade_to_head(engine)
    people = 20
    sessions = await _people_with_app_sessions(engine, 950, people)
    data = cast(BotState, SimpleNamespace(db=make_transaction_factory(engine)))
    asked_before = await _type_queries(engine)  # the migrations' own (reading the catalog)
    for beat in range(1, 9):  # one connection (the pool's last used) runs each statement 8 times
        posts = [
            app.Checkpoint(950 + n, sid, beat, "d---", f"cp-{950 + n}-{beat}")
            for n, sid in enumerate(sessions)
        ]
        answers = await app.checkpoints(data, posts)
        assert all(answer is not None and answer["beat"] == beat for answer in answers)
    async with make_transaction_factory(engine)() as tx:
        plans = (
            await tx.execute(
                text(
                    "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
                    " WHERE statement LIKE '%unnest%' AND statement NOT LIKE '%pg_prepared%'"
                )
            )
        ).all()
    assert len(plans) == 2  # the batch's read, and its write
    assert [(generic, custom) for _, generic, custom in plans] == [(0, 8), (0, 8)]
    # Its arrays' types needed no catalog query (text[], `_numbers`).
    assert await _type_queries(engine) == asked_before
    await dispose(engine)


async def test_a_checkpoint_batch_reads_its_rows_by_key(pg_database: str) -> None:
    """Joined to the whole tables, a plan made for an array of 300 posts hashed every answer
    and every session (7 ms at 20,000 answers, growing with them); each row is found by a probe
    of its primary key instead."""
    engine = make_engine(pg_database)
    await upgrade_to_head(engine)
    sessions = await _people_with_app_sessions(engine, 10_000, 2000)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                'INSERT INTO app_answers (user_id, "key", answer, at) SELECT 10000 + g % 2000,'
                " 'k' || g, '{}', now() FROM generate_series(1, 20000) AS g"
            )
        )
        await connection.execute(text("ANALYZE"))
        posts = [(10_000 + n, f"k{n}", sid) for n, sid in enumerate(sessions[:300])]
        plan = await connection.execute(
            text("EXPLAIN " + app_answers._READS["postgresql"].text),
            {
                "users": [str(user) for user, _, _ in posts],
                "keys": [key for _, key, _ in posts],
                "sessions": [str(session) for _, _, session in posts],
            },
        )
        lines = [line for (line,) in plan]
    assert not [line for line in lines if "Seq Scan" in line or "Hash" in line], lines
    probes = [line.strip().split("  (")[0] for line in lines if "Index Scan" in line]
    assert probes == [
        "->  Index Scan using app_answers_pkey on app_answers",
        "->  Index Scan using routine_sessions_pkey on routine_sessions",
    ]
    await dispose(engine)
