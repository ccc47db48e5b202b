"""The one error handler: the traceback to the log, a short apology to the user."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from core.context import Context
from handlers.common import language_of, text

logger = logging.getLogger(__name__)


async def handle_error(update: object, context: Context) -> None:
    """Log the error with its traceback (never the message text), then apologise."""
    user_id = (
        update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    )
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error(
        "error while handling update %s from user %s", update_id, user_id, exc_info=context.error
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return  # the user blocked the bot: nobody to apologise to
    try:
        language = await language_of(update, context)
        await context.bot.send_message(
            update.effective_chat.id, text(context, language, "fallback.error")
        )
    except (TelegramError, OSError):
        logger.exception("could not send the apology for update %s", update_id)
