"""aiosqlite with one trip to its thread per statement instead of four.

aiosqlite runs each sqlite3 call on its own thread, and SQLAlchemy's adapter makes four such
calls for every statement (open a cursor, execute, fetch all, close): each a queue put, a thread
wake-up and a wake-up of the event loop. Here a statement is run, its rows fetched and its cursor
closed in one call on that thread; a rollback with no transaction open makes no call at all.

`connect` is handed to SQLAlchemy's aiosqlite dialect (db/connection.py), which otherwise works
as documented: the same thread, the same sqlite3 connection, the same errors. Rows are read
with the statement, so a server-side cursor gets them all at once too (nothing here streams).
aiosqlite's private names it needs are in perf/aiosqlite_private.py.

Buys: less CPU per transaction on SQLite, where every update's transaction waits for the one
connection (`make bench-ratings`: bot CPU and press -> summary p99 on SQLite).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite

from perf.aiosqlite_private import make_daemon, on_thread, sqlite_connection

Ran = tuple[Any, int, int | None, list[Any]]


def _run(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> Ran:
    """On aiosqlite's thread: the statement, its rows, its cursor's figures, the cursor closed."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class Cursor:
    """What SQLAlchemy's adapter uses of an aiosqlite cursor; the rows arrive with `execute`."""

    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._rows: list[Any] = []
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _call(self, sql: str, parameters: Any, many: bool) -> Cursor:
        connection = self._connection
        connection.settled = False
        ran: Ran = await on_thread(
            connection, _run, sqlite_connection(connection), sql, parameters, many
        )
        self.description, self.rowcount, self.lastrowid, self._rows = ran
        return self

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> Cursor:
        return await self._call(sql, () if parameters is None else parameters, False)

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> Cursor:
        return await self._call(sql, parameters, True)

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        count = self.arraysize if size is None else size
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def close(self) -> None:
        self._rows = []


class Connection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors make one call per statement."""

    # True once a commit or rollback has finished and no statement was sent since: no
    # transaction is open. Kept here, not read from sqlite3 (its thread may still be running a
    # statement whose caller was cancelled).
    settled = False

    def cursor(self) -> Cursor:  # type: ignore[override]  # no trip to the thread needed
        return Cursor(self)

    async def commit(self) -> None:
        await super().commit()
        self.settled = True

    async def rollback(self) -> None:
        # The pool rolls back each connection it takes back, mostly right after a commit.
        if not self.settled:
            await super().rollback()
            self.settled = True


def connect(database: str, iter_chunk_size: int = 64, **kwargs: Any) -> Connection:
    """`aiosqlite.connect`, making a `Connection` of this module (its thread a daemon, as
    SQLAlchemy's dialect makes it)."""

    def connector() -> sqlite3.Connection:
        return sqlite3.connect(database, **kwargs)

    connection = Connection(connector, iter_chunk_size)
    make_daemon(connection)
    return connection
