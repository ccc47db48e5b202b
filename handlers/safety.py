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

from telegram import Message

from background.context import BotData, Context
from guided.engine.routines import is_gentle
from handlers.checkin import ask_check_in
from handlers.common import text
from handlers.holds import hold_advice
from safety.rules import Gate, Origin, gate
from services.safety import load_state
from ui.keyboards import Keyboard, keyboard
from ui.payloads import FlareHow
from ui.safety import EMERGENCY, KNOWN, signs_markup, signs_question

logger = logging.getLogger(__name__)

TRENDS = ("b", "s", "w")  # better, the same, worse (since the pain report)


async def ask_signs(
    context: Context,
    chat_id: int,
    language: str,
    origin: Origin,
    routine_id: str | None = None,
) -> Message:
    """Ask the warning-sign check: at the first check, whether a clinician has assessed this
    back pain; else the emergency signs at once. The rest follows each answer."""
    content = context.bot_data.content
    group = KNOWN if origin is Origin.FIRST else EMERGENCY
    question = signs_question(content, language, origin, group)
    if origin is Origin.FIRST:
        question = text(context, language, "safety.first_check") + "\n\n" + question
    markup = signs_markup(content, language, origin, group, routine_id)
    return await context.bot.send_message(chat_id, question, reply_markup=markup)


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
        await ask_signs(context, chat_id, language, Origin.FIRST, routine_id)
    elif step is Gate.FLARE:
        await context.bot.send_message(
            chat_id,
            text(context, language, "flare.how"),
            reply_markup=flare_markup(data, language, routine_id),
        )
    else:
        await ask_check_in(context, chat_id, language, routine_id)


def flare_markup(data: BotData, language: str, routine_id: str) -> Keyboard:
    """Better / The same / Worse since the pain report."""
    content = data.content
    return keyboard(
        [
            [
                (content.text(language, f"flare.trend_{trend}"), FlareHow("h", routine_id, trend))
                for trend in TRENDS
            ]
        ]
    )
