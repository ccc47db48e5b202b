"""Reminders at scale: start-up, memory and due-query time from 1,000 to 1,000,000 users,
beside the naive design (one JobQueue job per reminder); then 10,000 reminders due in the same
minute, with the bot killed (SIGKILL) halfway and restarted.

    make bench-reminders
    python -m bench.reminders --sizes 1000,100000 --burst 2000 --rate 100   # shorter
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

from bench.common import ROOT, log_tail, mib, start_bot
from bench.seed import seed
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


def due_query_ms(path: Path) -> float:
    """Time to find the reminders due in one minute (the dispatcher's indexed range query)."""
    connection = sqlite3.connect(path)
    start_at = connection.execute("SELECT min(next_due) FROM reminders").fetchone()[0]
    moment = datetime.fromisoformat(start_at) + timedelta(hours=3)
    low, high = moment.isoformat(sep=" "), (moment + timedelta(minutes=1)).isoformat(sep=" ")
    timings = []
    for _ in range(20):
        begin = time.perf_counter()
        rows = connection.execute(
            "SELECT id, user_id, chat_id, local_time, days, zone FROM reminders "
            "WHERE next_due >= ? AND next_due < ? AND enabled = 1 ORDER BY next_due",
            (low, high),
        ).fetchall()
        timings.append((time.perf_counter() - begin) * 1000)
    plan = connection.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM reminders WHERE next_due >= ? AND next_due < ?",
        (low, high),
    ).fetchall()
    connection.close()
    assert any("reminders_due" in str(row) for row in plan), plan
    del rows
    return sorted(timings)[len(timings) // 2]


async def measure_start(
    emulator: BotApiEmulator, command: list[str] | None, path: Path, limit: float
) -> tuple[float | None, int]:
    """Start-up seconds and resident memory one second after polling began."""
    if command is None:
        process = start_bot(emulator.base_url, emulator.base_file_url, path)
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


async def scale_table(sizes: list[int]) -> None:
    emulator = BotApiEmulator()
    await emulator.start()
    naive_stopped: str | None = None
    print("users      | Backcare: start-up   RSS        due-query | naive: start-up   RSS")
    try:
        for size in sizes:
            workdir = Path(tempfile.mkdtemp(prefix="bench-rem-"))
            path = workdir / "bench.db"
            seeding = time.monotonic()
            await asyncio.to_thread(seed, path, size)
            seeded = time.monotonic() - seeding
            ours, our_rss = await measure_start(emulator, None, path, 120)
            query = due_query_ms(path)
            if naive_stopped is None:
                naive, naive_rss = await measure_start(
                    emulator,
                    [sys.executable, "-m", "bench.naive", str(path), emulator.base_url],
                    path,
                    NAIVE_LIMIT,
                )
                if naive is None:
                    naive_stopped = (
                        f"stopped at {size:,} users: not polling within {NAIVE_LIMIT:.0f} s"
                    )
                naive_text = (
                    f"{naive:7.2f} s   {mib(naive_rss):>10}" if naive is not None else "   gave up"
                )
            else:
                naive_text = "   (skipped, see below)"
            ours_text = f"{ours:7.2f} s" if ours is not None else "   failed"
            print(
                f"{size:>10,} | {ours_text}   {mib(our_rss):>10}   {query:6.2f} ms | "
                f"{naive_text}   (seeded in {seeded:.0f} s)",
                flush=True,
            )
            path.unlink()
    finally:
        await emulator.stop()
    if naive_stopped:
        print(f"naive design {naive_stopped}")


async def burst(count: int, rate: float) -> None:
    """`count` reminders due in the same minute; SIGKILL halfway; restart; count duplicates."""
    emulator = BotApiEmulator(limits=Limits(mode="count", global_rate=rate, global_burst=1))
    await emulator.start()
    workdir = Path(tempfile.mkdtemp(prefix="bench-burst-"))
    path = workdir / "bench.db"
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=5)
    await asyncio.to_thread(seed, path, count, due=due, first_id=20_000_000)
    for n in range(count):
        emulator.add_user(user_id=20_000_000 + n, first_name="U")
    env = {"BULK_RATE_PER_SECOND": str(rate)}

    def reminder_sends() -> list[float]:
        return [
            e.monotonic for e in emulator.events if e.kind == "send" and e.chat_id >= 20_000_000
        ]

    bot = start_bot(emulator.base_url, emulator.base_file_url, path, **env)
    try:
        while len(reminder_sends()) < count // 2:
            if bot.poll() is not None:
                raise RuntimeError("the bot died:\n" + log_tail(path))
            await asyncio.sleep(0.01)
        first_half = reminder_sends()
        bot.send_signal(signal.SIGKILL)
        bot.wait()
        killed_at = len(first_half)
        span = first_half[-1] - first_half[0]
        achieved = (len(first_half) - 1) / span if span else float("nan")
        bot = start_bot(emulator.base_url, emulator.base_file_url, path, **env)
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
    connection = sqlite3.connect(path)
    statuses = dict(
        connection.execute(
            "SELECT status, count(*) FROM reminder_deliveries GROUP BY status"
        ).fetchall()
    )
    connection.close()
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--burst", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=100.0)
    arguments = parser.parse_args()
    print(
        "Backcare reminder benchmark (machine: "
        f"{psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB)\n"
    )
    if arguments.sizes:
        asyncio.run(scale_table([int(size) for size in arguments.sizes.split(",")]))
    asyncio.run(burst(arguments.burst, arguments.rate))


if __name__ == "__main__":
    main()
