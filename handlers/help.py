"""/help: every command with one line each."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from core.context import Context
from handlers.common import language_of, text
from handlers.menu import command_lines


async def show_help(update: Update, context: Context) -> None:
    """List every command."""
    message = update.effective_message
    if message is None:
        return
    language = await language_of(update, context)
    await message.reply_text(
        text(context, language, "help.text", commands=command_lines(context.bot_data, language))
    )


HANDLERS = [CommandHandler("help", show_help)]
