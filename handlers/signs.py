"""The answers to the warning-sign check (and the buttons of its earlier versions).

At the first check: has a clinician assessed this back pain (then the signs of a new episode are
not asked), the emergency signs, the see-a-doctor signs. After a pain report: the emergency
signs (for pain in both legs, the emergency questions at once), the see-a-doctor signs, then
which exercise hurt. Any Yes holds the routine, in proportion to the sign.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from background.context import Context
from guided.engine.routines import routine_exists
from handlers import follow_up
from handlers.common import STALE, Press, button, on_press, press_handlers, reply, text
from handlers.holds import put_on_hold
from handlers.safety import ask_signs, offer_session
from safety.rules import Answer, Hold, Origin, red_flag
from services import safety
from ui.keyboards import keyboard
from ui.payloads import Ask, RedFlags, Signs
from ui.safety import DOCTOR, EMERGENCY, KNOWN, LEGS, signs_markup, signs_question


@on_press(Signs, text_only=True, on_screen=True)
async def answer_signs(
    press: Press, origin_code: str, group: str, answer: str, routine_id: str | None = None
) -> None:
    """The next question, or: a Yes holds the routine (urgent advice, a doctor today or
    tomorrow, or a doctor first); the last No passes the check."""
    query, context, content, language = (
        press.query,
        press.context,
        press.data.content,
        press.language,
    )
    if routine_id is not None and not routine_exists(content, routine_id):
        await press.toast(STALE)
        return
    await query.answer()
    origin, chat_id, user = Origin(origin_code), press.chat_id, query.from_user
    if group == KNOWN:  # a clinician knows this back pain, unchanged: no new-episode signs
        origin = Origin.KNOWN if answer == "y" else Origin.FIRST
        await query.edit_message_text(
            signs_question(content, language, origin, EMERGENCY),
            reply_markup=signs_markup(content, language, origin, EMERGENCY, routine_id),
        )
        return
    if answer == "y":
        await query.edit_message_reply_markup(reply_markup=None)
        follow_up.drop(context)  # nothing more is asked after a hold
        emergency = group in (EMERGENCY, LEGS)
        await put_on_hold(
            context,
            chat_id,
            user.id,
            language,
            Hold.EMERGENCY if emergency else Hold.DOCTOR,
            user.language_code,
            red_flag(Answer.EMERGENCY if emergency else Answer.DOCTOR, origin),
            correct=(origin, routine_id) if emergency else None,
        )
        return
    if group == EMERGENCY:
        await query.edit_message_text(
            signs_question(content, language, origin, DOCTOR),
            reply_markup=signs_markup(content, language, origin, DOCTOR, routine_id),
        )
        return
    await query.edit_message_reply_markup(reply_markup=None)
    if group == LEGS:  # both legs, no emergency sign: a doctor soon, not an ambulance
        await put_on_hold(
            context,
            chat_id,
            user.id,
            language,
            Hold.DOCTOR,
            user.language_code,
            red_flag(Answer.LEGS, origin),
            advice="safety.legs_advice",
        )
        await follow_up.finish(context, chat_id, language)
        return
    await safety.pass_screening(
        press.data.db, user.id, language, press.data.now(), red_flag(Answer.NONE, origin)
    )
    if origin in (Origin.FIRST, Origin.KNOWN) and routine_id is not None:
        await reply(context, chat_id, text(context, language, "safety.no_signs_first"))
        await offer_session(context, chat_id, user.id, language, routine_id)
    elif origin is Origin.PAIN:
        days = text(
            context, language, "safety.gentle_days", count=press.data.settings.gentle_reminder_days
        )
        pause = button(text(context, language, "checks.pause_button"), Ask("x", None, "pause"))
        await reply(
            context,
            chat_id,
            text(context, language, "safety.no_signs_after_pain", days=days),
            keyboard([pause]),
        )
        await follow_up.finish(context, chat_id, language)
    else:
        await reply(context, chat_id, text(context, language, "safety.no_signs_asked"))


@on_press(RedFlags)
async def legacy_red_flags(press: Press, *answer: str) -> None:
    """Buttons from earlier versions: A and B still hold the routine; the rest asks again."""
    await press.query.answer()
    if answer in (("a",), ("b",)):
        emergency = answer == ("a",)
        await put_on_hold(
            press.context,
            press.chat_id,
            press.query.from_user.id,
            press.language,
            Hold.EMERGENCY if emergency else Hold.DOCTOR,
            press.query.from_user.language_code,
            red_flag(Answer.EMERGENCY if emergency else Answer.DOCTOR, Origin.ASKED),
        )
        return
    await ask_signs(press.context, press.chat_id, press.language, Origin.ASKED)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    *press_handlers(answer_signs),
    *press_handlers(legacy_red_flags),
]
