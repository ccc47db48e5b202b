"""The one way a guided session ends: stop its timer, store how it ended, close its live message.

Stop, It hurts, warning signs, /delete, the flare-up flow and restart recovery all come here with
a typed reason (`engine.sessions.End`), so every ending writes the same fields and no timed
message can follow it.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Bot
from telegram.error import BadRequest, Forbidden

from core.context import BotData
from engine.sessions import End, Live
from services.endings import Ended, record_end
from ui.guided import closed_line

logger = logging.getLogger(__name__)


async def halt(data: BotData, chat_id: int, reason: End = End.STOPPED) -> Live | None:
    """Stop the chat's timer and mark the exercise on screen with the reason (It hurts: HURT,
    so it never keeps a ✓); when this returns, no timed message of the chat can be sent."""
    live = await data.sessions.stop(chat_id)
    if live is not None:
        live.end_here(reason)
    return live


async def end_session(data: BotData, bot: Bot, chat_id: int, reason: End) -> Ended | None:
    """Halt, store and close the chat's session in one go; None if there was none."""
    live = await halt(data, chat_id, reason)
    async with data.db() as tx:
        ended = await record_end(tx, data, chat_id, reason, live)
        await tx.commit()
    if ended is not None:
        # Why a session ended is health data when it is pain or warning signs: not logged then.
        private = reason in (End.PAIN, End.WARNING_SIGNS)
        logger.info("session %s ended%s", ended.session_id, "" if private else f": {reason.value}")
    if live is not None:
        await close_live(data, bot, live)
    return ended


async def close_live(data: BotData, bot: Bot, live: Live, final: str | None = None) -> None:
    """Take the buttons off the live message, leaving the line of its exercise as it went
    (✓ done, skipped, stopped or hurt: the mark `halt` left), ignoring a lost message."""
    if live.message_id is None:
        return
    if final is None:
        final = closed_line(data.content, live, live.current.item)
    try:
        await bot.edit_message_text(final, live.chat_id, live.message_id)
    except (BadRequest, Forbidden) as error:
        logger.info("could not close live message of session %s: %s", live.session_id, error)
    live.message_id, live.shown = None, ""


async def drop_message(bot: Bot, live: Live, message_id: int) -> None:
    """Delete a live message that a new one replaced (its buttons only, if it cannot go)."""
    try:
        await bot.delete_message(live.chat_id, message_id)
    except (BadRequest, Forbidden) as error:
        logger.info("could not delete a live message of session %s: %s", live.session_id, error)
        with contextlib.suppress(BadRequest, Forbidden):
            await bot.edit_message_reply_markup(live.chat_id, message_id, reply_markup=None)
