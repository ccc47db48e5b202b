"""The controls of a live session (Ready, Pause, Resume, Skip, Stop and its question), /stop, and
the answer to an interrupted session (Resume or End). The guided sessions' service
(`data.sessions`, guided/service.py) does each; these handlers answer the press."""

from __future__ import annotations

from functools import partial

from telegram.ext import CommandHandler

from background.context import Context
from guided.engine.status import End
from handlers.common import Press, Said, on_message, on_press, press_handlers, text
from ui.guided import stopped_text
from ui.payloads import Control, Interrupted

WAIT = "routine.toast_wait"


@on_press(Control)
async def control(press: Press, session_id: int, op: str) -> None:
    """Ready, Pause, Resume, Skip, Stop (it asks first) and It hurts on the live message."""
    # It hurts ("hu") is handled in handlers/pain.py, before this.
    sessions, chat_id = press.data.sessions, press.chat_id
    # What the service is asked; the toast when it did it (None: none), and when it did not.
    # Stop ("st") asks "End the session?" with the clock stopped; a second tap changes nothing.
    clock = {
        "st": (sessions.ask_to_end, None, "routine.toast_confirm"),
        "pz": (sessions.pause, "routine.toast_paused", WAIT),
        "rs": (sessions.resume, "routine.toast_resumed", WAIT),
        "sk": (sessions.skip, "routine.toast_skipped", WAIT),
        "go": (sessions.ready, None, WAIT),
    }
    live = sessions.get(chat_id)
    if live is None or live.session_id != session_id:
        await press.toast("routine.toast_old")
        return
    if op == "se" and live.asking_to_end:
        await press.toast()
        await stop_session(press.context, chat_id, press.language)
    elif op in clock:
        change, done, refused = clock[op]
        if await change(chat_id, partial(press.toast, done)) is None:
            await press.toast(refused)
    else:
        await press.toast(WAIT)


async def stop_session(context: Context, chat_id: int, language: str) -> None:
    """End the chat's session (live or interrupted) at the user's request, saying what was done."""
    data = context.bot_data
    ended = await data.sessions.stop(chat_id, End.STOPPED)
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
    await stop_session(said.context, said.message.chat_id, said.language)


@on_press(Interrupted)
async def answer_interrupted(press: Press, session_id: int, op: str) -> None:
    """Resume an interrupted session from its last checkpoint, or end it."""
    sessions, chat_id = press.data.sessions, press.chat_id
    taken = await sessions.take_interrupted(session_id, chat_id, resume=op == "resume")
    if taken is None:
        await press.toast("routine.toast_old")
        return
    await press.toast()
    await press.query.edit_message_reply_markup(reply_markup=None)
    if op == "end":
        await stop_session(press.context, chat_id, press.language)
        return
    sessions.resume_interrupted(taken, press.language)


HANDLERS = [CommandHandler("stop", stop_command), *press_handlers(control, answer_interrupted)]
