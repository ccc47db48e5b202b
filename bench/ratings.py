"""The database write ceiling: 1,000 people rate their session within one second.

    python -m bench.ratings                 # SQLite, then PostgreSQL if installed
    python -m bench.ratings --users 500 --databases postgres

The database is seeded with people who consented to storing ratings and a completed session
each; every person has a message with buttons from the bot (/routine) and presses the after-session rating on
it, all within one second. Each press writes the rating (encrypted), applies the progression,
reads the streak and may schedule a morning check: one transaction; the bot then answers the
press and edits the question into the summary. Printed: press -> the button's answer, press ->
the summary, and the bot's database waits meanwhile.

    BENCH_PROFILE=/tmp/presses.txt python -m bench.ratings --databases sqlite

samples the bot with py-spy during the presses only (raw stacks, not its set-up), 250 times a
second unless BENCH_PROFILE_RATE says otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import (
    cpu_seconds,
    minor_faults,
    percentile,
    probe_table,
    read_probe,
    start_bot,
    start_echo,
    stop_process,
    system_seconds,
)
from bench.databases import Database, add_option, comparison, engine, opened, runnable
from db.connection import make_transaction_factory
from db.migrate import upgrade_to_head
from db.models import RoutineSession, User, utcnow
from emulator import BotApiEmulator, Limits
from emulator.state import Event
from ui.payloads import After

FIRST_ID = 3_000_000
FLOOR_FIRST_ID = 4_000_000


async def seed(url: str, users: int) -> dict[int, int]:
    """People with consent and one completed session each; their session ids by user id."""
    database = engine(url)
    await upgrade_to_head(database)
    factory = make_transaction_factory(database)
    now = utcnow()
    sessions: dict[int, RoutineSession] = {}
    async with factory.begin() as tx:
        for n in range(users):
            user_id = FIRST_ID + n
            tx.add(User(id=user_id, language="en", consent_at=now, screened_at=now))
            sessions[user_id] = RoutineSession(
                user_id=user_id,
                chat_id=user_id,
                routine_id="quick",
                level=0,
                status="completed",
                ended_at=now,
                exercises_done=4,
            )
        await tx.flush()
        tx.add_all(sessions.values())
    await database.dispose()
    return {user_id: row.id for user_id, row in sessions.items()}


@dataclass
class Pressed:
    """When each person pressed, got the button's answer and got the summary (monotonic s)."""

    pressed: dict[int, float] = field(default_factory=dict)
    answered: dict[int, float] = field(default_factory=dict)
    summarised: dict[int, float] = field(default_factory=dict)
    cpu: float = 0.0
    system: float = 0.0  # of `cpu`, in the kernel
    faults: int = 0  # minor page faults meanwhile
    duration: float = 0.0
    started_wall: float = 0.0

    def rows(self, users: int) -> list[str]:
        out = []
        for name, done in (
            ("press -> answer", self.answered),
            ("press -> summary", self.summarised),
        ):
            values = [1000 * (done[u] - at) for u, at in self.pressed.items() if u in done]
            out.append(
                f"  {name:<18} {len(values)}/{users}  p50 {percentile(values, 0.5):.0f}  "
                f"p95 {percentile(values, 0.95):.0f}  p99 {percentile(values, 0.99):.0f}  "
                f"max {max(values, default=float('nan')):.0f} ms"
            )
        rate = self.figures()["ratings_per_s"]
        out.append(
            f"  {rate:.0f} summaries/s; bot CPU {self.cpu:.2f} s (kernel {self.system:.2f} s,"
            f" {self.faults:,} minor page faults) over {self.duration:.1f} s"
        )
        out.append("  press -> summary p50 by tenth of the presses (in press order), ms:")
        out.append("   " + " ".join(f"{value:5.0f}" for value in self.by_tenth()))
        return out

    def by_tenth(self) -> list[float]:
        """The summary's p50 for each tenth of the presses in press order: a queue that grows
        rises to the right; a slow start (a cold path) is high on the left and never drains when
        the bot's rate only matches the presses'."""
        order = sorted(self.pressed, key=self.pressed.__getitem__)
        tenth = max(1, len(order) // 10)
        return [
            percentile(
                [
                    1000 * (self.summarised[u] - self.pressed[u])
                    for u in order[start : start + tenth]
                    if u in self.summarised
                ],
                0.5,
            )
            for start in range(0, len(order), tenth)
        ]

    def figures(self) -> dict[str, float]:
        """The main figures of one run, for the comparison."""
        found = {
            "ratings_per_s": len(self.summarised) / self.duration if self.duration else 0.0,
            "bot_cpu": self.cpu,
        }
        for name, done in (("answer", self.answered), ("summary", self.summarised)):
            values = [1000 * (done[u] - at) for u, at in self.pressed.items() if u in done]
            found[f"{name}_p50"] = percentile(values, 0.5)
            found[f"{name}_p99"] = percentile(values, 0.99)
        return found


async def press_all(
    emulator: BotApiEmulator,
    pid: int,
    data_of: dict[int, str],
    window: float,
    first_id: int,
) -> Pressed:
    """Each person gets a message from the bot (/routine), then all press a button on it,
    spread over `window` seconds; returns when every summary arrived (or after 60 s)."""
    result = Pressed()

    def on_event(event: Event) -> None:
        if event.kind == "answer":
            result.answered.setdefault(event.chat_id, event.monotonic)
        elif event.kind in ("send", "edit") and "Before:" in str((event.message or {}).get("text")):
            result.summarised.setdefault(event.chat_id, event.monotonic)

    people = [
        emulator.add_user(user_id=first_id + n, first_name=f"R{n}") for n in range(len(data_of))
    ]
    data = dict(zip((person.user_id for person in people), data_of.values(), strict=True))
    messages: dict[int, int] = {}
    for chunk in range(0, len(people), 50):
        batch = people[chunk : chunk + 50]
        for person in batch:
            await person.send("/routine")  # a message with buttons to press on
        for person in batch:
            messages[person.user_id] = (await person.next_message(timeout=60))["message_id"]
    await asyncio.sleep(3.0)  # every chat's pace back to a full burst
    stop_listening = emulator.listen(on_event)
    rng = random.Random(12)
    offsets = sorted(rng.uniform(0, window) for _ in people)
    profiler = profile(pid, window + 5.0)
    system_before, faults_before = system_seconds(pid), minor_faults(pid)
    cpu_before, started = cpu_seconds(pid), time.monotonic()
    result.started_wall = time.time()
    for person, offset in zip(people, offsets, strict=True):
        await asyncio.sleep(max(0.0, started + offset - time.monotonic()))
        result.pressed[person.user_id] = time.monotonic()
        await person.press_data(messages[person.user_id], data[person.user_id])
    for _ in range(600):
        if len(result.summarised) >= len(people):
            break
        await asyncio.sleep(0.1)
    result.duration = time.monotonic() - started
    result.cpu = cpu_seconds(pid) - cpu_before
    result.system = system_seconds(pid) - system_before
    result.faults = minor_faults(pid) - faults_before
    stop_listening()
    if profiler is not None:
        profiler.wait()
    return result


def profile(pid: int, seconds: float) -> subprocess.Popen[bytes] | None:
    """With BENCH_PROFILE=FILE: py-spy samples the bot during the presses only (raw stacks in
    FILE, e.g. for flamegraph.pl), not its set-up."""
    target = os.environ.get("BENCH_PROFILE")
    if not target:
        return None
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        print(f"BENCH_PROFILE: no {spy} (pip install py-spy); not profiled")
        return None
    return subprocess.Popen(
        [
            str(spy),
            "record",
            "-p",
            str(pid),
            "-r",
            os.environ.get("BENCH_PROFILE_RATE", "250"),
            "-d",
            f"{seconds:.0f}",
            "-f",
            "raw",
            "-o",
            target,
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def main(users: int, window: float, database: Database) -> dict[str, float]:
    workdir = Path(tempfile.mkdtemp(prefix="bench-ratings-"))
    url = await database.fresh(workdir)
    session_of = await seed(url, users)
    emulator = BotApiEmulator(limits=Limits(mode="count"))
    await emulator.start()
    try:
        bot = start_bot(
            emulator.base_url,
            emulator.base_file_url,
            url,
            workdir,
            PROBE_FILE=str(workdir / "probe.jsonl"),
        )
        try:
            data_of = {u: After(sid, 2, 1).pack() for u, sid in session_of.items()}
            result = await press_all(emulator, bot.pid, data_of, window, FIRST_ID)
        finally:
            await stop_process(bot)
    finally:
        await emulator.stop()
    print(f"Write ceiling: {users} people rate their session within {window:.1f} s")
    print(
        f"Backcare ({database.name}; each rating stored, progression and streak read)"
        "  goal: p99 < 500 ms"
    )
    for row in result.rows(users):
        print(row)
    print(f"  per-chat crossings {emulator.stats.per_chat_violations}")
    print("  Backcare, second by second from the first press (perf/probe.py):")
    table = probe_table(read_probe(workdir / "probe.jsonl"), [], result.started_wall, {}, 1)
    print(table[0].replace("late p99", "        "))
    for line in table[1:]:
        if int(line.split("s", 1)[0]) in range(0, int(result.duration) + 2):
            print(line.replace("     nanms", "          "))
    await database.discard(url)
    return result.figures()


async def floor(users: int, window: float, http: str) -> dict[str, float]:
    """A bare PTB bot making the same two calls per press, no database: the framework's
    floor for the same load."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-ratings-floor-"))
    emulator = BotApiEmulator(limits=Limits(mode="count"))
    await emulator.start()
    try:
        echo = start_echo(emulator.base_url, emulator.base_file_url, workdir / "echo.log", http)
        try:
            data_of = {FLOOR_FIRST_ID + n: After(n, 2, 1).pack() for n in range(users)}
            result = await press_all(emulator, echo.pid, data_of, window, FLOOR_FIRST_ID)
        finally:
            await stop_process(echo)
    finally:
        await emulator.stop()
    print(f"\n== bare PTB bot ({http}), the same two calls per press, no database")
    for row in result.rows(users):
        print(row)
    return result.figures()


COMPARED = (
    ("answer_p50", "press -> answer p50 (ms)", "{:.0f}"),
    ("answer_p99", "press -> answer p99 (ms)", "{:.0f}"),
    ("summary_p50", "press -> summary p50 (ms)", "{:.0f}"),
    ("summary_p99", "press -> summary p99 (ms)", "{:.0f}"),
    ("ratings_per_s", "ratings/s (summaries / run)", "{:.1f}"),
    ("bot_cpu", "bot CPU (s)", "{:.1f}"),
)


def run(users: int, window: float, kinds: list[str], with_floor: bool = True) -> None:
    """The benchmark on each database in turn, the bare PTB bot, then the main figures side by
    side."""
    results: dict[str, dict[str, float]] = {}
    for kind in runnable(kinds):
        with opened(kind) as database:
            print(f"\n== {database.described}")
            results[kind] = asyncio.run(main(users, window, database))
    if with_floor:
        for http in ("httpx", "aiohttp"):
            results[f"PTB {http}"] = asyncio.run(floor(users, window, http))
    for line in comparison(results, COMPARED):
        print(line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--window", type=float, default=1.0)
    add_option(parser, default=("sqlite", "postgres"))
    arguments = parser.parse_args()
    run(arguments.users, arguments.window, arguments.databases)
