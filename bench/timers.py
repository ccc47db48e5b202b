"""1,000 guided sessions at once in one bot process, against the local Bot API emulator.

    make bench-timers                      # 1,000 quick routines in real time (~6 minutes)
    python -m bench.timers --sessions 200 --scale 0.2   # a shorter run
    make bench-timers DATABASES="sqlite postgres"       # each in turn, then side by side

The bot runs as its own process (`python bot.py`, as in production); the emulator and the
simulated users run here. Each user starts the quick routine at a random moment within 10 s and
then only watches. Lateness of a timed message = when the emulator received it minus when the
timeline says it is due (its offsets from that session's first live message).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import (
    Sampler,
    SelfProbe,
    cpu_seconds,
    log_path,
    log_tail,
    mib,
    percentile,
    probe_table,
    read_probe,
    start_bot,
    tcp_counters,
    tcp_delta,
)
from bench.databases import Database, add_option, comparison, opened, runnable
from content import load_content
from emulator import BotApiEmulator, Limits
from guided.engine.routines import routine_doses, routine_pace
from guided.engine.timeline import build_timeline


async def one_user(emulator: BotApiEmulator, user_id: int, delay: float, timeout: float) -> bool:
    user = emulator.add_user(user_id=user_id, first_name=f"U{user_id}", language_code="en")
    await asyncio.sleep(delay)
    await user.send("/routine")
    await user.wait_text("Which routine today?", timeout=60)
    await user.press("Quick routine")
    # A new user answers the one-time warning-sign check first: a clinician has assessed this
    # back pain (Yes, unchanged), then two groups of signs, No to both.
    check = await user.wait_text("short safety check", timeout=60)
    await user.press("Yes, and it has not changed", message_id=check.message_id, timeout=60)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == check.message_id, 60)
    await user.press("No, none of these", message_id=check.message_id, timeout=60)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == check.message_id, 60)
    await user.press("No, none of these", message_id=check.message_id, timeout=60)
    await user.wait_text("How is your back today?", timeout=60)
    await user.press("2")
    await user.wait_text("How does your back feel now?", timeout=timeout)
    return True


def live_events(emulator: BotApiEmulator, user_id: int) -> list[float]:
    """Arrival times of the session's timed messages (the live message's sends and edits)."""
    return [
        event.monotonic
        for event in emulator.users[user_id].events
        if event.kind in ("send", "edit")
        and event.message is not None
        and "text" in event.message
        and "Stop" in str(event.message.get("reply_markup"))
    ]


async def main(
    sessions: int, scale: float, spread: float, database: Database, debug: bool = False
) -> dict[str, float]:
    content = load_content()
    beats = build_timeline(
        routine_doses(content, "quick"),
        0,
        content.progression.levels,
        routine_pace(content, "quick"),
        scale,
    ).beats
    offsets, elapsed = [], 0.0
    for beat in beats[:-1]:
        offsets.append(elapsed)
        elapsed += beat.duration
    # A time-scaled run scales Telegram's per-chat limit with it (at scale 1: 1 message/s).
    emulator = BotApiEmulator(limits=Limits(mode="count", per_chat_rate=1.0 / scale))
    await emulator.start()
    workdir = Path(tempfile.mkdtemp(prefix="bench-timers-"))
    bot = start_bot(
        emulator.base_url,
        emulator.base_file_url,
        await database.fresh(workdir),
        workdir,
        ROUTINE_TIME_SCALE=str(scale),
        # Kept 10% under the emulator's (Telegram's) per-chat figure: network jitter needs slack.
        CHAT_RATE_PER_SECOND=str(0.9 / scale),
        PROBE_FILE=str(workdir / "probe.jsonl"),
    )
    try:
        probe = emulator.add_user(user_id=1, first_name="Probe")
        await probe.send("/help")
        await probe.wait_text("What I can do", timeout=60)
        stop = asyncio.Event()
        sampler = Sampler(bot.pid)
        sampling = asyncio.create_task(sampler.run(stop))
        self_probe = SelfProbe()
        emulator.on_served = self_probe.on_served
        self_probing = asyncio.create_task(self_probe.run(stop))
        await asyncio.sleep(1.0)
        baseline = sampler.samples[-1][1]  # idle, after start-up
        cpu_before, started = cpu_seconds(bot.pid), time.monotonic()
        server_before = database.server_cpu()
        started_wall = time.time()
        tcp_before = tcp_counters()
        events_before = len(emulator.events)
        rng = random.Random(7)
        timeout = elapsed + spread + 120
        results = await asyncio.gather(
            *(
                one_user(emulator, 1000 + n, rng.uniform(0, spread), timeout)
                for n in range(sessions)
            ),
            return_exceptions=True,
        )
        duration = time.monotonic() - started
        tcp_after = tcp_counters()
        cpu = cpu_seconds(bot.pid) - cpu_before
        server_cpu = database.server_cpu() - server_before
        stop.set()
        await sampling
        await self_probing
    finally:
        bot.terminate()
        try:
            bot.wait(timeout=30)
        except subprocess.TimeoutExpired:
            print("the bot did not stop within 30 s of SIGTERM; killed. Its log:")
            print(log_tail(workdir))
            bot.kill()
            bot.wait()
        await emulator.stop()
    log = log_path(workdir).read_text(errors="replace")
    warnings, errors = log.count(" WARNING "), log.count(" ERROR ")
    completed = sum(result is True for result in results)
    failures = [result for result in results if result is not True]
    lateness: list[float] = []
    timeline: list[tuple[float, float]] = []  # (seconds into the run, lateness)
    active_windows: list[tuple[float, float]] = []
    for n in range(sessions):
        arrivals = live_events(emulator, 1000 + n)
        if not arrivals:
            continue
        active_windows.append((arrivals[0], arrivals[-1]))
        # The planned start is not visible from outside the bot; anchor each session at the
        # start that its best-kept beat implies, so lateness is measured against the timeline.
        pairs = list(zip(arrivals, offsets, strict=False))
        anchor = min(got - planned for got, planned in pairs)
        lateness.extend(got - planned - anchor for got, planned in pairs)
        timeline.extend((got - started, got - planned - anchor) for got, planned in pairs)
    sent = [e for e in emulator.events[events_before:] if e.kind in ("send", "edit")]
    span = (max(e.monotonic for e in sent) - min(e.monotonic for e in sent)) if sent else 1.0
    peak_active = max(
        (sum(a <= start <= b for a, b in active_windows) for start, _ in active_windows), default=0
    )
    # Memory per session: growth over the idle baseline while the most sessions were live.
    per_session = (sampler.peak - baseline) / max(1, peak_active)
    ms = [value * 1000 for value in lateness]
    if debug:  # one session's timeline: planned offset, actual offset
        arrivals = live_events(emulator, 1000)
        for got, planned in zip(arrivals, offsets, strict=False):
            print(f"{planned:8.2f} {got - arrivals[0]:8.2f}")
    print(
        f"Backcare timer benchmark: {sessions} quick routines (timeline {elapsed / scale:.0f} s at "
        f"real pace, time scale {scale}), started within {spread:.0f} s, on {database.name}"
    )
    print(
        f"  completed sessions          {completed}/{sessions}"
        + (f"  (first failure: {failures[0]!r})" if failures else "")
    )
    print(f"  timed messages measured     {len(ms)}")
    print(
        f"  lateness p50 / p95 / p99    {percentile(ms, 0.5):.1f} / {percentile(ms, 0.95):.1f} / "
        f"{percentile(ms, 0.99):.1f} ms   (goal: p50 <= 50 ms, p99 <= 250 ms)"
    )
    print(f"  lateness max                {max(ms, default=float('nan')):.1f} ms")
    burst_end = spread + 20  # every session has started and shown its first exercise
    early = [late * 1000 for at, late in timeline if at < burst_end]
    later = [late * 1000 for at, late in timeline if at >= burst_end]
    print(
        f"  p99 in the first {burst_end:.0f} s       {percentile(early, 0.99):.1f} ms "
        f"({len(early)} messages, while sessions start)"
    )
    print(
        f"  p99 after that              {percentile(later, 0.99):.1f} ms "
        f"({len(later)} messages, max {max(later, default=float('nan')):.1f} ms)"
    )
    buckets: dict[int, list[float]] = {}
    for at, late in timeline:
        buckets.setdefault(int(at // 30) * 30, []).append(late * 1000)
    print(
        "  p99 by 30 s of the run      "
        + " ".join(f"{start}s:{percentile(v, 0.99):.0f}" for start, v in sorted(buckets.items()))
    )
    print("  where the time went, by 30 s (bot: perf/probe.py; bench: emulator + users):")
    for line in probe_table(
        read_probe(workdir / "probe.jsonl"), self_probe.lines, started_wall, buckets
    ):
        print(line)
    print(
        f"  messages per second         {len(sent) / span:.1f} (sends + edits, "
        f"{len(sent)} in {span:.0f} s)"
    )
    print(f"  TCP (machine-wide)          {tcp_delta(tcp_before, tcp_after)}")
    print(f"  429 answered                {emulator.stats.rejected_429}")
    print(f"  per-chat limit crossings    {emulator.stats.per_chat_violations}  (goal: 0)")
    print(
        f"  crossings of the 30/s bulk  {emulator.stats.global_violations}  (live edits are "
        "interactive, not bulk; reminders use the bulk bucket)"
    )
    print(
        f"  bot CPU                     {cpu:.1f} s over {duration:.0f} s "
        f"({100 * cpu / duration:.0f}% of one core)"
    )
    if database.server is not None:
        print(
            f"  database server CPU         {server_cpu:.1f} s "
            f"({100 * server_cpu / duration:.0f}% of one core)"
        )
    print(f"  bot peak RSS                {mib(sampler.peak)} (idle {mib(baseline)})")
    print(f"  peak active sessions        {peak_active}")
    print(f"  memory per active session   {per_session / 1024:.1f} KB  (goal: < 50 KB)")
    print(
        f"  bot log                     {errors} errors, {warnings} warnings, in "
        f"{log_path(workdir)}"
    )
    found = {
        "completed": completed,
        "p50": percentile(ms, 0.5),
        "p95": percentile(ms, 0.95),
        "p99": percentile(ms, 0.99),
        "max": max(ms, default=float("nan")),
        "p99_after": percentile(later, 0.99),
        "msg_per_s": len(sent) / span,
        "cpu": 100 * cpu / duration,
        "crossings": emulator.stats.per_chat_violations,
    }
    if database.server is not None:
        found["server_cpu"] = 100 * server_cpu / duration
    return found


COMPARED = (
    ("completed", "completed sessions", "{:.0f}"),
    ("p50", "lateness p50 (ms)", "{:.1f}"),
    ("p95", "lateness p95 (ms)", "{:.1f}"),
    ("p99", "lateness p99 (ms)", "{:.1f}"),
    ("max", "lateness max (ms)", "{:.1f}"),
    ("p99_after", "p99 after the start (ms)", "{:.1f}"),
    ("msg_per_s", "messages/s", "{:.1f}"),
    ("cpu", "bot CPU (% of one core)", "{:.0f}"),
    ("server_cpu", "database server CPU (%)", "{:.0f}"),
    ("crossings", "per-chat limit crossings", "{:.0f}"),
)


def run(sessions: int, scale: float, spread: float, kinds: list[str], debug: bool = False) -> None:
    """The benchmark on each database in turn, then their main figures side by side."""
    results: dict[str, dict[str, float]] = {}
    for kind in runnable(kinds):
        with opened(kind) as database:
            print(f"\n== {database.described}")
            results[kind] = asyncio.run(main(sessions, scale, spread, database, debug))
    for line in comparison(results, COMPARED):
        print(line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--spread", type=float, default=10.0)
    parser.add_argument("--debug", action="store_true", help="print one session's timeline")
    add_option(parser, default=("sqlite",))  # 6 minutes a database at full size
    arguments = parser.parse_args()
    run(arguments.sessions, arguments.scale, arguments.spread, arguments.databases, arguments.debug)
