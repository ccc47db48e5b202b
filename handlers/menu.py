"""The command menu: which commands exist, in what order, described per language."""

from __future__ import annotations

import logging

from telegram import BotCommand
from telegram.ext import Application

from background.context import BotData

logger = logging.getLogger(__name__)

# Commands shown in Telegram's menu and in /help, in this order. Grows with each feature.
COMMANDS: list[str] = []


def add_commands(*names: str) -> None:
    """Called by feature modules when they are registered."""
    for name in names:
        if name not in COMMANDS:
            COMMANDS.append(name)


def command_lines(bot_data: BotData, language: str) -> str:
    """One line per command: '/name — what it does'."""
    content = bot_data.content
    return "\n".join(f"/{name} — {content.text(language, f'commands.{name}')}" for name in COMMANDS)


async def set_command_menus(application: Application) -> None:
    """Set Telegram's command menu for each language (the default language for everyone else)."""
    bot_data: BotData = application.bot_data
    content = bot_data.content
    for language in content.languages:
        commands = [
            BotCommand(name, content.text(language, f"commands.{name}")) for name in COMMANDS
        ]
        code = None if language == bot_data.settings.default_language else language
        await application.bot.set_my_commands(commands, language_code=code)
    logger.info("command menu set for %s", ", ".join(content.languages))
