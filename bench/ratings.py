"""The database write ceiling: 1,000 people rate their session within one second.

    python -m bench.ratings                 # SQLite, then PostgreSQL if installed
    python -m bench.ratings --users 500 --databases postgres

The database is seeded with people who consented to storing ratings and a completed session
each; every person has a message with buttons from the bot (/routine) and presses the after-session rating on
it, all within one second. Each press writes the rating (encrypted), applies the progression,
reads the streak and may schedule a morning check: one transaction. Printed: press -> the
button's answer, press -> the summary message, and the bot's database waits meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import cpu_seconds, percentile, probe_table, read_probe, start_bot
from bench.databases import Database, add_option, comparison, engine, opened, runnable
from db.connection import make_transaction_factory
from db.migrate import upgrade_to_head
from db.models import RoutineSession, User, utcnow
from emulator import BotApiEmulator, Limits
from emulator.state import Event
from ui.payloads import Action, build

FIRST_ID = 3_000_000


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


async def main(users: int, window: float, database: Database) -> dict[str, float]:
    workdir = Path(tempfile.mkdtemp(prefix="bench-ratings-"))
    url = await database.fresh(workdir)
    session_of = await seed(url, users)
    emulator = BotApiEmulator(limits=Limits(mode="count"))
    await emulator.start()
    bot = start_bot(
        emulator.base_url,
        emulator.base_file_url,
        url,
        workdir,
        PROBE_FILE=str(workdir / "probe.jsonl"),
    )
    answered: dict[int, float] = {}
    summarised: dict[int, float] = {}

    def on_event(event: Event) -> None:
        if event.kind == "answer":
            answered.setdefault(event.chat_id, event.monotonic)

        elif event.kind in ("send", "edit") and "Before:" in str((event.message or {}).get("text")):
            summarised.setdefault(event.chat_id, event.monotonic)

    try:
        people = [
            emulator.add_user(user_id=user_id, first_name=f"R{user_id}") for user_id in session_of
        ]
        messages: dict[int, int] = {}
        for chunk in range(0, users, 50):
            batch = people[chunk : chunk + 50]
            for person in batch:
                await person.send("/routine")  # a message with buttons to press on
            for person in batch:
                messages[person.user_id] = (await person.next_message(timeout=60))["message_id"]
        await asyncio.sleep(3.0)  # every chat's pace back to a full burst
        stop_listening = emulator.listen(on_event)
        rng = random.Random(12)
        offsets = sorted(rng.uniform(0, window) for _ in people)
        pressed: dict[int, float] = {}
        cpu_before, started, started_wall = cpu_seconds(bot.pid), time.monotonic(), time.time()
        for person, offset in zip(people, offsets, strict=True):
            await asyncio.sleep(max(0.0, started + offset - time.monotonic()))
            data = build(Action.AFTER, session_of[person.user_id], 2, 1)
            pressed[person.user_id] = time.monotonic()
            await person.press_data(messages[person.user_id], data)
        for _ in range(600):
            if len(summarised) >= users:
                break
            await asyncio.sleep(0.1)
        duration = time.monotonic() - started
        cpu = cpu_seconds(bot.pid) - cpu_before
        stop_listening()
    finally:
        bot.terminate()
        try:
            await asyncio.to_thread(bot.wait, 30)
        except subprocess.TimeoutExpired:
            bot.kill()
            bot.wait()
        await emulator.stop()
    answer_ms = [1000 * (answered[u] - pressed[u]) for u in pressed if u in answered]
    summary_ms = [1000 * (summarised[u] - pressed[u]) for u in pressed if u in summarised]
    print(
        f"Write ceiling: {users} people rate their session within {window:.1f} s ({database.name})"
    )
    for name, values in (("press -> answer", answer_ms), ("press -> summary", summary_ms)):
        print(
            f"  {name:<18} {len(values)}/{users}  p50 {percentile(values, 0.5):.0f}  "
            f"p95 {percentile(values, 0.95):.0f}  p99 {percentile(values, 0.99):.0f}  "
            f"max {max(values, default=float('nan')):.0f} ms   (goal: p99 < 500 ms)"
        )
    print(
        f"  bot CPU {cpu:.1f} s over {duration:.1f} s; per-chat crossings "
        f"{emulator.stats.per_chat_violations}"
    )
    print("  the bot, second by second from the first press (core/probe.py):")
    table = probe_table(read_probe(workdir / "probe.jsonl"), [], started_wall, {}, bucket=1)
    print(table[0].replace("late p99", "        "))
    for line in table[1:]:
        if int(line.split("s", 1)[0]) in range(0, int(duration) + 2):
            print(line.replace("     nanms", "          "))
    return figures(answer_ms, summary_ms, duration, cpu)


def figures(
    answer_ms: list[float], summary_ms: list[float], duration: float, cpu: float
) -> dict[str, float]:
    """The main figures of one run, for the comparison."""
    found: dict[str, float] = {"ratings_per_s": len(summary_ms) / duration, "bot_cpu": cpu}
    for name, values in (("answer", answer_ms), ("summary", summary_ms)):
        found[f"{name}_p50"] = percentile(values, 0.5)
        found[f"{name}_p99"] = percentile(values, 0.99)
    return found


COMPARED = (
    ("answer_p50", "press -> answer p50 (ms)", "{:.0f}"),
    ("answer_p99", "press -> answer p99 (ms)", "{:.0f}"),
    ("summary_p50", "press -> summary p50 (ms)", "{:.0f}"),
    ("summary_p99", "press -> summary p99 (ms)", "{:.0f}"),
    ("ratings_per_s", "ratings/s (summaries / run)", "{:.1f}"),
    ("bot_cpu", "bot CPU (s)", "{:.1f}"),
)


def run(users: int, window: float, kinds: list[str]) -> None:
    """The benchmark on each database in turn, then their main figures side by side."""
    results: dict[str, dict[str, float]] = {}
    for kind in runnable(kinds):
        with opened(kind) as database:
            print(f"\n== {database.described}")
            results[kind] = asyncio.run(main(users, window, database))
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
