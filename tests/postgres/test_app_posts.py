"""PostgreSQL: the Mini App's posts sent to two bot processes at once (a retry whose first answer
was lost) are answered alike by both and stored once. Each "process" is its own engine (its own
connections) on one database, as in test_postgres.py."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from db import app_answers
from db.connection import make_engine, make_transaction_factory
from db.migrate import upgrade_to_head
from db.models import AppAnswer, RoutineSession, User
from guided import app
from guided.store import APP_OWNER
from tests.postgres.conftest import dispose
from tests.test_app_answers import check_pairs
from tests.test_app_checkpoints import app_data, check_checkpoints

PEOPLE = 50
FIRST_ID = 700


async def test_a_checkpoint_sent_to_two_processes_at_once_is_stored_once(
    pg_database: str,
) -> None:
    engines = [make_engine(pg_database), make_engine(pg_database)]
    await upgrade_to_head(engines[0])
    sessions = await _people_with_app_sessions(engines[0], FIRST_ID, PEOPLE)
    processes, batches = zip(*(app_data(engine, pg_database) for engine in engines), strict=True)
    posts = [
        app.Checkpoint(FIRST_ID + n, sid, 3, "d---", f"cp-{FIRST_ID + n}-3")
        for n, sid in enumerate(sessions)
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
    await dispose(*engines, *(engine for engine in batches if engine is not None))


async def test_answers_are_found_by_exact_pairs(pg_database: str) -> None:
    await check_pairs(pg_database, 910)


async def test_checkpoints_move_only_their_own_open_sessions_forward(pg_database: str) -> None:
    await check_checkpoints(pg_database, 920)


async def test_a_checkpoint_batch_has_a_connection_of_its_own_in_autocommit(
    pg_database: str,
) -> None:
    """The batches' own connection runs each statement alone (no BEGIN: a rollback undoes
    nothing) and plans each run with its values; the bot's other connections stay
    transactional, with PostgreSQL's default planning."""
    engine = make_engine(pg_database)
    await upgrade_to_head(engine)
    data, batches = app_data(engine, pg_database)
    assert batches is not None
    assert await app.checkpoints(data, [app.Checkpoint(930, 1, 1, "-", "cp-none-1")]) == [None]
    async with data.batch_db() as tx:
        tx.add(User(id=930, language="en"))
        await tx.flush()
        assert await tx.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
        await tx.rollback()
    async with data.db() as tx:
        tx.add(User(id=931, language="en"))
        await tx.flush()
        assert await tx.scalar(text("SHOW plan_cache_mode")) == "auto"
        await tx.rollback()
    async with data.db() as tx:
        assert await tx.get(User, 930) is not None
        assert await tx.get(User, 931) is None
    await dispose(engine, batches)


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
    """asyncpg's catalog queries for the types it cannot encode alone, on the engine's (last
    used) connection: each is a prepared statement of that connection."""
    async with make_transaction_factory(engine)() as tx:
        found = await tx.scalar(
            text(
                "SELECT count(*) FROM pg_prepared_statements"
                " WHERE statement LIKE '%typeinfo%' AND statement NOT LIKE '%pg_prepared%'"
            )
        )
    return int(found or 0)


async def test_a_checkpoint_batchs_statements_are_planned_with_their_arrays(
    pg_database: str,
) -> None:
    """On the batches' connection, a batch's statements need no catalog query for their types,
    and each run is planned with its values. By default PostgreSQL plans a prepared statement's
    sixth run on without them: for a batch that plan expects an array of 10 rows and looped over
    the open sessions once per post (a batch's write from 11 to 50-88 ms in bench-app-api's
    harness; db/connection.make_batch_engine)."""
    engine = make_engine(pg_database)
    await upgrade_to_head(engine)
    people = 20
    sessions = await _people_with_app_sessions(engine, 950, people)
    data, batches = app_data(engine, pg_database)
    assert batches is not None
    for beat in range(1, 9):  # its one connection runs each statement 8 times
        posts = [
            app.Checkpoint(950 + n, sid, beat, "d---", f"cp-{950 + n}-{beat}")
            for n, sid in enumerate(sessions)
        ]
        answers = await app.checkpoints(data, posts)
        assert all(answer is not None and answer["beat"] == beat for answer in answers)
    async with data.batch_db() as tx:
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
    assert await _type_queries(batches) == 0
    await dispose(engine, batches)


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
