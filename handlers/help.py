"""/help: every command with one line each."""

from __future__ import annotations

from telegram.ext import CommandHandler

from handlers.common import Said, on_message, text
from handlers.menu import command_lines
from services.safety import load_state


@on_message()
async def show_help(said: Said) -> None:
    """List every command (and, on a safety hold, that the routine is on hold)."""
    context, message, language = said.context, said.message, said.language
    reply = text(context, language, "help.text", commands=command_lines(context.bot_data, language))
    state, _ = await load_state(context.bot_data, said.user.id)
    if state.hold is not None:
        reply += "\n\n" + text(context, language, "help.on_hold")
    await message.reply_text(reply)


HANDLERS = [CommandHandler("help", show_help)]
