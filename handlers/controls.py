"""The controls of a live session (Ready, Pause, Resume, Skip, Stop and its question), /stop, and
the answer to an interrupted session (Resume or End)."""

from __future__ import annotations

import logging

from telegram.error import BadRequest
from telegram.ext import CommandHandler

from background.ending import end_session
from background.guided import make_live
from core.context import BotData, Context
from engine import marks
from engine.sessions import End, Live
from handlers.common import Press, Said, on_message, on_press, press_handlers, text
from services import sessions
from ui.guided import controls, paused_text, stopped_text
from ui.payloads import Action

logger = logging.getLogger(__name__)


@on_press(Action.CONTROL)
async def control(press: Press, session_id: int, op: str) -> None:
    """Ready, Pause, Resume, Skip, Stop (it asks first) and It hurts on the live message."""
    # It hurts ("hu") is handled in handlers/pain.py, before this.
    query, context, data, language = press.query, press.context, press.data, press.language
    chat_id = press.chat_id
    live = data.sessions.get(chat_id)
    if live is None or live.session_id != session_id:
        await query.answer(text(context, language, "routine.toast_old"))
        return
    if op == "st":  # "End the session?", the clock held; a second tap changes nothing
        if await data.sessions.ask_to_end(chat_id) is None:
            await query.answer(text(context, language, "routine.toast_confirm"))
            return
        await query.answer()
        await sessions.save_status(data.db, live.session_id, "paused")
        await show_paused(data, context.bot, live)
    elif op == "se" and live.asking_to_end:
        await query.answer()
        await stop_session(context, chat_id, language)
    elif op == "pz" and await data.sessions.pause(chat_id) is not None:
        await query.answer(text(context, language, "routine.toast_paused"))
        await sessions.save_status(data.db, live.session_id, "paused")
        await show_paused(data, context.bot, live)
    elif op == "rs" and await data.sessions.resume(chat_id) is not None:
        await query.answer(text(context, language, "routine.toast_resumed"))
        await sessions.save_status(data.db, live.session_id, "active")
    elif op == "sk" and await data.sessions.skip(chat_id) is not None:
        await query.answer(text(context, language, "routine.toast_skipped"))
        await sessions.save_status(data.db, live.session_id, "active")
    elif op == "go" and await data.sessions.ready(chat_id) is not None:
        await query.answer()
    else:
        await query.answer(text(context, language, "routine.toast_wait"))


async def show_paused(data: BotData, bot: object, live: Live) -> None:
    """Show the held clock on the live message: paused with Resume, or "End the session?"."""
    if live.message_id is None:
        return
    paused = paused_text(data.content, live)
    try:
        await bot.edit_message_text(  # type: ignore[attr-defined]
            paused, live.chat_id, live.message_id, reply_markup=controls(data.content, live)
        )
        live.shown = paused
    except BadRequest as error:
        logger.info("could not show pause for session %s: %s", live.session_id, error)


async def stop_session(context: Context, chat_id: int, language: str) -> None:
    """End the chat's session (live or interrupted) at the user's request, saying what was done."""
    data = context.bot_data
    ended = await end_session(data, context.bot, chat_id, End.STOPPED)
    if ended is None:
        await context.bot.send_message(chat_id, text(context, language, "routine.not_running"))
        return
    await context.bot.send_message(
        chat_id,
        stopped_text(data.content, language, ended.exercises_done, ended.count, ended.seconds),
    )


@on_message()
async def stop_command(said: Said) -> None:
    """/stop: end the session (typed on purpose: no question)."""
    context, message, language = said.context, said.message, said.language
    await stop_session(context, message.chat_id, language)


@on_press(Action.INTERRUPTED)
async def answer_interrupted(press: Press, session_id: int, op: str) -> None:
    """Resume an interrupted session from its last checkpoint, or end it."""
    query, context, data, language = press.query, press.context, press.data, press.language
    chat_id = press.chat_id
    taken = None
    if data.sessions.get(chat_id) is None:
        taken = await sessions.take_interrupted(data.db, session_id, chat_id, resume=op == "resume")
    if taken is None:
        await query.answer(text(context, language, "routine.toast_old"))
        return
    row, alerts = taken
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    if op == "end":
        await stop_session(context, chat_id, language)
        return
    live = make_live(data, row.id, chat_id, row.user_id, language, row.routine_id, row.level)
    live.active_seconds = row.active_seconds * data.settings.routine_time_scale
    live.alerts = alerts
    # From the last checkpoint: the start of the exercise, side or round that was on screen,
    # so the interrupted breath or hold starts again whole.
    start = live.plan.checkpoint_before(row.beat_index)
    live.marks = resumed_marks(row.item_marks, live, start)
    data.sessions.start(live, index=start)
    logger.info("session %s resumed at beat %s", row.id, row.beat_index)


def resumed_marks(stored: str | None, live: Live, start: int) -> str:
    """The stored marks of a session resumed at beat `start`: from its exercise on, not
    reached (they are done anew)."""
    count = len(live.plan.amounts)
    return marks.read(marks.read(stored, count)[: live.plan.beats[start].item], count)


HANDLERS = [CommandHandler("stop", stop_command), *press_handlers(control, answer_interrupted)]
