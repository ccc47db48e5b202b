"""The answers to the warning-sign check (and the buttons of its earlier versions)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler

from core.context import Context
from engine.routines import routine_exists
from handlers.common import STALE, Press, button, on_press, press_handlers, reply, text
from handlers.holds import put_on_hold
from handlers.safety import ask_signs, offer_session, signs_markup
from safety.rules import Hold
from services import safety
from ui.payloads import Action

ORIGINS = ("p", "s", "m")  # after a pain report, before a session, asked from the check-in


@on_press(Action.SIGNS, text_only=True, on_screen=True)
async def answer_signs(
    press: Press, origin: str, group: str, answer: str, routine_id: str | None = None
) -> None:
    """A Yes holds the routine (urgent advice, or a doctor first); two Noes pass the check."""
    query, context, language = press.query, press.context, press.language
    if routine_id is not None and not routine_exists(press.data.content, routine_id):
        await press.toast(STALE)
        return
    await query.answer()
    chat_id, user = press.chat_id, query.from_user
    if answer == "y":
        await query.edit_message_reply_markup(reply_markup=None)
        hold = Hold.EMERGENCY if group == "a" else Hold.DOCTOR
        await put_on_hold(context, chat_id, user.id, language, hold, user.language_code)
        return
    if group == "a":
        await query.edit_message_text(
            text(context, language, "safety.signs_doctor"),
            reply_markup=signs_markup(context.bot_data, language, origin, "b", routine_id),
        )
        return
    data = context.bot_data
    await safety.pass_screening(data.db, user.id, language, data.now())
    await query.edit_message_reply_markup(reply_markup=None)
    if origin == "s" and routine_id is not None:
        await reply(context, chat_id, text(context, language, "safety.no_signs_first"))
        await offer_session(context, chat_id, user.id, language, routine_id)
    elif origin == "p":
        await reply(
            context,
            chat_id,
            text(
                context,
                language,
                "safety.no_signs_after_pain",
                days=text(
                    context,
                    language,
                    "safety.gentle_days",
                    count=data.settings.gentle_reminder_days,
                ),
            ),
            InlineKeyboardMarkup(
                [
                    button(
                        text(context, language, "checks.pause_button"),
                        Action.ASK,
                        "x",
                        "n",
                        "pause",
                    )
                ]
            ),
        )
    else:
        await reply(context, chat_id, text(context, language, "safety.no_signs_asked"))


@on_press(Action.RED_FLAGS)
async def legacy_red_flags(press: Press, *answer: str) -> None:
    """Buttons from earlier versions: A and B still hold the routine; the rest asks again."""
    query, context, language, chat_id = press.query, press.context, press.language, press.chat_id
    await query.answer()
    if answer in (("a",), ("b",)):
        hold = Hold.EMERGENCY if answer == ("a",) else Hold.DOCTOR
        await put_on_hold(
            context, chat_id, query.from_user.id, language, hold, query.from_user.language_code
        )
        return
    await ask_signs(context, chat_id, language, "m")


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    *press_handlers(answer_signs),
    *press_handlers(legacy_red_flags),
]
