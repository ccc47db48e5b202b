"""One round of a repeating job (the retention sweep, the lease heartbeat): a failure is logged
and counted (/stats, /metrics), and the next round tries again."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram.ext import Application

from background.context import Context

logger = logging.getLogger(__name__)


async def run_round(
    context: Context, job: str, work: Callable[[Application], Awaitable[object]]
) -> None:
    """Run `work` once; never let its failure stop the job."""
    try:
        await work(context.application)
    except Exception:
        count = context.bot_data.job_failed(job)
        logger.exception("%s failed (%d so far)", job, count)
