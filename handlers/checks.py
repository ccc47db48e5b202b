"""Answers to the checks that follow a painful day: the morning check and the daily check that
replaces the routine invitation after a pain report. They ask; they never push.

Worse than before (or 7 or more) starts the flare-up mode: the next /routine offers the gentle
plan, with advice to see a doctor if it persists. Better gets a kind word. One tap turns the
morning checks off, or pauses every reminder.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from core.context import BotData, Context
from db import safety as store
from db.models import User
from db.reminders import cancel_next_day_checks, schedule_next_day_check, set_paused
from db.routines import record_health
from db.users import get_or_create_user
from handlers.common import language_of, text
from handlers.payloads import Action, build, parse, pattern
from handlers.routine_view import gentle_routine
from reminders.dispatcher import parse_hhmm
from reminders.schedule import morning_after
from safety.rules import Trend, trend

logger = logging.getLogger(__name__)

RATINGS = {str(n) for n in range(11)}
NIGHT = timedelta(hours=8)  # the morning check comes after at least a night's rest
KINDS = {"m": "morning", "d": "daily", "x": "asked"}  # the stored rating kind for each check


async def schedule_morning_check(
    session: AsyncSession, data: BotData, user: User, chat_id: int, now: datetime
) -> datetime | None:
    """Set the one-off morning check after a painful day (unless turned off); its due instant.

    The caller commits, then wakes the dispatcher for the returned instant.
    """
    if not user.next_day_checks:
        return None
    zone = user.timezone or data.settings.default_timezone
    local_time = data.settings.morning_check_time
    due = morning_after(now, parse_hhmm(local_time), zone, NIGHT)
    await schedule_next_day_check(
        session, user_id=user.id, chat_id=chat_id, local_time=local_time, zone=zone, due=due
    )
    return due


async def answer_check(update: Update, context: Context) -> None:
    """A 0-10 answer, "stop these morning checks", or "pause all reminders"."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    data = context.bot_data
    language = await language_of(update, context)
    fields = parse(query.data, Action.ASK) or []
    valid = (
        len(fields) == 3
        and fields[0] in KINDS
        and (fields[1] in RATINGS or fields[1] == "n")
        and (fields[2] in RATINGS or fields[2] in ("off", "pause"))
    )
    if not valid:
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    await query.answer()
    kind, op = fields[0], fields[2]
    reference = None if fields[1] == "n" else int(fields[1])
    user_id, chat_id = query.from_user.id, query.message.chat.id
    now = data.now()
    async with data.db() as session:
        user = await get_or_create_user(session, user_id, language)
        if op == "off":
            user.next_day_checks = False
            await cancel_next_day_checks(session, user_id)
        elif op == "pause":
            await set_paused(session, user_id, True)
        else:
            rating = int(op)
            await record_health(session, user_id, KINDS[kind], rating)
            result = trend(reference, rating)
            if result in (Trend.HIGH, Trend.WORSE):
                await store.start_flare(session, user_id, now)
        await session.commit()
    await query.edit_message_reply_markup(reply_markup=None)
    if op in ("off", "pause"):
        key = "checks.off" if op == "off" else "checks.paused"
        await context.bot.send_message(chat_id, text(context, language, key))
        return
    markup = None
    gentle = gentle_routine(data.content)
    if kind == "d" and result is not Trend.HIGH and gentle is not None:
        # The daily check replaces the invitation: the gentle plan is offered, never pushed.
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        text(context, language, "flare.gentle_button"),
                        callback_data=build(Action.FLARE, "g", gentle),
                    )
                ]
            ]
        )
    answer = {
        Trend.HIGH: "checks.high",
        Trend.WORSE: "checks.worse",
        Trend.SAME: "checks.same",
        Trend.UNKNOWN: "checks.same",
        Trend.BETTER: "checks.better",
    }[result]
    await context.bot.send_message(chat_id, text(context, language, answer), reply_markup=markup)


HANDLERS = [CallbackQueryHandler(answer_check, pattern=pattern(Action.ASK))]
