"""perf/sqlite_driver.py: one trip to aiosqlite's thread per statement, with the same results,
row counts, errors and transactions as SQLAlchemy's own aiosqlite adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.connection import make_engine, make_transaction_factory
from perf import sqlite_driver

METADATA = MetaData()
NOTES = Table(
    "notes",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("owner", Integer, nullable=False),
    Column("body", String, unique=True),
)


class Trips:
    """Counts the calls made on aiosqlite's thread."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = aiosqlite.Connection._execute

        async def counted(connection: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return await real(connection, fn, *args, **kwargs)

        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)

    def since(self, start: int) -> int:
        return self.count - start


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(METADATA.create_all)
    yield engine
    await engine.dispose()


async def test_each_statement_is_one_trip_and_a_rollback_after_commit_none(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips = Trips(monkeypatch)
    factory = make_transaction_factory(engine)
    async with factory() as tx:  # the connection is open already (the fixture made the table)
        start = trips.count
        await tx.execute(insert(NOTES), [{"owner": 1, "body": "a"}, {"owner": 1, "body": "b"}])
        changed: CursorResult[Any] = await tx.execute(
            update(NOTES).where(NOTES.c.owner == 1).values(owner=2)
        )  # type: ignore[assignment]
        rows = (await tx.execute(select(NOTES.c.body).order_by(NOTES.c.body))).all()
        await tx.commit()
    # BEGIN IMMEDIATE, the insert (executemany), the update, the select, COMMIT; the pool's
    # reset on return finds no transaction open and makes no trip. aiosqlite's own cursors
    # make three or four trips a statement: 15 here.
    assert trips.since(start) == 5
    assert changed.rowcount == 2
    assert [row.body for row in rows] == ["a", "b"]


async def test_a_transaction_left_open_is_rolled_back(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips = Trips(monkeypatch)
    factory = make_transaction_factory(engine)
    async with factory() as tx:
        start = trips.count
        await tx.execute(insert(NOTES).values(owner=7, body="never committed"))
    # BEGIN IMMEDIATE, the insert, and the rollback as the session closed without a commit (the
    # pool's own rollback after it finds nothing open and makes no trip).
    assert trips.since(start) == 3
    async with factory() as tx:
        assert (await tx.execute(select(NOTES.c.owner))).all() == []


async def test_errors_and_rollbacks_behave_as_before(engine: AsyncEngine) -> None:
    factory = make_transaction_factory(engine)
    async with factory() as tx:
        inserted: CursorResult[Any] = await tx.execute(insert(NOTES).values(owner=1, body="x"))  # type: ignore[assignment]
        assert inserted.inserted_primary_key is not None  # from the cursor's lastrowid
        first = inserted.inserted_primary_key[0]
        await tx.commit()
    async with factory() as tx:
        await tx.execute(insert(NOTES).values(owner=5, body="kept only until the rollback"))
        with pytest.raises(IntegrityError):  # the driver's error, mapped as SQLAlchemy's
            await tx.execute(insert(NOTES).values(owner=1, body="x"))
        await tx.rollback()
    async with factory() as tx:  # the connection works on, and the rollback undid the insert
        owners = (await tx.execute(select(NOTES.c.owner))).scalars().all()
        assert owners == [1]
        assert (await tx.execute(text("SELECT max(id) FROM notes"))).scalar() == first
        # A statement without rows: no description, nothing to fetch.
        result: CursorResult[Any] = await tx.execute(
            text("UPDATE notes SET owner = 3 WHERE owner = 99")
        )  # type: ignore[assignment]
        assert result.rowcount == 0
        assert not result.returns_rows


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.text(max_size=20)), max_size=30, unique_by=lambda x: x[1]
    )
)
async def test_what_is_written_is_read_back(tmp_path: Path, written: list[tuple[int, str]]) -> None:
    path = tmp_path / f"p{abs(hash(tuple(written)))}.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(METADATA.create_all)
        factory = make_transaction_factory(engine)
        async with factory() as tx:
            if written:
                await tx.execute(insert(NOTES), [{"owner": o, "body": b} for o, b in written])
            await tx.commit()
        async with factory() as tx:
            rows = (
                await tx.execute(select(NOTES.c.owner, NOTES.c.body).order_by(NOTES.c.id))
            ).all()
            counted = (
                await tx.execute(
                    text("SELECT owner, count(*) FROM notes GROUP BY owner ORDER BY owner")
                )
            ).all()
        assert [tuple(row) for row in rows] == written
        expected: dict[int, int] = {}
        for owner, _ in written:
            expected[owner] = expected.get(owner, 0) + 1
        assert [tuple(row) for row in counted] == sorted(expected.items())
    finally:
        await engine.dispose()


async def test_the_engine_connects_through_this_driver(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, sqlite_driver.Connection)
