"""The one error handler: the traceback to the log, a short apology to the user."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError

from background.context import Context
from db.models import utcnow
from handlers.common import language_of, text

logger = logging.getLogger(__name__)


def is_unchanged(error: object) -> bool:
    """Telegram's answer to an edit that changes nothing.

    A button pressed again before its message changed (a double tap, a slow connection) asks
    for the edit the first press already made: the message shows what the handler wanted, and
    nothing the handler had left to do is owed to a press the user could no longer see.
    """
    return isinstance(error, BadRequest) and "message is not modified" in error.message.lower()


async def handle_error(update: object, context: Context) -> None:
    """Log the error with its traceback (never the message text), then apologise."""
    user_id = (
        update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    )
    update_id = update.update_id if isinstance(update, Update) else None
    if is_unchanged(context.error):
        logger.info("update %s from user %s asked for an edit already made", update_id, user_id)
        return
    logger.error(
        "error while handling update %s from user %s", update_id, user_id, exc_info=context.error
    )
    await count_and_alert(context)
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


async def count_and_alert(context: Context) -> None:
    """Count the error; on a burst of errors, tell the operators (ADMIN_IDS), rate-limited.

    The alerts go out in a task of their own: the user's apology never waits for them.
    """
    data = context.bot_data
    settings = data.settings
    now = utcnow()
    data.errors.record(now)
    quiet = timedelta(minutes=settings.error_alert_minutes)
    if not settings.admin_ids or not data.errors.alert_due(
        now, settings.error_alert_threshold, quiet
    ):
        return
    alert = text(
        context,
        settings.default_language,
        "ops.error_alert",
        count=data.errors.since(now - timedelta(minutes=10)),
        minutes=settings.error_alert_minutes,
    )
    context.application.create_task(alert_admins(context, alert), name="errors:alert")


async def alert_admins(context: Context, alert: str) -> None:
    """Send the alert to each operator; one who cannot be reached does not stop the others."""
    for admin in context.bot_data.settings.admin_ids:
        try:
            await context.bot.send_message(admin, alert)
        except (TelegramError, OSError):
            logger.warning("could not alert operator %s about the errors", admin)
