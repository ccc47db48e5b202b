"""Catch-alls: unknown commands, free text, stickers and the like, stale buttons."""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from background.context import Context
from handlers.common import STALE, Said, language_of, on_message, text
from services.safety import load_state

logger = logging.getLogger(__name__)


@on_message()
async def unknown_command(said: Said) -> None:
    """Say the command is unknown and point to /help."""
    update, context, message, language = said.update, said.context, said.message, said.language
    if message.text is None:
        return
    command = html.escape(message.text.split()[0][:40])
    logger.info("unknown command from %s", update.effective_user and update.effective_user.id)
    await message.reply_text(text(context, language, "fallback.unknown_command", command=command))


@on_message()
async def free_text(said: Said) -> None:
    """Free text outside any flow: point to the commands (never to the routine on a hold)."""
    context, message, language = said.context, said.message, said.language
    state, _ = await load_state(context.bot_data, said.user.id)
    key = "fallback.free_text" if state.hold is None else "fallback.free_text_hold"
    await message.reply_text(text(context, language, key))


@on_message()
async def unsupported(said: Said) -> None:
    """Stickers, photos, voice and the rest: explain kindly what works."""
    context, message, language = said.context, said.message, said.language
    await message.reply_text(text(context, language, "fallback.unsupported"))


async def stale_button(update: Update, context: Context) -> None:
    """A button from an old message, an older version, or forged data: a short toast."""
    query = update.callback_query
    if query is None:
        return
    language = await language_of(update, context)
    logger.info("stale or unknown button from %s", query.from_user.id)
    await query.answer(text(context, language, STALE))


HANDLERS = [
    MessageHandler(filters.COMMAND, unknown_command),
    MessageHandler(filters.TEXT, free_text),
    MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, unsupported),
    CallbackQueryHandler(stale_button),
]
