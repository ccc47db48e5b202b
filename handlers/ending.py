"""The one way a guided session ends: stop its timer, store how it ended, close its live message.

Stop, It hurts, warning signs, /delete, the flare-up flow and restart recovery all come here with
a typed reason (`engine.sessions.End`), so every ending writes the same fields and no timed
message can follow it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot
from telegram.error import BadRequest, Forbidden

from core.context import BotData
from db import routines as store
from db.models import utcnow
from engine.sessions import End, Live
from handlers.routine_view import exercise_id, routine_exists, routine_items

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ended:
    """What the user is told about a session that just ended."""

    session_id: int
    routine_id: str
    exercises_done: int
    count: int
    minutes: int


async def halt(data: BotData, chat_id: int) -> Live | None:
    """Stop the chat's timer; when this returns, no timed message of the chat can be sent."""
    return await data.sessions.stop(chat_id)


async def record_end(
    session: AsyncSession,
    data: BotData,
    chat_id: int,
    reason: End,
    live: Live | None,
    *,
    status: str | None = None,
) -> Ended | None:
    """Store the end of the chat's session (the live one, else an open one) in `session`.

    The caller commits. `status` overrides the stored status (a pain report without consent to
    health data is stored as "stopped"). Returns None when the chat had no session.
    """
    values: dict[str, object] = {
        "status": status or reason.value,
        "ended_at": utcnow(),
        "live_message_id": None,
    }
    if reason in (End.PAIN, End.WARNING_SIGNS):
        # The pain path moves the level itself, at once; a later apply must not count it again.
        values["progress_applied"] = True
    if live is not None:
        data.checkpoints.discard(live.session_id)
        seconds = live.active_seconds / data.settings.routine_time_scale
        values["exercises_done"] = live.exercises_done()
        values["active_seconds"] = seconds
        await store.save_state(session, live.session_id, **values)
        return Ended(
            live.session_id,
            live.routine_id,
            live.exercises_done(),
            len(live.plan.amounts),
            round(seconds / 60),
        )
    row = await store.open_session(session, chat_id)
    if row is None:
        return None
    await store.save_state(session, row.id, **values)
    count = (
        len(routine_items(data.content, row.routine_id))
        if routine_exists(data.content, row.routine_id)
        else row.exercises_done
    )
    return Ended(row.id, row.routine_id, row.exercises_done, count, round(row.active_seconds / 60))


async def end_session(data: BotData, bot: Bot, chat_id: int, reason: End) -> Ended | None:
    """Halt, store and close the chat's session in one go; None if there was none."""
    live = await halt(data, chat_id)
    async with data.db() as session:
        ended = await record_end(session, data, chat_id, reason, live)
        await session.commit()
    if ended is not None:
        # Why a session ended is health data when it is pain or warning signs: not logged then.
        private = reason in (End.PAIN, End.WARNING_SIGNS)
        logger.info("session %s ended%s", ended.session_id, "" if private else f": {reason.value}")
    if live is not None:
        await close_live(data, bot, live)
    return ended


async def close_live(data: BotData, bot: Bot, live: Live, final: str | None = None) -> None:
    """Take the buttons off the live message (marking the exercise done), ignoring a lost one."""
    if live.message_id is None:
        return
    content = data.content
    if final is None:
        exercise = content.exercises[exercise_id(content, live, live.current.item)]
        final = content.text(
            live.language,
            "routine.finished_item",
            title=content.localize(exercise.title, live.language),
        )
    try:
        await bot.edit_message_text(final, live.chat_id, live.message_id)
    except (BadRequest, Forbidden) as error:
        logger.info("could not close live message of session %s: %s", live.session_id, error)
    live.message_id, live.shown = None, ""
