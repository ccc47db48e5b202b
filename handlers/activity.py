"""Marks the sender of every update as seen today (services/sweeps.py writes the marks)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import TypeHandler

from background.sweeps import activity_of
from core.context import Context


async def note_activity(update: Update, context: Context) -> None:
    """Mark the sender of any update as seen today."""
    user = update.effective_user
    if user is not None and not user.is_bot:
        activity_of(context.bot_data).note(user.id, context.bot_data.now().date())


# This group runs before every other handler and never stops them.
GROUP = -10
HANDLERS = [TypeHandler(Update, note_activity)]
