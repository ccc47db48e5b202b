"""Retention: note who is active, and delete the data of people gone for RETENTION_DAYS.

Every update from a person marks them as seen; the mark reaches the database at most once a day
per person, in one batched statement per sweep, so activity costs no write per message. A sweep
runs every hour: it flushes the marks, erases everyone not seen within the retention period
(the period `/privacy` promises), and prunes reminder delivery records older than a month and
the Mini App's idempotency keys older than a week.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import Application

from background.context import BotData, Context
from background.jobs import run_round
from db.app_answers import prune_answers
from db.reminders import prune_deliveries
from db.users import inactive_users, mark_seen, purge_inactive
from guided.engine.status import End

logger = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(hours=1)
# Reminder delivery records (the idempotency keys) are only needed while their occurrence could
# still be claimed again; a month of them is kept for support questions.
DELIVERY_RECORD_DAYS = 30
# The Mini App's answers by idempotency key: a page retries its posts for minutes (hours
# offline), so a week of them is kept.
APP_ANSWER_DAYS = 7
JOB_NAME = "retention"


async def sweep(application: Application) -> int:
    """Write the day's activity marks, then erase people not seen in time; return how many."""
    data: BotData = application.bot_data
    now = data.now()
    activity = data.activity
    seen = activity.take()
    cutoff = now - timedelta(days=data.settings.retention_days)
    async with data.db() as tx:
        leaving = await inactive_users(tx, cutoff)
    for user_id in leaving:
        # Nothing of theirs may outlive the erasure: a timer (private chat id == user id), or a
        # draft kept in memory (a reminder being set up, the cached language).
        await data.sessions.stop(user_id, End.ERASED)
        application.drop_user_data(user_id)
    try:
        async with data.db.begin() as tx:
            if seen:
                await mark_seen(tx, seen, now)
            erased = await purge_inactive(tx, cutoff)
            pruned = await prune_deliveries(tx, now - timedelta(days=DELIVERY_RECORD_DAYS))
            await prune_answers(tx, now - timedelta(days=APP_ANSWER_DAYS))
    except Exception:
        activity.pending |= seen  # nothing was written: try again at the next sweep
        raise
    if pruned:
        logger.info("Retention: pruned %d reminder delivery records", pruned)
    if erased:
        logger.info(
            "Retention: erased the data of %d people inactive for %d days",
            erased,
            data.settings.retention_days,
        )
    return erased


async def run_sweep(context: Context) -> None:
    """The hourly job: a failure is logged and counted; the next hour tries again."""
    await run_round(context, JOB_NAME, sweep)


def schedule_sweeps(application: Application) -> None:
    """Sweep a minute after start, then every hour."""
    job_queue = application.job_queue
    assert job_queue is not None
    for job in job_queue.get_jobs_by_name(JOB_NAME):
        job.schedule_removal()
    job_queue.run_repeating(run_sweep, interval=SWEEP_EVERY, first=60, name=JOB_NAME)
