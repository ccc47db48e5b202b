"""The reminder message and its buttons, and the one scheduler job that runs the dispatcher."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from apscheduler.jobstores.base import JobLookupError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, CallbackQueryHandler

from core.context import BotData, Context
from db import reminders as store
from db.progress import WEEKLY_CHECK
from db.reminders import NEXT_DAY, Claimed, Owner
from db.routines import get_progress
from db.safety import latest_rating
from handlers.common import language_of, text
from handlers.payloads import Action, build, number, parse, pattern
from handlers.progress_view import peg_question
from handlers.routine_view import rating_keyboard
from handlers.safety import offer_session
from reminders.dispatcher import (
    BeforeSend,
    Dispatcher,
    Result,
    SendFn,
    first_due,
    seconds_until,
)
from reminders.schedule import local_date
from safety.rules import Hold, ReminderMode, SafetyState, reminder_mode
from throttle import SendWithdrawn, never_left

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


async def check_message(
    data: BotData, item: Claimed, language: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The morning check after a painful day, or the daily check that replaces the invitation
    after a pain report: "How is your back today?" 0-10, and one tap to turn them off."""
    async with data.db() as session:
        reference = await latest_rating(session, item.user_id)
    kind = "m" if item.kind == NEXT_DAY else "d"
    ref = "n" if reference is None else reference
    rows = rating_keyboard(Action.ASK, kind, ref).inline_keyboard
    off_key, op = ("checks.off_button", "off") if kind == "m" else ("checks.pause_button", "pause")
    off = InlineKeyboardButton(
        data.content.text(language, off_key), callback_data=build(Action.ASK, kind, "n", op)
    )
    key = "checks.morning" if kind == "m" else "checks.daily"
    return data.content.text(language, key), InlineKeyboardMarkup([*rows, [off]])


def invitation(data: BotData, item: Claimed, language: str) -> tuple[str, InlineKeyboardMarkup]:
    """The usual reminder: an encouraging line, Start, Snooze and Skip today."""
    minutes = data.settings.snooze_minutes
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    data.content.text(language, "reminders.start"),
                    callback_data=build(Action.NUDGE, item.reminder_id, "start"),
                )
            ],
            [
                InlineKeyboardButton(
                    data.content.text(language, "reminders.snooze", minutes=minutes),
                    callback_data=build(Action.NUDGE, item.reminder_id, "snooze"),
                ),
                InlineKeyboardButton(
                    data.content.text(language, "reminders.skip"),
                    callback_data=build(Action.NUDGE, item.reminder_id, "skip"),
                ),
            ],
        ]
    )
    return nudge_text(data, language, item.reminder_id, item.due), markup


async def send_reminder(
    application: Application,
    item: Claimed,
    body: str,
    markup: InlineKeyboardMarkup,
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


async def start_dispatcher(application: Application) -> None:
    """At start: settle occurrences a crash left in flight, then run the dispatcher at once."""
    data: BotData = application.bot_data
    dispatcher = Dispatcher(
        data.db,
        make_sender(application),
        grace=timedelta(minutes=data.settings.reminder_grace_minutes),
        now=lambda: data.now(),
        owner=data.settings.instance_id,
    )
    data.dispatcher = dispatcher
    await dispatcher.recover()
    schedule_dispatch(application, data.now(), force=True)


async def answer_nudge(update: Update, context: Context) -> None:
    """Start routine, Snooze or Skip today, on a reminder message."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    data = context.bot_data
    language = await language_of(update, context)
    fields = parse(query.data, Action.NUDGE)
    user_id, chat_id = query.from_user.id, query.message.chat.id
    reminder_id = number(fields[0]) if fields and len(fields) == 2 else None
    if fields is None or reminder_id is None or fields[1] not in ("start", "snooze", "skip"):
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    op = fields[1]
    now = context.bot_data.now()
    if op == "start":
        async with data.db() as session:
            row = await store.get_reminder(session, reminder_id)
            mine = row is not None and row.user_id == user_id
            last = (await get_progress(session, user_id)).last_routine if mine else None
            await session.commit()
        if not mine:
            await query.answer(text(context, language, "reminders.old"))
            return
        await query.answer()
        await query.edit_message_reply_markup(reply_markup=None)
        normal = [r.id for r in data.content.routines.values() if not r.gentle]
        routine_id = last if last in normal else normal[0]
        await offer_session(context, chat_id, user_id, language, routine_id)  # opens its own
        return
    async with data.db() as session:
        row = await store.get_reminder(session, reminder_id)
        if row is None or row.user_id != user_id:
            await session.rollback()  # no transaction held across a Telegram call
            await query.answer(text(context, language, "reminders.old"))
            return
        if op == "snooze":
            snooze_at = now + timedelta(minutes=data.settings.snooze_minutes)
            if row.next_due is not None and now < row.next_due <= snooze_at:
                await session.rollback()
                await query.answer(text(context, language, "reminders.already_snoozed"))
                return
            row.next_due = snooze_at
            toast = text(
                context, language, "reminders.snoozed", minutes=data.settings.snooze_minutes
            )
        elif op == "skip":
            # Every occurrence still due today (local) moves past today.
            today = local_date(now, row.zone)
            for other in await store.user_reminders(session, user_id):
                if other.next_due is not None and local_date(other.next_due, other.zone) == today:
                    end_of_day = other.next_due
                    while local_date(end_of_day, other.zone) == today:
                        end_of_day = first_due(other.local_time, other.days, other.zone, end_of_day)
                    other.next_due = end_of_day
            toast = text(context, language, "reminders.skipped")
        else:
            await session.rollback()
            await query.answer(text(context, language, "fallback.stale_button"))
            return
        await session.commit()
        earliest = await store.earliest_due(session)
    schedule_dispatch(context.application, earliest)
    await query.answer(toast)
    await query.edit_message_reply_markup(reply_markup=None)
    await context.bot.send_message(chat_id, toast)


HANDLERS = [CallbackQueryHandler(answer_nudge, pattern=pattern(Action.NUDGE))]
