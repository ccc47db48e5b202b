"""The Mini App's checkpoints served together (guided/app.checkpoints): each moves only its own
open app session, only forward, and keeps one answer per key (SQLite here; tests/postgres runs
the same checks on PostgreSQL). The set-based statements behind them must find sessions and
answers by key, never by scanning (the query plans on SQLite)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from types import SimpleNamespace
from typing import cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.context import BotState
from db import app_answers
from db.connection import make_batch_engine, make_engine, make_transaction_factory
from db.migrate import upgrade_to_head
from db.models import AppAnswer, RoutineSession, User, utcnow
from guided import app
from guided.store import APP_OWNER

EARLIER = utcnow() - timedelta(hours=1)


def _session(user_id: int, status: str, beat: int, owner: str | None) -> RoutineSession:
    return RoutineSession(
        user_id=user_id,
        chat_id=user_id,
        routine_id="quick",
        level=0,
        status=status,
        owner=owner,
        beat_index=beat,
        item_marks="----",
        updated_at=EARLIER,
    )


def app_data(engine: AsyncEngine, url: str) -> tuple[BotState, AsyncEngine | None]:
    """The state guided/app.py reads, as bot.py makes it: the transaction factory, and the
    checkpoint batches' own (PostgreSQL: its engine, returned to be disposed of)."""
    batches = make_batch_engine(url)
    factory = make_transaction_factory(engine)
    data = SimpleNamespace(db=factory, batch_db=make_transaction_factory(batches or engine))
    return cast(BotState, data), batches


async def check_checkpoints(url: str, first_id: int) -> None:
    engine = make_engine(url)
    try:
        await upgrade_to_head(engine)
        factory = make_transaction_factory(engine)
        people = range(first_id, first_id + 5)
        async with factory.begin() as tx:
            tx.add_all(User(id=uid, language="en") for uid in people)
            await tx.flush()
            behind, ahead, ended, chats, other = (
                _session(first_id, "active", 1, APP_OWNER),
                _session(first_id + 1, "paused", 5, APP_OWNER),
                _session(first_id + 2, "completed", 2, APP_OWNER),
                _session(first_id + 3, "active", 1, "process-1"),  # the chat's session
                _session(first_id + 4, "active", 1, APP_OWNER),
            )
            tx.add_all([behind, ahead, ended, chats, other])
        data, batches = app_data(engine, url)
        posts = [
            app.Checkpoint(behind.user_id, behind.id, 3, "dd--", "cp-behind-3"),
            app.Checkpoint(ahead.user_id, ahead.id, 3, "dd--", "cp-ahead-3"),
            app.Checkpoint(ended.user_id, ended.id, 3, "dd--", "cp-ended-3"),
            app.Checkpoint(chats.user_id, chats.id, 3, "dd--", "cp-chats-3"),
            app.Checkpoint(first_id, other.id, 3, "dd--", "cp-not-mine"),  # not first's
            app.Checkpoint(behind.user_id, behind.id, 3, "dd--", "cp-behind-3"),  # sent twice
        ]
        answers = await app.checkpoints(data, posts)
        assert answers == [
            {"session": behind.id, "beat": 3, "status": "running"},
            {"session": ahead.id, "beat": 5, "status": "running"},
            {"session": ended.id, "beat": 2, "status": "completed"},
            {"session": chats.id, "beat": 1, "status": "running"},
            None,
            {"session": behind.id, "beat": 3, "status": "running"},
        ]
        # Retried later, at another beat, the same key gets its first answer and changes nothing.
        again = [app.Checkpoint(behind.user_id, behind.id, 4, "ddd-", "cp-behind-3")]
        assert await app.checkpoints(data, again) == [answers[0]]
        async with factory() as tx:
            rows = {
                row.id: row
                for row in await tx.scalars(
                    select(RoutineSession).where(RoutineSession.user_id.in_(people))
                )
            }
            kept = list(await tx.scalars(select(AppAnswer).where(AppAnswer.user_id.in_(people))))
        moved = rows[behind.id]
        assert (moved.beat_index, moved.item_marks, moved.exercises_done) == (3, "dd--", 2)
        assert moved.updated_at > EARLIER
        for still in (ahead, ended, chats, other):
            row = rows[still.id]
            assert (row.beat_index, row.item_marks, row.updated_at) == (
                still.beat_index,
                "----",
                EARLIER,
            )
        assert sorted(answer.key for answer in kept) == [
            "cp-ahead-3",
            "cp-behind-3",
            "cp-chats-3",
            "cp-ended-3",
        ]
        if batches is not None:
            await batches.dispose()
    finally:
        await engine.dispose()


async def test_checkpoints_move_only_their_own_open_sessions_forward(database_url: str) -> None:
    await check_checkpoints(database_url, 800)


async def test_the_set_based_statements_find_rows_by_key_on_sqlite(database_url: str) -> None:
    """With the status index in the plan, SQLite read every open session and scanned all the
    changes for each: 32 ms for 275 checkpoints instead of 1 ms."""
    engine = make_engine(database_url)
    await upgrade_to_head(engine)
    await engine.dispose()
    path = database_url.split("///", 1)[1]
    # Each statement with its parameters and its plan: the rows it is given, one by one, each
    # row of the table found by its key.
    statements = [
        (
            app_answers._ADVANCE,
            {"at": "", "owner": "", "changes": "[]"},
            [
                "SCAN json_each VIRTUAL TABLE INDEX 1:",
                "SEARCH routine_sessions USING INTEGER PRIMARY KEY (rowid=?)",
            ],
        ),
        (
            app_answers._PAIRS,
            {"pairs": "[]"},
            [
                "SCAN p VIRTUAL TABLE INDEX 1:",
                "SEARCH a USING INDEX sqlite_autoindex_app_answers_1 (user_id=? AND key=?)",
            ],
        ),
        (app_answers._KEEP, {"at": "", "rows": "[]"}, ["SCAN json_each VIRTUAL TABLE INDEX 1:"]),
        (
            app_answers._READS,
            {"posts": "[]"},
            [
                "SCAN p VIRTUAL TABLE INDEX 1:",
                "SEARCH a USING INDEX sqlite_autoindex_app_answers_1 (user_id=? AND key=?)"
                " LEFT-JOIN",
                "SEARCH s USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN",
            ],
        ),
    ]
    with sqlite3.connect(path) as connection:
        for statement, parameters, expected in statements:
            sql = f"EXPLAIN QUERY PLAN {statement['sqlite'].text}"
            assert [row[3] for row in connection.execute(sql, parameters)] == expected
