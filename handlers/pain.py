"""Pain and red flags: the one stop-and-warn path, /pain, typed "it hurts", warning signs.

Every way of reporting pain ends in `stop_for_pain`, so the order is always the same: the timers
stop, the stop-and-consult warning is the very first reply, then the report is stored (only with
consent) and the plan steps back.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from core.context import BotData, Context
from db import routines as store
from db.models import utcnow
from db.users import get_user
from handlers.common import language_of, text
from handlers.payloads import Action, build, parse, pattern
from reminders.zones import emergency_number

logger = logging.getLogger(__name__)


def red_flag_keyboard(data: BotData, language: str) -> InlineKeyboardMarkup:
    """A: emergency signs, B: see-a-doctor signs, or none."""
    content = data.content
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    content.text(language, "pain.red_flag_a_button"),
                    callback_data=build(Action.RED_FLAGS, "a"),
                )
            ],
            [
                InlineKeyboardButton(
                    content.text(language, "pain.red_flag_b_button"),
                    callback_data=build(Action.RED_FLAGS, "b"),
                )
            ],
            [
                InlineKeyboardButton(
                    content.text(language, "pain.red_flag_none_button"),
                    callback_data=build(Action.RED_FLAGS, "none"),
                )
            ],
        ]
    )


async def stop_for_pain(context: Context, chat_id: int, user_id: int, language: str) -> None:
    """Stop the session now, warn first, then record and step the plan back."""
    from handlers.routine import close_live  # the live message belongs to the routine module

    data = context.bot_data
    live = await data.sessions.stop(chat_id)  # returns only once no timer can send any more
    in_session = live is not None
    async with data.db() as session:
        row = await store.open_session(session, chat_id) if live is None else None
        in_session = in_session or row is not None
    warning = text(context, language, "pain.stop_warning" if in_session else "pain.no_session")
    await context.bot.send_message(chat_id, warning)
    session_id = live.session_id if live is not None else (row.id if row is not None else None)
    if session_id is not None:
        data.checkpoints.discard(session_id)
    async with data.db() as session:
        stored = await store.record_health(session, user_id, "report", session_id=session_id)
        if session_id is not None:
            values: dict[str, object] = {
                "status": "pain" if stored else "stopped",
                "ended_at": utcnow(),
                "progress_applied": True,
                "live_message_id": None,
            }
            if live is not None:
                values["exercises_done"] = live.exercises_done()
                values["active_seconds"] = live.active_seconds / data.settings.routine_time_scale
            await store.save_state(session, session_id, **values)
            await store.step_down_for_pain(session, user_id, data.progression)
        await session.commit()
    logger.info("session %s stopped for pain", session_id)  # the report itself is never logged
    if live is not None:
        await close_live(data, context.bot, live)
    if session_id is not None:
        note = text(context, language, "pain.recorded")
        if not stored:
            note += "\n" + text(context, language, "pain.not_recorded")
        await context.bot.send_message(chat_id, note)
    await context.bot.send_message(
        chat_id,
        text(context, language, "pain.red_flags_question"),
        reply_markup=red_flag_keyboard(data, language),
    )


async def pain_command(update: Update, context: Context) -> None:
    """/pain: stop and warn."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    language = await language_of(update, context)
    await stop_for_pain(context, message.chat_id, user.id, language)


async def pain_words(update: Update, context: Context) -> None:
    """Typed "it hurts", "pain", "больно"...: the same as the button."""
    await pain_command(update, context)


async def answer_red_flags(update: Update, context: Context) -> None:
    """Show the warning signs, or the advice for the group the user picked."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    data = context.bot_data
    language = await language_of(update, context)
    fields = parse(query.data, Action.RED_FLAGS)
    if not fields or fields[0] not in ("menu", "a", "b", "none"):
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    await query.answer()
    chat_id, user_id = query.message.chat.id, query.from_user.id
    choice = fields[0]
    if choice == "menu":
        await context.bot.send_message(
            chat_id,
            text(context, language, "pain.red_flags_question"),
            reply_markup=red_flag_keyboard(data, language),
        )
        return
    if choice == "none":
        await query.edit_message_reply_markup(reply_markup=None)
        await context.bot.send_message(chat_id, text(context, language, "pain.no_red_flags"))
        return
    # A warning sign: stop anything running first, then the urgent advice.
    live = await data.sessions.stop(chat_id)
    async with data.db() as session:
        user = await get_user(session, user_id)
        await store.record_health(session, user_id, "red_flag", detail=choice)
        if live is not None:
            await store.save_state(
                session, live.session_id, status="stopped", ended_at=utcnow(), progress_applied=True
            )
        await session.commit()
    number = emergency_number_text(data, language, user.timezone if user else None)
    key = "pain.emergency" if choice == "a" else "pain.see_doctor"
    await context.bot.send_message(chat_id, text(context, language, key, number=number))
    await query.edit_message_reply_markup(reply_markup=None)
    logger.info("warning signs answered by user %s", user_id)


def emergency_number_text(data: BotData, language: str, zone: str | None) -> str:
    """The local emergency number where it is known, else a generic phrase with examples."""
    number = emergency_number(zone, language)
    return number or data.content.text(language, "pain.emergency_number_generic")


def pain_pattern(data: BotData) -> re.Pattern[str]:
    """Whole-word pain phrases of every language, from content/locales (pain.keywords)."""
    words: list[str] = []
    for language in data.content.languages:
        words.extend(w.strip() for w in data.content.text(language, "pain.keywords").split("|"))
    alternatives = "|".join(sorted({re.escape(w) for w in words if w}, key=len, reverse=True))
    return re.compile(rf"(?i)(?<!\w)({alternatives})(?!\w)")


def handlers(data: BotData) -> list[BaseHandler[Any, Any, Any]]:
    """The pain handlers; the typed-words pattern comes from content."""
    return [
        CommandHandler("pain", pain_command),
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & filters.Regex(pain_pattern(data)), pain_words
        ),
        CallbackQueryHandler(answer_red_flags, pattern=pattern(Action.RED_FLAGS)),
    ]
