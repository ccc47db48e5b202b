"""Pain: the one stop-and-warn path (It hurts, /pain, pain in the user's own words) and the short
follow-up after it (how strong, where, then the warning-sign check).

`report_pain` is the most reliable path in the bot: the timers stop, the stop-and-consult warning
leaves before any database work and is retried until it is delivered (or two minutes pass), and
the report is written whatever happens to the send. Nothing after the warning encourages
carrying on: the follow-up only asks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from background.ending import close_live, halt
from background.reminder_job import schedule_dispatch
from core.context import BotData, Context
from engine.sessions import End
from handlers.common import (
    Press,
    language_of,
    on_press,
    press_handlers,
    supported_language,
    text,
)
from handlers.holds import put_on_hold
from handlers.outcomes import ask_which_exercise
from handlers.safety import signs_markup
from safety.painwords import PainLexicon
from safety.rules import Hold
from services import safety
from throttle import Kind
from ui.guided import rating_keyboard
from ui.payloads import IT_HURTS_PATTERN, Action, build

logger = logging.getLogger(__name__)

BOTH_LEGS = "l2"  # with back pain, an emergency warning sign in itself
SKIP = "x"


async def safe_language(update: Update, context: Context) -> str:
    """The user's language; if the database fails, Telegram's: the warning must not wait on it."""
    try:
        return await language_of(update, context)
    except Exception:
        logger.exception("language lookup failed; using the Telegram language for the warning")
        user = update.effective_user
        return supported_language(context, user.language_code if user else None)


async def report_pain(context: Context, chat_id: int, user_id: int, language: str) -> None:
    """Stop, warn first (retried until delivered), record, then ask the short follow-up."""
    data = context.bot_data
    live = await halt(data, chat_id, End.PAIN)  # no timed message after this; no ✓ on it
    key = "pain.stop_warning" if live is not None else "pain.no_session"
    warning = text(context, language, key)
    # The warning kind: retried through 429s, 5xx and time-outs for two minutes (throttle/).
    delivery = asyncio.create_task(
        context.bot.send_message(
            chat_id,
            warning,
            rate_limit_args={"kind": Kind.WARNING},  # type: ignore[arg-type]  # ExtBot[None]
        )
    )
    await asyncio.sleep(0)  # the warning's request starts before any database work
    report_id: int | None = None
    consent = False
    try:
        report = await safety.store_report(
            context.bot_data,
            user_id=user_id,
            chat_id=chat_id,
            language=language,
            live=live,
            now=context.bot_data.now(),
        )
        report_id, consent = report.report_id, report.consent
        if report.ended is not None:  # why (pain) is health data: not logged
            logger.info("session %s ended", report.ended.session_id)
        if report.morning_check is not None:
            schedule_dispatch(context.application, report.morning_check)
    except Exception:
        logger.exception("a pain report could not be stored (the warning is sent regardless)")
    try:
        await delivery
    except TelegramError as error:
        logger.error("the stop warning was not delivered: %s", type(error).__name__)
        return
    if live is not None:
        await close_live(data, context.bot, live)
    note = text(context, language, "pain.follow_up_strength")
    if not consent:
        note += "\n" + text(context, language, "pain.not_recorded")
    await context.bot.send_message(
        chat_id, note, reply_markup=strength_markup(data, language, report_id or 0)
    )
    await ask_which_exercise(context, chat_id, user_id, language, live)  # with consent only


def strength_markup(data: BotData, language: str, report_id: int) -> InlineKeyboardMarkup:
    """0-10 for how strong it is now, and Skip."""
    rows = rating_keyboard(Action.PAIN_FOLLOW_UP, report_id, "s").inline_keyboard
    skip = InlineKeyboardButton(
        data.content.text(language, "pain.skip"),
        callback_data=build(Action.PAIN_FOLLOW_UP, report_id, "s", SKIP),
    )
    return InlineKeyboardMarkup([*rows, [skip]])


def where_markup(data: BotData, language: str, report_id: int) -> InlineKeyboardMarkup:
    """Lower back, upper back or neck, one leg, both legs, somewhere else; Skip."""

    def where(code: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            data.content.text(language, f"pain.where_{code}"),
            callback_data=build(Action.PAIN_FOLLOW_UP, report_id, "w", code),
        )

    return InlineKeyboardMarkup(
        [
            [where("lb"), where("ub")],
            [where("l1"), where("l2")],
            [where("el"), where(SKIP)],
        ]
    )


@on_press(Action.PAIN_FOLLOW_UP, text_only=True, on_screen=True)
async def answer_follow_up(press: Press, report_id: int, step: str, value: str) -> None:
    """How strong, then where (both legs: urgent advice), then the warning-sign check."""
    query, context, data, language = press.query, press.context, press.data, press.language
    await query.answer()
    user = query.from_user
    if report_id and value != SKIP:
        if step == "s":
            await safety.add_to_report(data.db, user.id, report_id, strength=int(value))
        else:
            await safety.add_to_report(data.db, user.id, report_id, where=value)
    if step == "s":
        await query.edit_message_text(
            text(context, language, "pain.follow_up_where"),
            reply_markup=where_markup(data, language, report_id),
        )
        return
    if value == BOTH_LEGS:
        await query.edit_message_reply_markup(reply_markup=None)
        await put_on_hold(
            context, press.chat_id, user.id, language, Hold.EMERGENCY, user.language_code
        )
        return
    await query.edit_message_text(
        text(context, language, "safety.signs_emergency"),
        reply_markup=signs_markup(data, language, "p", "a", None),
    )


async def pain_command(update: Update, context: Context) -> None:
    """/pain, or pain in the user's words: stop and warn."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    language = await safe_language(update, context)
    await report_pain(context, message.chat_id, user.id, language)


async def pain_button(update: Update, context: Context) -> None:
    """It hurts on the live message (any session's, even an old one): stop and warn."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    with contextlib.suppress(TelegramError):  # the warning must not depend on the toast
        await query.answer()
    language = await safe_language(update, context)
    await report_pain(context, query.message.chat.id, query.from_user.id, language)


class PainWords(filters.MessageFilter):
    """Text that speaks of pain, in any language the content has (word forms included)."""

    def __init__(self, lexicon: PainLexicon) -> None:
        super().__init__(name="PainWords")
        self._lexicon = lexicon

    def filter(self, message: Message) -> bool:
        return bool(message.text) and self._lexicon.matches(message.text or "")


def handlers(data: BotData) -> list[BaseHandler[Any, Any, Any]]:
    """The pain handlers; the words come from content, their forms from a morphology library."""
    words = PainWords(PainLexicon.from_content(data.content))
    return [
        CommandHandler("pain", pain_command),
        MessageHandler(filters.TEXT & ~filters.COMMAND & words, pain_command),
        CallbackQueryHandler(pain_button, pattern=IT_HURTS_PATTERN),
        *press_handlers(answer_follow_up),
    ]
