"""The async engine and the transaction factory (each transaction, an SQLAlchemy AsyncSession, is
one unit of work); SQLite gets WAL mode, a busy timeout, secure deletion and private file
permissions."""

from __future__ import annotations

import os
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

from db.crypto import KEYS_ATTRIBUTE, DataKeys
from perf import sqlite_driver

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
    # Erased rows (health data after /delete) are overwritten with zeros, not left in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def private_sqlite_file(path: Path) -> None:
    """The database's folder readable by its owner only (0700) and the file itself 0600.

    SQLite gives its -wal and -shm files the database file's permissions. A folder that already
    exists is tightened only if it is ours and meant for the database: not a shared one (sticky,
    like /tmp), not the working directory, not the home directory.
    """
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    else:
        info = folder.stat()
        shared = info.st_mode & 0o1000 or folder.resolve() in (
            Path.cwd().resolve(),
            Path.home().resolve(),
        )
        if info.st_uid == os.getuid() and not shared:
            folder.chmod(0o700)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(descriptor)
    path.chmod(0o600)


def make_engine(
    url: str, sqlite_path: Path | None = None, *, keys: DataKeys | None = None
) -> AsyncEngine:
    """Create the engine; for a file-backed SQLite URL, create its folder first (both private).

    `keys` encrypt and decrypt the health data columns (db/crypto.py). SQL errors never show
    their bound values (`hide_parameters`): they hold health data.
    """
    if sqlite_path is not None:
        private_sqlite_file(sqlite_path)
    if url.startswith("sqlite"):
        # SQLite has one writer at a time. One connection, handed out in turn by the pool's
        # fair (FIFO) queue, replaces lock contention between connections, where SQLite's busy
        # handler sleeps and retries unfairly and, under a burst, gave up after busy_timeout
        # ("database is locked", seen in bench.timers). No code may hold a transaction open
        # across a Telegram call or open a second transaction inside a first.
        engine = create_async_engine(
            url, pool_size=1, max_overflow=0, pool_timeout=120, hide_parameters=True
        )
    else:
        # The connection used last is handed out first (LIFO): its prepared statements are
        # warm, where a FIFO queue went round every pooled connection, each preparing them
        # again (bench-app-api on PostgreSQL: a process's first burst p99 75-145 ms, with LIFO
        # 49-68 ms). Connections left idle meanwhile are checked by the ping as before.
        engine = create_async_engine(
            url, pool_pre_ping=True, pool_use_lifo=True, hide_parameters=True
        )
    setattr(engine.dialect, KEYS_ATTRIBUTE, keys)
    if engine.dialect.name == "sqlite":
        if engine.dialect.driver == "aiosqlite":
            event.listen(engine.sync_engine, "do_connect", _one_call_per_statement)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _begin_immediate)
    return engine


def make_batch_engine(url: str, *, keys: DataKeys | None = None) -> AsyncEngine | None:
    """PostgreSQL: one connection of its own for the Mini App's checkpoint batches
    (guided/app.checkpoints, set-based statements over arrays); None on SQLite, whose batches
    share its one connection.

    - Autocommit: each statement stands alone (the batch's writes are one statement that guards
      itself), with no BEGIN and no COMMIT, and the pool's ping is one round trip, not three.
    - Every run planned with its values (`plan_cache_mode=force_custom_plan`, PostgreSQL 12 or
      later). From a prepared statement's sixth run PostgreSQL would use a generic plan made
      without them, which expects arrays of 10 rows: a batch's write looped the open sessions
      once per post (11 -> 50-88 ms from the sixth burst on). Only here: for the bot's small
      statements custom plans cost the server 35-65 us more a run (56-70 -> 90-134 us).
    - The same connection serves every batch, its statements prepared and its types known.
    """
    if url.startswith("sqlite"):
        return None
    engine = create_async_engine(
        url,
        pool_size=1,
        max_overflow=0,
        pool_pre_ping=True,
        isolation_level="AUTOCOMMIT",
        hide_parameters=True,
        connect_args={"server_settings": {"plan_cache_mode": "force_custom_plan"}},
    )
    setattr(engine.dialect, KEYS_ATTRIBUTE, keys)
    return engine


def _one_call_per_statement(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    # aiosqlite's connection, with cursors that make one call to its thread per statement.
    return dialect.dbapi.connect(*cargs, async_creator_fn=sqlite_driver.connect, **cparams)


def _begin_immediate(connection: Any) -> None:
    # A deferred transaction that reads, then writes, fails at once with "database is locked"
    # when another writer committed in between (WAL snapshots cannot be upgraded); taking the
    # write lock up front makes SQLite wait (busy_timeout) instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


# The transaction open in the current task, if any. A second one opened inside the first would wait
# for the one SQLite connection that the first holds: a deadlock under load, not an error.
_open: ContextVar[bool] = ContextVar("database_transaction_open", default=False)


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
