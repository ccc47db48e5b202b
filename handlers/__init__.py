"""Registers every feature's handlers on the Application, in an explicit order."""

from __future__ import annotations

from telegram.ext import Application

from handlers import errors, fallback, help, privacy, start
from handlers.menu import add_commands


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add all handlers. Order matters: features first, catch-alls last."""
    # Features, each module a list of handlers.
    for module in (start, help, privacy):
        application.add_handlers(module.HANDLERS)
    add_commands("start", "language", "privacy", "export", "delete", "help")
    # Catch-alls: unknown commands, free text, stickers, stale buttons. Must stay last.
    application.add_handlers(fallback.HANDLERS)
    application.add_error_handler(errors.handle_error)
