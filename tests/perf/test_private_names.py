"""The private names of our dependencies that perf/ relies on are where we read them.

aiosqlite has no public way to run a function on a connection's thread; perf/aiosqlite_private.py
holds the three private names the SQLite driver needs. An upgrade that moves one fails here,
loudly, naming what to check, instead of breaking the bot's database at start.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from importlib import metadata
from pathlib import Path

import aiosqlite

from perf import aiosqlite_private
from perf.aiosqlite_private import PINNED, make_daemon, on_thread, sqlite_connection

ROOT = Path(__file__).resolve().parents[2]
MOVED = (
    "aiosqlite {version} is not the {pinned} whose private names perf/aiosqlite_private.py uses: "
    "check `Connection._execute`, `Connection._conn` and `Connection._thread` in its source, "
    "update the adapter, then PINNED and pyproject.toml"
)


def test_the_installed_aiosqlite_is_the_pinned_one() -> None:
    version = metadata.version("aiosqlite")
    assert version == PINNED, MOVED.format(version=version, pinned=PINNED)
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert f"aiosqlite=={PINNED}" in dependencies, "pyproject.toml must pin the same aiosqlite"
    locked = (ROOT / "requirements.lock").read_text()
    assert re.search(rf"^aiosqlite=={re.escape(PINNED)}$", locked, re.MULTILINE)


def test_the_private_names_are_where_the_adapter_reads_them() -> None:
    """`_execute(fn, *args)` runs fn on the thread; `_conn` is the sqlite3 connection (a
    property); `_thread` is the thread, made in the constructor."""
    execute = aiosqlite.Connection._execute
    assert inspect.iscoroutinefunction(execute), MOVED
    assert list(inspect.signature(execute).parameters)[:2] == ["self", "fn"], MOVED
    assert isinstance(inspect.getattr_static(aiosqlite.Connection, "_conn"), property), MOVED
    assert "self._thread = Thread(" in inspect.getsource(aiosqlite.Connection.__init__), MOVED


async def test_the_adapter_runs_on_the_connections_thread(tmp_path: Path) -> None:
    connection = aiosqlite.connect(tmp_path / "t.db")
    make_daemon(connection)
    async with connection:
        raw = sqlite_connection(connection)
        assert await on_thread(connection, lambda: raw.execute("select 41 + 1").fetchone()) == (42,)
        assert connection._thread.daemon  # what make_daemon promised


def test_only_the_adapter_names_them() -> None:
    """Nothing else of ours reaches into aiosqlite's private names."""
    private = re.compile(r"\._(execute|conn|thread)\b")
    ours = [
        path
        for room in ("perf", "db", "core", "services", "background", "handlers")
        for path in (ROOT / room).rglob("*.py")
        if private.search(path.read_text(encoding="utf-8"))
    ]
    assert ours == [Path(aiosqlite_private.__file__)], ours
