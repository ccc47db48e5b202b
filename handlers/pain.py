"""Pain: the one stop-and-warn path (It hurts, /pain, pain in the user's own words), what else a
message about pain may mean (a denial: no warning; an unclear word: one question), and the first
questions of the follow-up (how strong, where).

`report_pain` is the most reliable path in the bot: the guided sessions' service
(`data.sessions.hurt`, guided/service.py) stops the timer, sends the stop-and-consult warning
before any database work (retried until it is delivered, or two minutes pass) and writes the
report whatever happens to the send. Nothing after the warning encourages carrying on: the
follow-up only asks, one question at a time (handlers/follow_up.py).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from background.context import BotData, Context
from background.reminder_job import schedule_dispatch
from guided.engine.timers import Live
from handlers import follow_up
from handlers.common import (
    Press,
    language_or_telegrams,
    on_press,
    press_handlers,
    text,
)
from handlers.holds import hold_advice
from safety.rules import Hold, Origin, SafetyState, Source
from services import safety
from services.outcomes import HurtNote
from services.safety import Report, load_state
from ui.guided import rating_keyboard
from ui.keyboards import Choice, Keyboard, keyboard
from ui.payloads import WHERE, ItHurts, PainStrength, PainWhere
from ui.safety import EMERGENCY, LEGS, signs_markup, signs_question

logger = logging.getLogger(__name__)

BOTH_LEGS = "l2"  # with back pain, the emergency questions are asked at once
SKIP = "x"


async def report_pain(
    context: Context,
    chat_id: int,
    user_id: int,
    language: str,
    source: Source,
    said: str | None = None,
    *,
    leg_nerve: bool = False,
    in_app: Live | None = None,
) -> None:
    """Stop, warn first (retried until delivered), record, then ask the follow-up. `in_app`:
    the session the Mini App ran when It hurts was pressed there (webapp/bot_backend.py)."""
    stopped = await context.bot_data.sessions.hurt(
        chat_id=chat_id,
        user_id=user_id,
        language=language,
        source=source,
        said=said,
        in_app=in_app,
    )
    report = stopped.stored.report
    if report.morning_check is not None:
        schedule_dispatch(context.application, report.morning_check)
    if not stopped.warned:
        return
    await follow_up.close(context, chat_id)  # a new report closes the open follow-up
    note = stopped.stored.noted
    await ask_follow_up(context, chat_id, user_id, language, report, note, leg_nerve=leg_nerve)


async def ask_follow_up(
    context: Context,
    chat_id: int,
    user_id: int,
    language: str,
    report: Report,
    note: HurtNote | None,
    *,
    leg_nerve: bool,
) -> None:
    """The first question after the warning: how strong (or where, if the episode's report has
    it), or the emergency questions at once for numbness or weakness in a leg. Under an
    emergency hold, the urgent advice again instead: nothing else is asked. The exercise that
    was on screen (`note`) is asked about last."""
    data = context.bot_data
    try:
        state, user = await load_state(data, user_id)
    except Exception:
        logger.exception("the safety state could not be read after a pain report")
        state, user = SafetyState(), None
    if state.hold is Hold.EMERGENCY:
        await hold_advice(context, chat_id, language, state, user)
        return
    report_id = report.report_id or 0
    lines = [text(context, language, "pain.follow_up_nerve" if leg_nerve else "pain.lead_in")]
    if report.joined:
        lines.append(text(context, language, "pain.joined"))
    if not report.consent:
        lines.append(text(context, language, "pain.not_recorded"))
    if leg_nerve:
        question = signs_question(data.content, language, Origin.PAIN, EMERGENCY)
        markup = signs_markup(data.content, language, Origin.PAIN, EMERGENCY, None)
    elif report.has_strength and not report.has_where:
        question, markup = where_question(data, language, report_id)
    else:
        question = text(context, language, "pain.follow_up_strength")
        markup = strength_markup(data, language, report_id)
    message = await context.bot.send_message(
        chat_id, "\n".join(lines) + "\n\n" + question, reply_markup=markup
    )
    follow_up.track(context, message, note)


def strength_markup(data: BotData, language: str, report_id: int) -> Keyboard:
    """0-10 for how strong it is now, and Skip."""
    rows = rating_keyboard(lambda n: PainStrength(report_id, "s", str(n))).inline_keyboard
    skip = (data.content.text(language, "pain.skip"), PainStrength(report_id, "s", SKIP))
    return keyboard([*rows, [skip]])


def where_question(data: BotData, language: str, report_id: int) -> tuple[str, Keyboard]:
    """Lower back, upper back or neck, one leg, both legs, somewhere else; Skip."""

    def where(code: str) -> Choice:
        return (data.content.text(language, f"pain.where_{code}"), PainWhere(report_id, "w", code))

    codes = [*WHERE, SKIP]
    rows = [[where(code) for code in codes[at : at + 2]] for at in range(0, len(codes), 2)]
    return data.content.text(language, "pain.follow_up_where"), keyboard(rows)


@on_press(PainStrength, PainWhere, text_only=True, on_screen=True)
async def answer_follow_up(press: Press, report_id: int, step: str, value: str) -> None:
    """How strong, then where (both legs: the emergency questions at once), then the signs."""
    await press.query.answer()
    if report_id and value != SKIP:
        if step == "s":
            await safety.add_to_report(press.data.db, press.user_id, report_id, strength=int(value))
        else:
            await safety.add_to_report(press.data.db, press.user_id, report_id, where=value)
    if step == "s":
        question, markup = where_question(press.data, press.language, report_id)
        await press.edit(question, markup)
        return
    group = LEGS if value == BOTH_LEGS else EMERGENCY
    await press.edit(
        signs_question(press.data.content, press.language, Origin.PAIN, group),
        signs_markup(press.data.content, press.language, Origin.PAIN, group, None),
    )


async def pain_command(update: Update, context: Context) -> None:
    """/pain: stop and warn."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    language = await language_or_telegrams(update, context)
    await report_pain(context, message.chat_id, user.id, language, Source.COMMAND)


@on_press(ItHurts)
async def pain_button(press: Press, _session_id: int, _op: str) -> None:
    """It hurts on the live message (any session's, even an old one): stop and warn. An urgent
    press: already answered, its language never waits on the database (handlers.common)."""
    await report_pain(press.context, press.chat_id, press.user_id, press.language, Source.BUTTON)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """It hurts, /pain and the follow-up's first questions."""
    return [
        CommandHandler("pain", pain_command),
        *press_handlers(pain_button, answer_follow_up),
    ]
