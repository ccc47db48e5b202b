"""Is it safe to exercise? The warning-sign check, safety holds, the flare-up offer, the check-in.

Every way into a session (/routine, a reminder's Start, an exercise's Try it now, the gentle
plan) goes through `offer_session`, which follows `safety.rules.gate`: an emergency hold gives
the urgent advice again, the warning-sign check is asked before the first session, a
see-a-doctor hold allows only the gentle plan, and after a pain report the flare-up questions
come first. Buttons that could start or continue a session are checked by `hold_gate` before
any other handler sees them.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.context import BotData, Context
from engine.routines import is_gentle
from handlers.checks import ask_check_in
from handlers.common import button, text
from handlers.holds import hold_advice
from safety.rules import Gate, gate
from services.safety import load_state
from ui.payloads import Action, build

logger = logging.getLogger(__name__)

TRENDS = ("b", "s", "w")  # better, the same, worse (since the pain report)


# State ----------------------------------------------------------------------------------------


# Sending --------------------------------------------------------------------------------------


# The warning-sign check -----------------------------------------------------------------------


def signs_markup(
    data: BotData, language: str, origin: str, group: str, routine_id: str | None
) -> InlineKeyboardMarkup:
    """Yes / No for one group of warning signs."""
    tail = [routine_id] if routine_id else []
    content = data.content
    return InlineKeyboardMarkup(
        [
            button(
                content.text(language, "safety.signs_yes"), Action.SIGNS, origin, group, "y", *tail
            ),
            button(
                content.text(language, "safety.signs_no"), Action.SIGNS, origin, group, "n", *tail
            ),
        ]
    )


async def ask_signs(
    context: Context,
    chat_id: int,
    language: str,
    origin: str,
    routine_id: str | None = None,
) -> None:
    """Ask the first group (emergency signs); the second follows a No."""
    question = text(context, language, "safety.signs_emergency")
    if origin == "s":
        question = text(context, language, "safety.first_check") + "\n\n" + question
    markup = signs_markup(context.bot_data, language, origin, "a", routine_id)
    await context.bot.send_message(chat_id, question, reply_markup=markup)


# Holds ----------------------------------------------------------------------------------------


# Asking for a session -------------------------------------------------------------------------


async def offer_session(
    context: Context, chat_id: int, user_id: int, language: str, routine_id: str
) -> None:
    """The way into every session: holds first, the check before the first session, flare-ups."""
    data = context.bot_data
    state, user = await load_state(data, user_id)
    step = gate(state, is_gentle(data.content, routine_id))
    if step is Gate.URGENT_ADVICE or step is Gate.DOCTOR_FIRST:
        await hold_advice(context, chat_id, language, state, user)
    elif step is Gate.SCREEN:
        await ask_signs(context, chat_id, language, "s", routine_id)
    elif step is Gate.FLARE:
        await context.bot.send_message(
            chat_id,
            text(context, language, "flare.how"),
            reply_markup=flare_markup(data, language, routine_id),
        )
    else:
        await ask_check_in(context, chat_id, language, routine_id)


def flare_markup(data: BotData, language: str, routine_id: str) -> InlineKeyboardMarkup:
    """Better / The same / Worse since the pain report."""
    content = data.content
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    content.text(language, f"flare.trend_{trend}"),
                    callback_data=build(Action.FLARE, "h", routine_id, trend),
                )
                for trend in TRENDS
            ]
        ]
    )


# Registration ---------------------------------------------------------------------------------
