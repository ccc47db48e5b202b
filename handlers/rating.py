"""The rating after a session: stored, progression applied, and advice for strong pain."""

from __future__ import annotations

import logging

from telegram.error import BadRequest

from background.reminder_job import schedule_dispatch
from guided.rating import Held
from handlers.common import Press, on_press, press_handlers
from handlers.holds import hold_advice
from safety.rules import AfterSession
from ui.keyboards import keyboard
from ui.payloads import After, AfterOld, FlarePlan

logger = logging.getLogger(__name__)


@on_press(After, AfterOld)
async def after_rating(press: Press, session_id: int, *ratings: int | None) -> None:
    """Store how the back feels after the session, judge it, move the level, show the streak.

    A rating of 7 or more, or 2 or more above the check-in, gets advice to stop for today and no
    step up; any rise brings a morning check the next day. The check-in rating travels in the
    button, so the verdict holds without consent to storing ratings. On an emergency hold the
    rating is not taken: the advice comes instead, as the hold gate gives it to other buttons.
    """
    # Buttons of earlier versions carry no check-in rating ("ar:<session>:<rating>").
    checkin, rating = (None, ratings[0]) if len(ratings) == 1 else ratings
    assert rating is not None  # the last field is always a rating (ui/payloads.After)
    rated = await press.data.sessions.rate(
        user_id=press.user_id,
        chat_id=press.chat_id,
        session_id=session_id,
        checkin=checkin,
        rating=rating,
    )
    if rated is None:
        await press.query.answer(press.text("routine.toast_old"))
        return
    if isinstance(rated, Held):  # the hold gate's answer, read in the rating's transaction
        await press.query.answer(press.text("safety.toast_hold"))
        await hold_advice(press.context, press.chat_id, press.language, rated.state, rated.user)
        return
    before, verdict, progress = rated.before, rated.verdict, rated.progress
    if rated.morning_check is not None:
        schedule_dispatch(press.context.application, rated.morning_check)
    await press.query.answer()
    lines = [
        press.text("routine.summary", before=before, after=rating)
        if before is not None
        else press.text("routine.summary_no_rating")
    ]
    if verdict is AfterSession.STOP_FOR_TODAY:
        lines.append(press.text("routine.after_stop"))
    elif verdict is AfterSession.A_BIT_WORSE:
        lines.append(press.text("routine.after_a_bit_worse"))
    else:
        count = rated.streak
        lines.append(press.text("routine.streak", days=count, count=count))
    markup = None
    if rated.suggest_normal:
        lines.append(press.text("flare.suggest_return", count=progress.calm_sessions))
        routine = progress.last_routine or next(iter(press.data.content.routines))
        markup = keyboard([[(press.text("flare.normal_button"), FlarePlan("n", routine))]])
    summary = "\n".join(lines)
    # The question becomes its answer: one call where taking its buttons off and sending the
    # summary made two (a third of the Telegram calls of a burst of ratings: make bench-ratings).
    question = press.text("routine.after_question")
    try:
        await press.edit(f"{question}\n\n{summary}", markup)
    except BadRequest as error:  # deleted meanwhile, or not a text message: a new message then
        logger.info("the rating question could not be edited (%s); summary sent", error.message)
        await press.context.bot.send_message(press.chat_id, summary, reply_markup=markup)


HANDLERS = [*press_handlers(after_rating)]
