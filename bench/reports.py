"""`make bench-reports`: how long a chart and a doctor's report take to draw, and how much the
event loop lags while 50 people ask for a report at once.

1. A 90-day chart and a 90-day report (a person who exercised most days, with pain reports,
   weekly checks, gentle-plan periods), drawn in this process: median and worst of several runs.
2. 50 report requests at once on one event loop, as the bot serves them: the text is composed
   on the loop, the drawing goes to the pool (REPORT_POOL, REPORT_WORKERS), while a ticker
   measures how late the loop wakes it every 10 ms. Run for each pool kind and size given.

Goals: chart < 300 ms, report < 1.5 s, loop lag p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from content import Content, load_content
from progress.chart import render
from progress.render import PoolKind, Renderer
from progress.report import build
from progress.stats import Facts, HurtFact, PegFact, PeriodFact, RatingFact, SessionFact
from ui.progress import chart_for
from ui.report import report_doc

TICK = 0.010


def sample_facts(seed: int = 1, days: int = 100) -> Facts:
    """A person with about three months of sessions, ratings, reports and weekly checks."""
    rnd = random.Random(seed)
    now = datetime(2026, 5, 30, 18, tzinfo=UTC)
    sessions, ratings = [], []
    for number, back in enumerate(range(days, 0, -1), 1):
        day = now - timedelta(days=back, hours=rnd.randint(0, 10))
        if rnd.random() > 0.75:
            continue
        level = max(0, min(9, 6 - (days - back) // 25 + rnd.randint(-1, 1)))
        status = "completed" if rnd.random() < 0.85 else rnd.choice(["pain", "stopped"])
        ratings.append(RatingFact(day, "checkin", level, None, number))
        if status == "completed":
            ratings.append(
                RatingFact(day + timedelta(minutes=15), "after", level - 1, None, number)
            )
        elif status == "pain":
            ratings.append(RatingFact(day + timedelta(minutes=5), "report", 6, "lb", number))
        sessions.append(SessionFact(day, status, "quick", 300.0, False, number))
    ratings.append(RatingFact(now - timedelta(days=3), "report", 6, "lb"))
    ratings.append(RatingFact(now - timedelta(days=40), "red_flag", None, "none"))
    ratings.append(RatingFact(now - timedelta(days=12), "red_flag", None, "doctor"))
    periods = (PeriodFact("gentle", now - timedelta(days=12), now - timedelta(days=8)),)
    pegs = tuple(
        PegFact(now - timedelta(days=7 * k), rnd.randint(3, 7), rnd.randint(2, 6), 4)
        for k in range(13)
    )
    hurts = (HurtFact(now - timedelta(days=12), "cat_cow", "easier", None),)
    return Facts(
        "Europe/Berlin",
        now,
        (now - timedelta(days=days + 5)).date(),
        tuple(sessions),
        tuple(ratings),
        periods,
        pegs,
        hurts,
        frozenset({0, 2, 4}),
    )


def timed(action, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def under_load(
    content: Content, facts: Facts, kind: PoolKind, workers: int, users: int
) -> dict[str, float]:
    """Serve `users` report requests at once; the loop's lateness while they run."""
    renderer = Renderer(workers, kind)
    await renderer.chart(chart_for(content, "en", facts, 7))  # workers up and warm first
    lags: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            planned = loop.time() + TICK
            await asyncio.sleep(TICK)
            lags.append(max(0.0, loop.time() - planned))

    async def one(index: int) -> float:
        started = time.perf_counter()
        language = "ru" if index % 2 else "en"
        doc = report_doc(content, language, facts, 90)  # on the loop, as in the handler
        pdf = await renderer.report(doc)
        assert pdf.startswith(b"%PDF")
        return time.perf_counter() - started

    ticking = asyncio.create_task(ticker())
    started = time.perf_counter()
    waits = await asyncio.gather(*(one(i) for i in range(users)))
    total = time.perf_counter() - started
    stop.set()
    await ticking
    renderer.close()
    return {
        "total": total,
        "wait_p50": statistics.median(waits),
        "wait_max": max(waits),
        "lag_p50": statistics.median(lags) * 1000,
        "lag_p99": percentile(lags, 0.99) * 1000,
        "lag_max": max(lags) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--pools", default="process:1,process:2,thread:2", help="kind:workers, comma-separated"
    )
    args = parser.parse_args()
    content = load_content()
    facts = sample_facts()
    for language in ("en", "ru"):
        chart = chart_for(content, language, facts, 90)
        render(chart)  # warm: imports, font cache
        charts = timed(lambda chart=chart: render(chart), args.runs)
        doc = report_doc(content, language, facts, 90)
        pages = build(doc)
        reports = timed(lambda doc=doc: build(doc), max(3, args.runs // 2))
        print(
            f"{language}: chart 90 days {statistics.median(charts) * 1000:.0f} ms median, "
            f"{max(charts) * 1000:.0f} ms worst (goal < 300 ms); "
            f"report {statistics.median(reports) * 1000:.0f} ms median, "
            f"{max(reports) * 1000:.0f} ms worst (goal < 1500 ms), {len(pages) // 1024} KiB",
            flush=True,
        )
    for pool in args.pools.split(","):
        kind, workers = pool.split(":")
        assert kind in ("process", "thread")
        found = asyncio.run(under_load(content, facts, kind, int(workers), args.users))  # type: ignore[arg-type]
        print(
            f"{args.users} reports at once, {kind} pool x{workers}: all done in "
            f"{found['total']:.1f} s (each waited {found['wait_p50']:.1f} s median, "
            f"{found['wait_max']:.1f} s at most); loop lag p50 {found['lag_p50']:.1f} ms, "
            f"p99 {found['lag_p99']:.1f} ms, max {found['lag_max']:.1f} ms (goal p99 < 50 ms)",
            flush=True,
        )


if __name__ == "__main__":
    main()
