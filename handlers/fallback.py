"""Catch-alls: unknown commands, free text, stickers and the like, stale buttons."""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from core.context import Context
from handlers.common import STALE, language_of, text

logger = logging.getLogger(__name__)


async def unknown_command(update: Update, context: Context) -> None:
    """Say the command is unknown and point to /help."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    language = await language_of(update, context)
    command = html.escape(message.text.split()[0][:40])
    logger.info("unknown command from %s", update.effective_user and update.effective_user.id)
    await message.reply_text(text(context, language, "fallback.unknown_command", command=command))


async def free_text(update: Update, context: Context) -> None:
    """Free text outside any flow: point to the commands."""
    message = update.effective_message
    if message is None:
        return
    language = await language_of(update, context)
    await message.reply_text(text(context, language, "fallback.free_text"))


async def unsupported(update: Update, context: Context) -> None:
    """Stickers, photos, voice and the rest: explain kindly what works."""
    message = update.effective_message
    if message is None:
        return
    language = await language_of(update, context)
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
