"""Interactive load through the emulator: Backcare beside a bare PTB echo bot.

    make bench-load                  # 500 users, 50 -> 400 updates/s, all bots (~4 min)
    python -m bench.load --step-seconds 5 --databases postgres

500 simulated users send commands (/help, answered with one message) at a rising rate, in steps
of --step-seconds each; for each step: updates/s answered, update -> first reply p50/p95/p99,
the bot's CPU (and a PostgreSQL server's) and RSS. Backcare on SQLite, then on PostgreSQL if it
is installed; then the same load against a bare python-telegram-bot echo bot (bench/echo_bot.py),
the floor the framework sets, on PTB's own transport (httpx) and on Backcare's (aiohttp). The emulator and the users run here; the benchmark prints its own
CPU and loop lag so a slow step can be told apart.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

import psutil

from bench.common import (
    SelfProbe,
    cpu_seconds,
    mib,
    percentile,
    start_bot,
    start_echo,
    stop_process,
)
from bench.databases import Database, add_option, comparison, opened, runnable
from emulator import BotApiEmulator, Limits
from emulator.state import Event

RATES = (50, 100, 200, 300, 400)
USERS = 500


async def run_load(
    emulator: BotApiEmulator,
    pid: int,
    text: str,
    first_id: int,
    step_seconds: float,
    server_cpu: Callable[[], float] | None = None,
) -> tuple[list[str], dict[str, float]]:
    """Drive the rising load against the bot process `pid` (and its database server's CPU, if
    it has one); one printed row per step, and the figures by name (p99_R, answered_R, cpu_R,
    server_cpu_R for each rate R)."""
    users = [
        emulator.add_user(user_id=first_id + n, first_name=f"L{n}", language_code="en")
        for n in range(USERS)
    ]
    pending: dict[int, deque[float]] = {user.user_id: deque() for user in users}
    latencies: list[tuple[float, float]] = []  # (sent at, seconds to the first reply)

    def on_event(event: Event) -> None:
        waiting = pending.get(event.chat_id)
        if waiting and event.kind in ("send", "edit"):
            sent = waiting.popleft()
            latencies.append((sent, event.monotonic - sent))

    stop_listening = emulator.listen(on_event)
    # Warm up: every user once, slowly, so start-up costs (new users) are not in the steps.
    for user in users:
        pending[user.user_id].append(time.monotonic())
        await user.send(text)
        await asyncio.sleep(0.004)
    await asyncio.sleep(3.0)
    latencies.clear()
    process = psutil.Process(pid)
    rows = []
    found: dict[str, float] = {}
    turn = 0
    for rate in RATES:
        cpu_before, started = cpu_seconds(pid), time.monotonic()
        server_before = server_cpu() if server_cpu else 0.0
        sent_count, rss = 0, 0
        tick = 0.01
        while (elapsed := time.monotonic() - started) < step_seconds:
            due = int(elapsed * rate) + 1
            while sent_count < due:
                user = users[turn % USERS]
                turn += 1
                pending[user.user_id].append(time.monotonic())
                await user.send(text)
                sent_count += 1
            rss = max(rss, process.memory_info().rss)
            await asyncio.sleep(tick)
        ended = time.monotonic()
        for _ in range(200):  # up to 10 s for the step's last replies
            if not any(sent <= ended for waiting in pending.values() for sent in waiting):
                break
            await asyncio.sleep(0.05)
        cpu = cpu_seconds(pid) - cpu_before
        server = server_cpu() - server_before if server_cpu else None
        span = time.monotonic() - started
        step = [seconds * 1000 for sent, seconds in latencies if started <= sent <= ended]
        answered_by_end = sum(
            1 for sent, seconds in latencies if started <= sent and sent + seconds <= ended
        )
        rows.append(
            f"  {rate:>4}/s  sent {sent_count:>5}  answered {len(step):>5}  "
            f"{answered_by_end / step_seconds:>6.1f}/s  p50 {percentile(step, 0.5):>7.1f}  "
            f"p95 {percentile(step, 0.95):>7.1f}  p99 {percentile(step, 0.99):>7.1f} ms  "
            f"CPU {100 * cpu / span:>4.0f}%  RSS {mib(rss)}"
            + (f"  database server CPU {100 * server / span:>3.0f}%" if server is not None else "")
        )
        found[f"p99_{rate}"] = percentile(step, 0.99)
        found[f"answered_{rate}"] = answered_by_end / step_seconds
        found[f"cpu_{rate}"] = 100 * cpu / span
        if server is not None:
            found[f"server_cpu_{rate}"] = 100 * server / span
    stop_listening()
    return rows, found


async def measure(
    step_seconds: float, database: Database | None, self_probe: SelfProbe, http: str = "httpx"
) -> tuple[list[str], dict[str, float], int]:
    """The rising load against Backcare on `database`, or the echo bot (on `http`) without one:
    the rows, the figures and the emulator's per-chat limit crossings."""
    emulator = BotApiEmulator(limits=Limits(mode="count"))
    await emulator.start()
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    stop = asyncio.Event()
    probing = asyncio.create_task(self_probe.run(stop))
    try:
        if database is not None:
            bot = start_bot(
                emulator.base_url,
                emulator.base_file_url,
                await database.fresh(workdir),
                workdir,
                PROBE_FILE=str(workdir / "probe.jsonl"),
            )
            text, first_id = "/help", 100_000
        else:
            bot = start_echo(emulator.base_url, emulator.base_file_url, workdir / "echo.log", http)
            text, first_id = "hello", 200_000
        try:
            probe = emulator.add_user(user_id=first_id - 1, first_name="Probe")
            await probe.send(text)
            await probe.next_message(timeout=60)
            server_cpu = database.server_cpu if database and database.server else None
            rows, found = await run_load(
                emulator, bot.pid, text, first_id, step_seconds, server_cpu
            )
        finally:
            await stop_process(bot)
    finally:
        stop.set()
        await probing
        await emulator.stop()
    print(f"  logs in {workdir}")
    return rows, found, emulator.stats.per_chat_violations


def compared(echo: dict[str, float]) -> list[tuple[str, str, str]]:
    top = RATES[-1]
    return [
        ("p99_200", "p99 at 200/s (ms)", "{:.1f}"),
        ("cpu_200", "bot CPU at 200/s (%)", "{:.0f}"),
        ("server_cpu_200", "database server CPU at 200/s (%)", "{:.0f}"),
        (f"answered_{top}", f"answered/s at {top}/s", "{:.1f}"),
        (
            f"share_{top}",
            f"... of the echo bot's {echo.get(f'answered_{top}', 0):.1f}/s",
            "{:.0f}%",
        ),
    ]


def run(step_seconds: float, kinds: list[str]) -> None:
    """Backcare on each database in turn, then the echo bot; every step's row, then the main
    figures of each database side by side."""
    self_probe = SelfProbe()
    results: dict[str, list[str]] = {}
    figures: dict[str, dict[str, float]] = {}
    crossings = 0
    for kind in runnable(kinds):
        with opened(kind) as database:
            print(f"Backcare on {database.described}")
            rows, figures[kind], crossed = asyncio.run(measure(step_seconds, database, self_probe))
            results[f"Backcare on {database.name}"] = rows
            crossings += crossed
    # The floor: PTB's own transport (httpx) and Backcare's (aiohttp, perf/transport.py).
    floors: dict[str, dict[str, float]] = {}
    for http in ("httpx", "aiohttp"):
        print(f"PTB echo bot ({http})")
        name = f"PTB echo bot ({http})"
        results[name], floors[http], crossed = asyncio.run(
            measure(step_seconds, None, self_probe, http)
        )
        crossings += crossed
    echo = floors["httpx"]
    top = RATES[-1]
    for found in figures.values():
        if echo.get(f"answered_{top}"):
            found[f"share_{top}"] = 100 * found[f"answered_{top}"] / echo[f"answered_{top}"]
    print(
        f"Interactive load: {USERS} users, {' -> '.join(map(str, RATES))} updates/s, "
        f"{step_seconds:.0f} s a step; update -> first reply"
    )
    for name, rows in results.items():
        print(f"{name}:")
        for row in rows:
            print(row)
    lags = [line["lag"] * 1000 for line in self_probe.lines]
    cpu = [100 * line["cpu"] for line in self_probe.lines]
    print(
        f"benchmark process (emulator + users): CPU p50 {percentile(cpu, 0.5):.0f}% "
        f"max {max(cpu, default=0):.0f}%, loop lag p99 {percentile(lags, 0.99):.0f} ms "
        f"max {max(lags, default=0):.0f} ms"
    )
    print(f"per-chat limit crossings {crossings}")
    figures.update((f"echo {http}", found) for http, found in floors.items())
    for line in comparison(figures, compared(echo)):
        print(line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--step-seconds", type=float, default=10.0)
    add_option(parser, default=("sqlite", "postgres"))
    arguments = parser.parse_args()
    run(arguments.step_seconds, arguments.databases)
