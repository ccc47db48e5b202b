"""Marks the sender of every update as seen today (background/sweeps.py writes the marks)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import TypeHandler

from background.context import Context


async def note_activity(update: Update, context: Context) -> None:
    """Mark the sender of any update as seen today."""
    user = update.effective_user
    if user is not None and not user.is_bot:
        context.bot_data.activity.note(user.id, context.bot_data.now().date())


# This group runs before every other handler and never stops them.
GROUP = -10
HANDLERS = [TypeHandler(Update, note_activity)]
