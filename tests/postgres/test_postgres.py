"""PostgreSQL: the same migrations, and the claim step shared safely by several bot processes.

Each "process" here is a Dispatcher with its own engine (its own connections), as two bot
processes on one database would have; the send function records what would go to Telegram.
The kill test runs a second, real process (tests/postgres/process_a.py) and SIGKILLs it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from db import instances
from db.connection import make_engine, make_transaction_factory
from db.migrate import upgrade_to_head
from db.models import Base, Instance, Reminder, ReminderDelivery, RoutineSession, User
from db.reminders import Claimed
from db.routines import claim_interrupted
from reminders.dispatcher import BeforeSend, Dispatcher, Result
from tests.postgres.conftest import dispose

NOW = datetime.now(UTC).replace(microsecond=0)


async def seed(url: str, count: int) -> None:
    engine = make_engine(url)
    await upgrade_to_head(engine)
    async with make_transaction_factory(engine).begin() as tx:
        for n in range(count):
            tx.add(User(id=100 + n, language="en", timezone="UTC", last_seen_at=NOW))
        await tx.flush()
        for n in range(count):
            tx.add(
                Reminder(
                    user_id=100 + n,
                    chat_id=100 + n,
                    local_time=(NOW - timedelta(minutes=1)).strftime("%H:%M"),
                    days=0b1111111,
                    zone="UTC",
                    enabled=True,
                    next_due=NOW - timedelta(minutes=1),
                )
            )
    await engine.dispose()


class Telegram:
    """Records each reminder that would reach Telegram, and which process sent it."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def sender(self, process: str, delay: float = 0.0):  # type: ignore[no-untyped-def]
        async def send(item: Claimed, before_send: BeforeSend) -> tuple[Result, int | None]:
            await asyncio.sleep(delay)
            if not await before_send():
                return Result.WITHDRAWN, None
            self.sent.append((item.key, process))
            return Result.SENT, len(self.sent)

        return send


async def test_migrations_build_the_models_schema_on_postgres(pg_database: str) -> None:
    engine = make_engine(pg_database)
    await upgrade_to_head(engine)

    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []
    await engine.dispose()


async def test_two_processes_share_the_due_reminders_without_sending_any_twice(
    pg_database: str,
) -> None:
    count = 600
    await seed(pg_database, count)
    telegram = Telegram()
    engines = [make_engine(pg_database), make_engine(pg_database)]
    dispatchers = [
        Dispatcher(
            make_transaction_factory(engine),
            telegram.sender(name, delay=0.001),
            grace=timedelta(hours=2),
            now=lambda: NOW,
            batch=50,
        )
        for engine, name in zip(engines, ("a", "b"), strict=True)
    ]
    await asyncio.gather(*(dispatcher.dispatch() for dispatcher in dispatchers))
    keys = Counter(key for key, _ in telegram.sent)
    assert len(keys) == count and max(keys.values()) == 1  # every one, once
    by_process = Counter(process for _, process in telegram.sent)
    assert by_process["a"] > 0 and by_process["b"] > 0  # SKIP LOCKED let both work at once
    async with make_transaction_factory(engines[0])() as tx:
        statuses = Counter((await tx.scalars(select(ReminderDelivery.status))).all())
        due_left = await tx.scalar(
            select(func.count()).select_from(Reminder).where(Reminder.next_due <= NOW)
        )
    assert statuses == {"sent": count} and due_left == 0
    await dispose(*engines)


async def test_a_restarted_process_takes_over_unsent_claims_and_the_old_one_backs_off(
    pg_database: str,
) -> None:
    """Process A claimed a batch and stalled before sending; B starts, hands A's claims back
    and sends them; when A wakes up, every one of its sends is withdrawn."""
    count = 40
    await seed(pg_database, count)
    telegram = Telegram()
    engine_a, engine_b = make_engine(pg_database), make_engine(pg_database)
    stalled = asyncio.Event()

    async def stalled_send(item: Claimed, before_send: BeforeSend) -> tuple[Result, int | None]:
        await stalled.wait()
        return await telegram.sender("a")(item, before_send)  # type: ignore[no-any-return]

    a = Dispatcher(
        make_transaction_factory(engine_a), stalled_send, grace=timedelta(hours=2), now=lambda: NOW
    )
    running_a = asyncio.create_task(a.dispatch())
    await asyncio.sleep(0.5)  # A has claimed everything and waits
    b = Dispatcher(
        make_transaction_factory(engine_b),
        telegram.sender("b"),
        grace=timedelta(hours=2),
        now=lambda: NOW,
    )
    await b.recover()
    await b.dispatch()
    stalled.set()
    await running_a
    assert sorted(Counter(key for key, _ in telegram.sent).values()) == [1] * count
    assert {process for _, process in telegram.sent} == {"b"}
    assert a.stats.withdrawn == count
    await dispose(engine_a, engine_b)


async def test_a_killed_process_is_settled_by_the_survivor_after_its_lease(  # type: ignore[no-untyped-def]
    pg_database: str, tmp_path
) -> None:
    """Two real processes share a burst; A is killed with SIGKILL mid-burst. B never takes A's
    claims or live sessions while A's lease runs, and settles them once it has lapsed: every
    reminder reaches Telegram once at most, and only what was in flight at the kill is uncertain.
    """
    count = 300
    await seed(pg_database, count)
    engine = make_engine(pg_database)
    factory = make_transaction_factory(engine)
    async with factory.begin() as tx:  # a live session of each process
        for owner in ("a", "b"):
            tx.add(
                RoutineSession(
                    user_id=100,
                    chat_id=100 if owner == "a" else 101,
                    routine_id="quick",
                    level=0,
                    status="active",
                    owner=owner,
                )
            )
    sent_by_a = tmp_path / "a.txt"
    a = subprocess.Popen(
        [sys.executable, "-m", "tests.postgres.process_a", pg_database, str(sent_by_a)],
        cwd=Path(__file__).resolve().parents[2],
    )
    telegram = Telegram()
    b = Dispatcher(
        factory,
        telegram.sender("b", 0.02),
        grace=timedelta(hours=2),
        now=lambda: NOW,
        owner="b",
        batch=50,
        concurrency=4,
    )
    try:
        for _ in range(200):  # until A has sent a third of the burst
            if sent_by_a.exists() and len(sent_by_a.read_text().split()) >= count // 6:
                break
            await asyncio.sleep(0.05)
        # B starts meanwhile: its start-up settles only its own earlier claims and sessions.
        await b.recover()
        async with factory.begin() as tx:
            assert [r.owner for r in await claim_interrupted(tx, ["b"], unowned=False)] == ["b"]
        b_running = asyncio.create_task(b.dispatch())
        await asyncio.sleep(0.3)
    finally:
        os.kill(a.pid, signal.SIGKILL)
        a.wait()
    await b_running
    # A's lease has not lapsed yet: nothing of A's is touched.
    async with factory() as tx:
        assert await instances.lapsed(tx, datetime.now(UTC) - timedelta(seconds=60), "b") == []
        a_session = await tx.scalar(select(RoutineSession).where(RoutineSession.owner == "a"))
        assert a_session is not None and a_session.status == "active"
    # The lease lapses (A's heartbeat is old): B settles A's claims and sessions, and sends.
    async with factory.begin() as tx:
        (await tx.get(Instance, "a")).heartbeat_at = datetime.now(UTC) - timedelta(hours=1)
    async with factory() as tx:
        lapsed = await instances.lapsed(tx, datetime.now(UTC) - timedelta(seconds=60), "b")
    assert lapsed == ["a"]
    uncertain = await b.recover(lapsed, at_start=False)
    async with factory.begin() as tx:
        interrupted = await claim_interrupted(tx, lapsed, unowned=False)
    assert [r.owner for r in interrupted] == ["a"]
    await b.dispatch()
    keys = sent_by_a.read_text().split() + [key for key, _ in telegram.sent]
    async with factory() as tx:
        statuses = Counter((await tx.execute(select(ReminderDelivery.status))).scalars())
        b_session = await tx.scalar(select(RoutineSession).where(RoutineSession.owner == "b"))
    assert max(Counter(keys).values()) == 1  # never twice
    assert statuses["sent"] + statuses["uncertain"] == count  # never lost unseen
    assert uncertain == statuses["uncertain"] <= 4  # only what was in flight at the kill
    assert len(set(keys)) >= count - uncertain
    assert b_session is not None and b_session.status == "interrupted"  # claimed above, at "start"
    await dispose(engine)
