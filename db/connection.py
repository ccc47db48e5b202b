"""The async engine and the transaction factory (SQLAlchemy sessions, one unit of work each);
SQLite gets WAL mode and a busy timeout."""

from __future__ import annotations

from contextvars import ContextVar, Token
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

TransactionFactory = async_sessionmaker[AsyncSession]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event open transactions itself (below), not the driver.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets the reminder dispatcher read while a handler writes; the timeout waits out locks.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str, sqlite_path: Path | None = None) -> AsyncEngine:
    """Create the engine; for a file-backed SQLite URL, create its folder first.

    SQL errors never show their bound values (`hide_parameters`): they hold health data.
    """
    if sqlite_path is not None:
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        # SQLite has one writer at a time. One connection, handed out in turn by the pool's
        # fair (FIFO) queue, replaces lock contention between connections, where SQLite's busy
        # handler sleeps and retries unfairly and, under a burst, gave up after busy_timeout
        # ("database is locked", seen in bench.timers). No code may hold a transaction open
        # across a Telegram call or open a second session inside a first.
        engine = create_async_engine(
            url, pool_size=1, max_overflow=0, pool_timeout=120, hide_parameters=True
        )
    else:
        engine = create_async_engine(url, pool_pre_ping=True, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _begin_immediate)
    return engine


def _begin_immediate(connection: Any) -> None:
    # A deferred transaction that reads, then writes, fails at once with "database is locked"
    # when another writer committed in between (WAL snapshots cannot be upgraded); taking the
    # write lock up front makes SQLite wait (busy_timeout) instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


# The transaction open in the current task, if any. A second one opened inside the first would wait
# for the one SQLite connection that the first holds: a deadlock under load, not an error.
_open: ContextVar[bool] = ContextVar("database_session_open", default=False)


class NestedTransactionError(RuntimeError):
    """A database transaction was opened inside another one in the same task."""


class OneAtATimeTransaction(AsyncSession):
    """A unit of work (an AsyncSession) that refuses to be opened inside another one (in the same
    task)."""

    async def __aenter__(self) -> OneAtATimeTransaction:
        if _open.get():
            raise NestedTransactionError(
                "a database transaction was opened inside another one: finish the first (commit) "
                "before opening the next"
            )
        self._open_token = _open.set(True)
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            await super().__aexit__(*exc)
        finally:
            token: Token[bool] | None = getattr(self, "_open_token", None)
            if token is not None:
                _open.reset(token)
                del self._open_token


def make_transaction_factory(engine: AsyncEngine) -> TransactionFactory:
    """One factory per process; units of work (services/) open transactions from it, one at a
    time per task, never two nested."""
    return async_sessionmaker(engine, expire_on_commit=False, class_=OneAtATimeTransaction)
