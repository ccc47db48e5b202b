"""/help: every command with one line each."""

from __future__ import annotations

from telegram.ext import CommandHandler

from handlers.common import Said, on_message, text
from handlers.menu import command_lines


@on_message()
async def show_help(said: Said) -> None:
    """List every command."""
    context, message, language = said.context, said.message, said.language
    await message.reply_text(
        text(context, language, "help.text", commands=command_lines(context.bot_data, language))
    )


HANDLERS = [CommandHandler("help", show_help)]
