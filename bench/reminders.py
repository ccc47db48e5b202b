"""Reminders at scale: start-up, memory and due-query time from 1,000 to 1,000,000 users,
beside the naive design (one JobQueue job per reminder); then 10,000 reminders due in the same
minute, with the bot killed (SIGKILL) halfway and restarted. On SQLite, then on PostgreSQL if it
is installed; the naive design runs on the first database only (it reads the reminders once).

    make bench-reminders
    python -m bench.reminders --sizes 1000,100000 --burst 2000 --rate 100   # shorter
    python -m bench.reminders --databases postgres
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
from sqlalchemy import bindparam, func, select, text

from bench.common import ROOT, log_tail, mib, start_bot
from bench.databases import Database, add_option, comparison, engine, opened, runnable
from bench.seed import seed
from db.models import Reminder, ReminderDelivery, UTCDateTime
from emulator import BotApiEmulator, Limits

NAIVE_LIMIT = 300.0  # seconds: the naive design stops at the largest size it finishes within


async def until_polling(
    emulator: BotApiEmulator, process: subprocess.Popen[bytes], limit: float
) -> float | None:
    """Seconds from now until the process's first getUpdates (None: gave up or it died)."""
    before = emulator.stats.by_method["getUpdates"]
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if emulator.stats.by_method["getUpdates"] > before:
            return time.monotonic() - started
        if process.poll() is not None:
            return None
        await asyncio.sleep(0.01)
    return None


DUE = text(
    "SELECT id, user_id, chat_id, local_time, days, zone FROM reminders "
    "WHERE next_due >= :low AND next_due < :high AND enabled ORDER BY next_due"
).bindparams(bindparam("low", type_=UTCDateTime()), bindparam("high", type_=UTCDateTime()))


async def due_query_ms(url: str) -> float:
    """Time to find the reminders due in one minute (the dispatcher's indexed range query),
    through the bot's own driver (aiosqlite, asyncpg)."""
    database = engine(url)
    try:
        async with database.connect() as connection:
            start_at = await connection.scalar(select(func.min(Reminder.next_due)))
            moment = start_at + timedelta(hours=3)
            window = {"low": moment, "high": moment + timedelta(minutes=1)}
            timings = []
            for _ in range(20):
                begin = time.perf_counter()
                (await connection.execute(DUE, window)).all()
                timings.append((time.perf_counter() - begin) * 1000)
            explain = "EXPLAIN QUERY PLAN " if database.dialect.name == "sqlite" else "EXPLAIN "
            plan = (await connection.execute(text(explain + str(DUE)), window)).all()
    finally:
        await database.dispose()
    assert any("reminders_due" in str(row) for row in plan), plan
    return sorted(timings)[len(timings) // 2]


async def measure_start(
    emulator: BotApiEmulator, command: list[str] | None, url: str, workdir: Path, limit: float
) -> tuple[float | None, int]:
    """Start-up seconds and resident memory one second after polling began."""
    if command is None:
        process = start_bot(emulator.base_url, emulator.base_file_url, url, workdir)
    else:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    try:
        seconds = await until_polling(emulator, process, limit)
        rss = 0
        if seconds is not None:
            await asyncio.sleep(1.0)
            rss = psutil.Process(process.pid).memory_info().rss
        return seconds, rss
    finally:
        process.kill()
        process.wait()


async def scale_table(database: Database, sizes: list[int], naive: bool) -> dict[str, float]:
    """One row per size; the figures by name (start_N, rss_N, query_N) for the comparison."""
    emulator = BotApiEmulator()
    await emulator.start()
    naive_stopped: str | None = None
    found: dict[str, float] = {}
    print("users      | Backcare: start-up   RSS        due-query | naive: start-up   RSS")
    try:
        for size in sizes:
            workdir = Path(tempfile.mkdtemp(prefix="bench-rem-"))
            url = await database.fresh(workdir)
            seeding = time.monotonic()
            await seed(url, size)
            seeded = time.monotonic() - seeding
            ours, our_rss = await measure_start(emulator, None, url, workdir, 120)
            query = await due_query_ms(url)
            if not naive:
                naive_text = "   (the first database's only)"
            elif naive_stopped is None:
                naive_command = [sys.executable, "-m", "bench.naive", url, emulator.base_url]
                naive_time, naive_rss = await measure_start(
                    emulator, naive_command, url, workdir, NAIVE_LIMIT
                )
                if naive_time is None:
                    naive_stopped = (
                        f"stopped at {size:,} users: not polling within {NAIVE_LIMIT:.0f} s"
                    )
                naive_text = (
                    f"{naive_time:7.2f} s   {mib(naive_rss):>10}"
                    if naive_time is not None
                    else "   gave up"
                )
            else:
                naive_text = "   (skipped, see below)"
            ours_text = f"{ours:7.2f} s" if ours is not None else "   failed"
            print(
                f"{size:>10,} | {ours_text}   {mib(our_rss):>10}   {query:6.2f} ms | "
                f"{naive_text}   (seeded in {seeded:.0f} s)",
                flush=True,
            )
            if ours is not None:
                found[f"start_{size}"] = ours
            found[f"rss_{size}"] = our_rss / 2**20
            found[f"query_{size}"] = query
            await database.discard(url)
    finally:
        await emulator.stop()
    if naive_stopped:
        print(f"naive design {naive_stopped}")
    return found


async def burst(database: Database, count: int, rate: float) -> dict[str, float]:
    """`count` reminders due in the same minute; SIGKILL halfway; restart; count duplicates."""
    emulator = BotApiEmulator(limits=Limits(mode="count", global_rate=rate, global_burst=1))
    await emulator.start()
    workdir = Path(tempfile.mkdtemp(prefix="bench-burst-"))
    url = await database.fresh(workdir)
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=5)
    await seed(url, count, due=due, first_id=20_000_000)
    for n in range(count):
        emulator.add_user(user_id=20_000_000 + n, first_name="U")
    env = {"BULK_RATE_PER_SECOND": str(rate)}

    def reminder_sends() -> list[float]:
        return [
            e.monotonic for e in emulator.events if e.kind == "send" and e.chat_id >= 20_000_000
        ]

    bot = start_bot(emulator.base_url, emulator.base_file_url, url, workdir, **env)
    try:
        while len(reminder_sends()) < count // 2:
            if bot.poll() is not None:
                raise RuntimeError("the bot died:\n" + log_tail(workdir))
            await asyncio.sleep(0.01)
        first_half = reminder_sends()
        bot.send_signal(signal.SIGKILL)
        bot.wait()
        killed_at = len(first_half)
        span = first_half[-1] - first_half[0]
        achieved = (len(first_half) - 1) / span if span else float("nan")
        bot = start_bot(emulator.base_url, emulator.base_file_url, url, workdir, **env)
        last_count, quiet_since = -1, time.monotonic()
        while time.monotonic() - quiet_since < 10:
            current = len(reminder_sends())
            if current != last_count:
                last_count, quiet_since = current, time.monotonic()
            await asyncio.sleep(0.2)
    finally:
        bot.kill()
        bot.wait()
        await emulator.stop()
    per_user = Counter(
        e.chat_id for e in emulator.events if e.kind == "send" and e.chat_id >= 20_000_000
    )
    duplicates = sum(n - 1 for n in per_user.values() if n > 1)
    lost = count - len(per_user)
    reading = engine(url)
    try:
        async with reading.connect() as connection:
            by_status = select(ReminderDelivery.status, func.count()).group_by(
                ReminderDelivery.status
            )
            statuses = {status: n for status, n in (await connection.execute(by_status)).all()}
    finally:
        await reading.dispose()
    print(f"\n{count:,} reminders due in the same minute, bulk limit {rate:g}/s:")
    print(
        f"  achieved send rate (before the kill)  {achieved:.1f}/s = "
        f"{100 * achieved / rate:.0f}% of the limit (goal: >= 95%)"
    )
    print(f"  SIGKILL after                         {killed_at:,} sends, then restarted")
    print(f"  delivered                             {len(per_user):,} users")
    print(f"  duplicates                            {duplicates}")
    print(f"  lost                                  {lost}")
    print(f"  deliveries by status                  {statuses}")
    print("  uncertain = claimed when killed, not re-sent (at most the in-flight ones)")
    return {
        "achieved": achieved,
        "achieved_pct": 100 * achieved / rate,
        "delivered": len(per_user),
        "duplicates": duplicates,
        "lost": lost,
        "uncertain": statuses.get("uncertain", 0),
    }


BURST_FIGURES = (
    ("achieved", "burst: send rate (/s)", "{:.1f}"),
    ("achieved_pct", "burst: % of the limit", "{:.0f}%"),
    ("delivered", "burst: delivered", "{:,.0f}"),
    ("duplicates", "burst: duplicates", "{:.0f}"),
    ("lost", "burst: lost", "{:.0f}"),
    ("uncertain", "burst: uncertain", "{:.0f}"),
)


def compared(sizes: list[int]) -> list[tuple[str, str, str]]:
    """The main figures, for the comparison: each size's, then the burst's."""
    rows = []
    for size in sizes:
        rows += [
            (f"start_{size}", f"{size:,} users: start-up (s)", "{:.2f}"),
            (f"rss_{size}", f"{size:,} users: RSS (MiB)", "{:.1f}"),
            (f"query_{size}", f"{size:,} users: due-query (ms)", "{:.2f}"),
        ]
    return [*rows, *BURST_FIGURES]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--burst", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=100.0)
    add_option(parser, default=("sqlite", "postgres"))
    arguments = parser.parse_args()
    print(
        "Backcare reminder benchmark (machine: "
        f"{psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB)"
    )
    sizes = [int(size) for size in arguments.sizes.split(",")] if arguments.sizes else []
    results: dict[str, dict[str, float]] = {}
    for n, kind in enumerate(runnable(arguments.databases)):
        with opened(kind) as database:
            print(f"\n== {database.described}")
            figures = asyncio.run(scale_table(database, sizes, naive=n == 0)) if sizes else {}
            figures |= asyncio.run(burst(database, arguments.burst, arguments.rate))
            results[kind] = figures
    lines = comparison(results, compared(sizes))
    if lines:
        print()
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
