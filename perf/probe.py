"""Where a slow second went, for benchmarks: one JSON line per second to PROBE_FILE.

Each line holds what happened in that second inside the bot: the event loop's lag (a ticker
that should wake every 50 ms), garbage-collection pauses, waits for a database connection and
how long each was held (a transaction), how many connections were in use (SQLite has one,
PostgreSQL a pool of several), the limiter's waits for a chat's pace, the round trip of requests
to Telegram and how many were in flight (the aiohttp transport; the emulator in a benchmark), and
the process's CPU. Off unless PROBE_FILE is set; then the cost is a ticker, a few counters and
one write a second. It reads only public names: SQLAlchemy's pool events and `Pool.connect`,
the limiter's `stats`, the transport's `in_flight` and `on_round_trip`.

Buys nothing by itself: it is how `make bench-timers` and `make bench-ratings` show where the
time went (their per-second and per-30-second tables).
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
        self._transport: Any = None
        self._pool: Any = None

    def watch_engine(self, engine: AsyncEngine) -> None:
        """Time each wait for a pooled connection and how long it is held.

        The wait runs from asking the pool (`Pool.connect`, what the engine calls) to a usable
        connection: the pool's queue, a new connection, PostgreSQL's pre-ping."""
        pool = engine.sync_engine.pool
        self._pool = pool
        window = self.window
        ask = pool.connect

        def timed_connect() -> Any:
            started = time.monotonic()
            try:
                return ask()
            finally:
                window.add("db_wait", time.monotonic() - started)

        pool.connect = timed_connect  # type: ignore[method-assign]

        def on_checkout(_dbapi: Any, record: Any, _proxy: Any) -> None:
            record.info["probe_out"] = time.monotonic()

        def on_checkin(_dbapi: Any, record: Any) -> None:
            out = record.info.pop("probe_out", None)
            if out is not None:
                window.add("db_hold", time.monotonic() - out)

        event.listen(pool, "checkout", on_checkout)
        event.listen(pool, "checkin", on_checkin)

    def watch_limiter(self, stats: Any) -> None:
        """The limiter's cumulative waits (throttle.stats.LimiterStats)."""
        self._limiter_waits = stats

    def watch_transport(self, transport: Any) -> None:
        """Round trips and requests in flight (perf/transport.AiohttpRequest)."""
        self._transport = transport
        window = self.window
        transport.on_round_trip = lambda seconds: window.add("send", seconds)

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
                if self._transport is not None:
                    self.window.add("in_flight", float(self._transport.in_flight))
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


def maybe_start(
    path: str | None, engine: AsyncEngine, limiter: Any, transport: Any
) -> Probe | None:
    """A started probe if PROBE_FILE is set, else None. `limiter`: the TelegramRateLimiter;
    `transport`: the bot's request object (watched if it is an AiohttpRequest)."""
    if not path:
        return None
    probe = Probe(Path(path))
    probe.watch_engine(engine)
    stats = getattr(limiter, "stats", None)
    if stats is not None:
        probe.watch_limiter(stats)
    if hasattr(transport, "on_round_trip"):
        probe.watch_transport(transport)
    probe.start()
    return probe
