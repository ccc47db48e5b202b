"""Process leases, for several bot processes on one PostgreSQL: each process beats a heartbeat;
when another process's heartbeat lapses, this one settles what it left (its reminder claims, its
live sessions), and nothing that belongs to a live process is ever touched.

Leases run on the real clock (not the reminder clock that tests move by hand).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import Application

from background.context import BotData, Context
from background.jobs import run_round
from background.reminder_job import schedule_dispatch
from db import instances
from db.models import utcnow

logger = logging.getLogger(__name__)

JOB_NAME = "leases:heartbeat"


async def beat_and_settle(application: Application) -> list[str]:
    """Renew this process's lease; settle the processes whose lease lapsed. Their names."""
    data: BotData = application.bot_data
    now = utcnow()
    async with data.db() as tx:
        await instances.beat(tx, data.settings.instance_id, now)
        lapsed = await instances.lapsed(
            tx, now - timedelta(seconds=data.settings.lease_seconds), data.settings.instance_id
        )
        await tx.commit()
    if not lapsed:
        return []
    logger.warning("processes %s stopped beating: settling what they left", ", ".join(lapsed))
    dispatcher = data.dispatcher
    await dispatcher.recover(lapsed, at_start=False)
    await data.sessions.recover(lapsed)
    async with data.db() as tx:
        await instances.forget(tx, lapsed)
        await tx.commit()
    schedule_dispatch(application, data.now(), force=True)
    return lapsed


async def heartbeat_job(context: Context) -> None:
    """The repeating job; a failure is logged and counted, and the next beat tries again."""
    await run_round(context, JOB_NAME, beat_and_settle)


async def start_heartbeat(application: Application) -> None:
    """Beat now, then every third of the lease."""
    data: BotData = application.bot_data
    async with data.db() as tx:
        await instances.beat(tx, data.settings.instance_id, utcnow())
        await tx.commit()
    queue = application.job_queue
    if queue is None:
        return
    for job in queue.get_jobs_by_name(JOB_NAME):
        job.schedule_removal()
    every = data.settings.lease_seconds / 3
    queue.run_repeating(heartbeat_job, interval=every, first=every, name=JOB_NAME)
