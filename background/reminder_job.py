"""The reminder job: the one scheduler job that runs the dispatcher, and the message it sends."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from apscheduler.jobstores.base import JobLookupError
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application

from background.context import BotData, Context
from db.progress import WEEKLY_CHECK
from db.reminders import NEXT_DAY, Claimed, Owner
from db.safety import latest_rating
from reminders.dispatcher import BeforeSend, Dispatcher, Result, SendFn
from reminders.schedule import seconds_until
from safety.rules import Hold, ReminderMode, SafetyState, reminder_mode
from throttle import SendWithdrawn, never_left
from ui.guided import rating_keyboard
from ui.keyboards import Keyboard, Row, keyboard, with_app
from ui.payloads import Ask, Nudge, NudgeStart
from ui.progress import peg_question

logger = logging.getLogger(__name__)

JOB_NAME = "reminders:dispatch"
RECHECK_SECONDS = 300.0  # wake at least this often, to see rows changed by another process
NETWORK_RETRIES = (0.5, 1.0, 2.0)
FAILURE_BACKOFF, FAILURE_BACKOFF_MAX = 1.0, 60.0  # seconds before the dispatcher tries again


def nudge_text(data: BotData, language: str, reminder_id: int, due: datetime) -> str:
    """One of several encouraging lines, varied by reminder and day."""
    lines = [line.strip() for line in data.content.text(language, "reminders.nudges").split("|")]
    return lines[(reminder_id + due.toordinal()) % len(lines)]


def make_sender(application: Application) -> SendFn:
    """The dispatcher's send function: one reminder message, with retries for network errors."""
    data: BotData = application.bot_data

    async def send(item: Claimed, before_send: BeforeSend) -> tuple[Result, int | None]:
        language = (
            item.language
            if item.language in data.content.languages
            else data.settings.default_language
        )
        if item.kind == WEEKLY_CHECK:  # the optional PEG-3 (handlers/outcomes.py answers it)
            body, markup = peg_question(data.content, language, ())
        elif (
            item.kind == NEXT_DAY
            or reminder_mode(
                owner_state(item.owner),
                data.now(),
                timedelta(days=data.settings.gentle_reminder_days),
            )
            is ReminderMode.ASK
        ):
            body, markup = await check_message(data, item, language)
        else:
            body, markup = invitation(data, item, language)
        return await send_reminder(application, item, body, markup, before_send)

    return send


def owner_state(owner: Owner) -> SafetyState:
    """The safety facts the dispatcher read with the reminder."""
    return SafetyState(
        hold=Hold(owner.hold) if owner.hold else None,
        screened=True,
        flare_since=owner.flare_since,
        last_pain_at=owner.last_pain_at,
    )


async def check_message(data: BotData, item: Claimed, language: str) -> tuple[str, Keyboard]:
    """The morning check after a painful day, or the daily check that replaces the invitation
    after a pain report: "How is your back today?" 0-10, and one tap to turn them off."""
    async with data.db() as tx:
        reference = await latest_rating(tx, item.user_id)
    kind = "m" if item.kind == NEXT_DAY else "d"
    rows = rating_keyboard(lambda n: Ask(kind, reference, str(n))).inline_keyboard
    off_key, op = ("checks.off_button", "off") if kind == "m" else ("checks.pause_button", "pause")
    off = (data.content.text(language, off_key), Ask(kind, None, op))
    key = "checks.morning" if kind == "m" else "checks.daily"
    return data.content.text(language, key), keyboard([*rows, [off]])


def invitation(data: BotData, item: Claimed, language: str) -> tuple[str, Keyboard]:
    """The usual reminder: an encouraging line, Start, Snooze and Skip today."""
    minutes = data.settings.snooze_minutes
    rows: list[Row] = [
        with_app(
            [(data.content.text(language, "reminders.start"), NudgeStart(item.reminder_id))],
            data.content.text(language, "app.open_in_app"),
            data.settings.mini_app_url,
        ),
        [
            (
                data.content.text(language, "reminders.snooze", minutes=minutes),
                Nudge(item.reminder_id, "snooze"),
            ),
            (data.content.text(language, "reminders.skip"), Nudge(item.reminder_id, "skip")),
        ],
    ]
    markup = keyboard(rows)
    return nudge_text(data, language, item.reminder_id, item.due), markup


async def send_reminder(
    application: Application,
    item: Claimed,
    body: str,
    markup: Keyboard,
    before_send: BeforeSend,
) -> tuple[Result, int | None]:
    """One reminder message, at most once: a failure is retried only if the request surely
    never left (no connection made, none free in the pool); after one that may have reached
    Telegram (a read or write time-out, a 5xx answer, a dropped connection) the reminder is
    uncertain and not sent again. The rate limiter has already waited out any 429s."""
    for attempt, pause in enumerate((*NETWORK_RETRIES, None)):
        try:
            message = await application.bot.send_message(
                item.chat_id,
                body,
                reply_markup=markup,
                rate_limit_args={"bulk": True, "before_send": before_send},
            )
            return Result.SENT, message.message_id
        except SendWithdrawn:
            return Result.WITHDRAWN, None
        except Forbidden:
            return Result.BLOCKED, None
        except BadRequest as error:
            if "chat not found" in error.message.lower():
                return Result.BLOCKED, None
            logger.error("reminder %s rejected: %s", item.key, error.message)
            return Result.FAILED, None
        except RetryAfter:
            # Still refused at the limiter's bulk deadline: surely not delivered.
            logger.error("reminder %s: Telegram still answered 429 at the deadline", item.key)
            return Result.FAILED, None
        except NetworkError as error:
            if not never_left(error):
                logger.warning(
                    "reminder %s may have reached Telegram (%s): uncertain, not sent again",
                    item.key,
                    error,
                )
                return Result.UNCERTAIN, None
            if pause is None:
                logger.error("reminder %s failed after %d tries: %s", item.key, attempt + 1, error)
                return Result.FAILED, None
            await asyncio.sleep(pause)
    return Result.FAILED, None


async def dispatch_job(context: Context) -> None:
    """The single reminder job: send what is due, then sleep until the next due instant.

    It re-arms itself whatever happens: after a failure (a database error, a pool time-out) it
    tries again after a backoff that grows to a minute, so one error never stops reminders.
    """
    data = context.bot_data
    dispatcher = data.dispatcher
    next_due: datetime | None = None
    failed = True
    try:
        next_due = await dispatcher.dispatch()
        failed = False
    except Exception:
        count = data.job_failed(JOB_NAME)
        logger.exception("reminder dispatch failed (%d so far); retrying", count)
    finally:
        streak = data.dispatch_failure_streak + 1 if failed else 0
        data.dispatch_failure_streak = streak
        if failed:
            backoff = min(FAILURE_BACKOFF_MAX, FAILURE_BACKOFF * 2 ** (streak - 1))
            next_due = data.now() + timedelta(seconds=backoff)
        schedule_dispatch(context.application, next_due, force=True)


def schedule_dispatch(
    application: Application,
    when: datetime | None,
    *,
    force: bool = False,
) -> None:
    """(Re)arm the dispatcher job for `when`, if that is sooner than it is armed for."""
    queue = application.job_queue
    if queue is None:
        return
    data: BotData = application.bot_data
    now = data.now()
    delay = seconds_until(when, now, RECHECK_SECONDS)
    job = data.dispatch_job
    if job is not None:
        armed = job.next_t  # None once the job has run
        if armed is not None and not force and armed <= now + timedelta(seconds=delay):
            return
        if armed is not None:
            with contextlib.suppress(JobLookupError):  # it may have just started running
                job.schedule_removal()
    # misfire_grace_time=None: a late wake-up still runs (APScheduler's 1 s default would skip it).
    data.dispatch_job = queue.run_once(
        dispatch_job,
        when=delay,
        name=JOB_NAME,
        job_kwargs={"misfire_grace_time": None, "coalesce": True},
    )


def new_dispatcher(application: Application) -> Dispatcher:
    """The reminder dispatcher of this process (BotData.dispatcher), sending through the bot."""
    data: BotData = application.bot_data
    return Dispatcher(
        data.db,
        make_sender(application),
        grace=timedelta(minutes=data.settings.reminder_grace_minutes),
        now=lambda: data.now(),
        owner=data.settings.instance_id,
    )


async def start_dispatcher(application: Application) -> None:
    """At start: settle occurrences a crash left in flight, then run the dispatcher at once."""
    data: BotData = application.bot_data
    await data.dispatcher.recover()
    schedule_dispatch(application, data.now(), force=True)
