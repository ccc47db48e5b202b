"""Draws charts and reports away from the event loop, in a bounded pool of worker processes
(matplotlib and fpdf2 hold the GIL, so threads would still stall the loop) or threads.

The pool starts on first use, not at start-up: most processes never draw a chart.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Literal

from progress.chartdata import ChartData
from progress.document import ReportDoc

PoolKind = Literal["process", "thread"]


def _warm() -> None:
    """Import the drawing libraries once per worker, not on its first request."""
    import progress.chart
    import progress.report  # noqa: F401


def _chart(data: ChartData) -> bytes:
    from progress.chart import render

    return render(data)


def _report(doc: ReportDoc) -> bytes:
    from progress.report import build

    return build(doc)


class Renderer:
    """At most `workers` drawings at once; callers wait their turn without blocking the loop."""

    def __init__(self, workers: int, kind: PoolKind = "process") -> None:
        self.workers = workers
        self.kind = kind
        self._pool: Executor | None = None

    def _executor(self) -> Executor:
        if self._pool is None:
            if self.kind == "process":
                # "spawn": a fresh interpreter, never a fork of a process with running threads.
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_warm,
                )
            else:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="render")
        return self._pool

    async def chart(self, data: ChartData) -> bytes:
        """The chart as PNG bytes."""
        return await asyncio.get_running_loop().run_in_executor(self._executor(), _chart, data)

    async def report(self, doc: ReportDoc) -> bytes:
        """The report as PDF bytes."""
        return await asyncio.get_running_loop().run_in_executor(self._executor(), _report, doc)

    def close(self) -> None:
        """Stop the workers (at shutdown); drawings still queued are cancelled."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
