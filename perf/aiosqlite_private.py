"""The three private names of aiosqlite that perf/sqlite_driver.py needs, and only here.

aiosqlite has no public way to run a function of ours on a connection's thread (its public
calls each make one trip there: cursor, execute, fetch, close), to reach the sqlite3 connection
that thread owns, or to make that thread a daemon (SQLAlchemy's own dialect sets the same
private `_thread.daemon`). The version is pinned in pyproject.toml; tests/perf/test_private_names.py
fails, naming this file, if an upgrade moves any of these names.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

import aiosqlite

PINNED = "0.22.1"  # the aiosqlite these names were read from (pyproject.toml pins the same)

Result = TypeVar("Result")


async def on_thread(
    connection: aiosqlite.Connection, function: Callable[..., Result], *args: Any
) -> Result:
    """Run `function(*args)` on the connection's thread: one trip (`Connection._execute`)."""
    result: Result = await connection._execute(function, *args)
    return result


def sqlite_connection(connection: aiosqlite.Connection) -> sqlite3.Connection:
    """The sqlite3 connection behind it, used only on its own thread (`Connection._conn`)."""
    return connection._conn


def make_daemon(connection: aiosqlite.Connection) -> None:
    """Its thread must not keep the interpreter alive (`Connection._thread`), as SQLAlchemy's
    dialect makes it for connections it opens itself."""
    connection._thread.daemon = True
