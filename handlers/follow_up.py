"""The follow-up after a pain report, one question at a time: how strong, where, the warning
signs, then which exercise hurt. One follow-up is open in a chat: a new report closes it.

What is open lives in the chat's memory (`chat_data`): after a restart an old question still
works, it is only no longer closed by a new report.
"""

from __future__ import annotations

import contextlib

from telegram import Message
from telegram.error import TelegramError

from background.context import Context
from handlers.outcomes import ask_which_exercise
from services.outcomes import HurtNote

OPEN = "follow_up"  # the message id of the open question
NOTE = "hurt_note"  # the exercise noted as hurting, asked about last


def track(context: Context, message: Message, note: HurtNote | None = None) -> None:
    """The question on this message is the open follow-up (and, given, the exercise to ask
    about at its end)."""
    if context.chat_data is None:
        return
    context.chat_data[OPEN] = message.message_id
    if note is not None:
        context.chat_data[NOTE] = note


async def close(context: Context, chat_id: int) -> None:
    """Close the open follow-up, if any: its buttons go (a new report starts another)."""
    if context.chat_data is None:
        return
    context.chat_data.pop(NOTE, None)
    message_id = context.chat_data.pop(OPEN, None)
    if isinstance(message_id, int):
        with contextlib.suppress(TelegramError):  # answered, deleted or too old: nothing to do
            await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)


def drop(context: Context) -> None:
    """The follow-up ended without its last question (a hold: nothing more is asked)."""
    if context.chat_data is not None:
        context.chat_data.pop(OPEN, None)
        context.chat_data.pop(NOTE, None)


async def finish(context: Context, chat_id: int, language: str) -> None:
    """The warning signs are answered: ask which exercise hurt, if one was noted."""
    if context.chat_data is None:
        return
    context.chat_data.pop(OPEN, None)
    note = context.chat_data.pop(NOTE, None)
    if isinstance(note, HurtNote):
        await ask_which_exercise(context, chat_id, language, note)
