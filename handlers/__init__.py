"""Registers every feature's handlers on the Application, in an explicit order."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from handlers import (
    activity,
    chats,
    checks,
    controls,
    errors,
    exercises,
    fallback,
    flare,
    hearing,
    help,
    holds,
    listen,
    nudges,
    outcomes,
    pain,
    privacy,
    progress,
    rating,
    reminders,
    routine,
    signs,
    start,
    stats,
)
from handlers.menu import add_commands
from safety.painwords import PainLexicon

# The only updates the handlers act on: Telegram is asked for nothing else (handlers/chats.py
# ignores any other kind that arrives all the same).
ALLOWED_UPDATES: tuple[str, ...] = (Update.MESSAGE, Update.CALLBACK_QUERY)


def register(application: Application, lexicon: PainLexicon) -> None:
    """Add all handlers. Order matters: safety first, then features, catch-alls last.
    `lexicon`: the pain words of every language (built once, in bot.py)."""
    # Before anything else: private chats only (a group gets a pointer), other update kinds stop.
    application.add_handlers(chats.handlers(), group=chats.GROUP)  # built anew: holds state
    # Activity marks (for data retention) see every private update and never stop it.
    application.add_handlers(activity.HANDLERS, group=activity.GROUP)
    # Safety holds: on an emergency hold, buttons that start or continue a session get the advice.
    application.add_handlers(holds.GATE_HANDLERS, group=holds.GATE_GROUP)
    # Pain comes first so that "it hurts" typed at any moment is never taken for anything else
    # (nor "no pain today" for a pain report: what a message means is heard in one place).
    application.add_handlers(pain.handlers())
    application.add_handlers(hearing.handlers(lexicon))
    # The reminder flows read typed text only while they wait for it, so they may come early.
    for module in (signs, holds, flare, start, routine, controls, rating, exercises, listen):
        application.add_handlers(module.HANDLERS)
    application.add_handlers(reminders.handlers())  # built anew: the conversation holds state
    for module in (nudges, checks, progress, outcomes, help, privacy):
        application.add_handlers(module.HANDLERS)
    add_commands(
        "start",
        "routine",
        "exercises",
        "exercise",
        "pain",
        "stop",
        "sound",
        "progress",
        "remind",
        "reminders",
        "timezone",
        "language",
        "privacy",
        "export",
        "delete",
        "help",
    )
    # Operators only (ADMIN_IDS); not in the menu: anyone else gets the unknown-command answer.
    application.add_handlers(stats.HANDLERS)
    # Catch-alls: unknown commands, free text, stickers, stale buttons. Must stay last.
    application.add_handlers(fallback.HANDLERS)
    application.add_error_handler(errors.handle_error)
