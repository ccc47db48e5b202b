"""Where a slow second went, for benchmarks: one JSON line per second to PROBE_FILE.

Each line holds what happened in that second inside the bot: the event loop's lag (a ticker
that should wake every 50 ms), garbage-collection pauses, waits for a database connection and
how long each was held (a transaction), how many connections were in use (SQLite has one,
PostgreSQL a pool of several), the limiter's waits for a chat's pace, the round trip
of requests to Telegram (the emulator in a benchmark), and the process's CPU. Off unless
PROBE_FILE is set; the cost is a ticker, a few counters and one write a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

TICK = 0.05


class Window:
    """Durations observed in the current second, by name (kept raw: a second holds few)."""

    def __init__(self) -> None:
        self.values: dict[str, list[float]] = {}

    def add(self, name: str, seconds: float) -> None:
        self.values.setdefault(name, []).append(seconds)

    def take(self) -> dict[str, list[float]]:
        values, self.values = self.values, {}
        return values


class Probe:
    """Samples the loop, the garbage collector and the database pool; writes a line a second."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.window = Window()
        self._gc_started = 0.0
        self._task: asyncio.Task[None] | None = None
        self._limiter_waits: Any = None
        self._limiter: Any = None
        self._pool: Any = None

    def watch_engine(self, engine: AsyncEngine) -> None:
        """Time each wait for a pooled connection and how long it is held.

        The wait runs from asking the pool to a usable connection: the pool's queue, a new
        connection, and PostgreSQL's pre-ping (between the pool handing a connection out and
        the checkout event)."""
        pool = engine.sync_engine.pool
        self._pool = pool
        window = self.window
        original = pool._do_get

        def timed_get() -> Any:
            started = time.monotonic()
            try:
                record = original()
            except BaseException:
                window.add("db_wait", time.monotonic() - started)
                raise
            record.info["probe_asked"] = started
            return record

        pool._do_get = timed_get  # type: ignore[method-assign]

        def on_checkout(_dbapi: Any, record: Any, _proxy: Any) -> None:
            now = time.monotonic()
            asked = record.info.pop("probe_asked", None)
            if asked is not None:
                window.add("db_wait", now - asked)
            record.info["probe_out"] = now

        def on_checkin(_dbapi: Any, record: Any) -> None:
            record.info.pop("probe_asked", None)  # a checkout that failed after the pool
            out = record.info.pop("probe_out", None)
            if out is not None:
                window.add("db_hold", time.monotonic() - out)

        event.listen(pool, "checkout", on_checkout)
        event.listen(pool, "checkin", on_checkin)

    def watch_connections(self) -> None:
        """Time each new TCP connection httpcore opens (a pool that closed idle connections
        opens them again under load; a lost SYN costs a second or more)."""
        from httpcore._async.connection import AsyncHTTPConnection

        window = self.window
        original = AsyncHTTPConnection._connect
        if getattr(original, "probed", False):
            return

        async def timed_connect(connection: Any, request: Any) -> Any:
            started = time.monotonic()
            try:
                return await original(connection, request)
            finally:
                window.add("connect", time.monotonic() - started)

        timed_connect.probed = True  # type: ignore[attr-defined]
        AsyncHTTPConnection._connect = timed_connect  # type: ignore[method-assign,assignment]

    def watch_limiter(self, stats: Any) -> None:
        """The limiter's cumulative waits (throttle.stats.LimiterStats)."""
        self._limiter_waits = stats

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        elif info.get("generation", 0) >= 1:
            self.window.add(f"gc{info['generation']}", time.perf_counter() - self._gc_started)

    def start(self) -> None:
        gc.callbacks.append(self._on_gc)
        self._task = asyncio.get_running_loop().create_task(self._run(), name="probe")

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._on_gc)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_line = loop.time() + 1.0
        cpu = time.process_time()
        chat_wait = chat_count = 0.0
        with self.path.open("a", buffering=1) as out:
            while True:
                before = loop.time()
                await asyncio.sleep(TICK)
                self.window.add("lag", max(0.0, loop.time() - before - TICK))
                if self._limiter is not None:
                    self.window.add("in_flight", float(self._limiter.in_flight))
                if self._pool is not None:
                    self.window.add("db_in_use", float(self._pool.checkedout()))
                if loop.time() < next_line:
                    continue
                next_line += 1.0
                values = self.window.take()
                now_cpu = time.process_time()
                line: dict[str, Any] = {"t": time.time(), "cpu": now_cpu - cpu}
                cpu = now_cpu
                waits = self._limiter_waits
                if waits is not None:
                    tally = waits.waits["chat"]
                    line["chat_wait_n"] = tally.count - chat_count
                    line["chat_wait_s"] = tally.seconds - chat_wait
                    chat_count, chat_wait = tally.count, tally.seconds
                for name, seen in values.items():
                    line[name] = [len(seen), sum(seen), max(seen)]
                out.write(json.dumps(line) + "\n")


def maybe_start(path: str | None, engine: AsyncEngine, limiter: Any) -> Probe | None:
    """A started probe if PROBE_FILE is set, else None (`limiter`: the TelegramRateLimiter)."""
    if not path:
        return None
    probe = Probe(Path(path))
    probe.watch_engine(engine)
    probe.watch_connections()
    if limiter is not None and hasattr(limiter, "stats"):
        probe.watch_limiter(limiter.stats)
        probe._limiter = limiter
        window = probe.window
        limiter.on_round_trip = lambda seconds: window.add("send", seconds)
    probe.start()
    return probe
