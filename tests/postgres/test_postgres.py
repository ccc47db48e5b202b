"""PostgreSQL: the same migrations, and the claim step shared safely by several bot processes.

Each "process" here is a Dispatcher with its own engine (its own connections), as two bot
processes on one database would have; the send function records what would go to Telegram.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from db.migrate import upgrade_to_head
from db.models import Base, Reminder, ReminderDelivery, User
from db.reminders import Claimed
from db.session import make_engine, make_session_factory
from reminders.dispatcher import BeforeSend, Dispatcher, Result
from tests.postgres.conftest import dispose

NOW = datetime.now(UTC).replace(microsecond=0)


async def seed(url: str, count: int) -> None:
    engine = make_engine(url)
    await upgrade_to_head(engine)
    async with make_session_factory(engine).begin() as session:
        for n in range(count):
            session.add(User(id=100 + n, language="en", timezone="UTC", last_seen_at=NOW))
        await session.flush()
        for n in range(count):
            session.add(
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
            make_session_factory(engine),
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
    async with make_session_factory(engines[0])() as session:
        statuses = Counter((await session.scalars(select(ReminderDelivery.status))).all())
        due_left = await session.scalar(
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
        make_session_factory(engine_a), stalled_send, grace=timedelta(hours=2), now=lambda: NOW
    )
    running_a = asyncio.create_task(a.dispatch())
    await asyncio.sleep(0.5)  # A has claimed everything and waits
    b = Dispatcher(
        make_session_factory(engine_b),
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
