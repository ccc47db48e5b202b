"""/privacy, /export and /delete: what is stored, a copy of it, and erasure on request."""

from __future__ import annotations

import io
import json
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from core.context import Context
from db.models import utcnow
from db.users import erase_user, export_user, has_consent, set_consent
from engine.sessions import End
from handlers.common import language_of, on_text_message, text
from handlers.ending import end_session
from handlers.payloads import Action, build, parse, pattern

logger = logging.getLogger(__name__)


async def show_privacy(update: Update, context: Context) -> None:
    """Explain what is stored, why and for how long, with a consent toggle."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    language = await language_of(update, context)
    async with context.bot_data.db() as session:
        consent = await has_consent(session, user.id)
    toggle = "withdraw" if consent else "give"
    months = max(1, round(context.bot_data.settings.retention_days / 30.44))
    await message.reply_text(
        text(
            context,
            language,
            "privacy.text",
            months=text(context, language, "privacy.months", count=months),
            consent=text(
                context, language, "privacy.consent_on" if consent else "privacy.consent_off"
            ),
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        text(context, language, f"privacy.{toggle}_button"),
                        callback_data=build(Action.PRIVACY, toggle),
                    )
                ]
            ]
        ),
    )


async def toggle_consent(update: Update, context: Context) -> None:
    """Give or withdraw consent from the /privacy message."""
    query = update.callback_query
    if query is None:
        return
    fields = parse(query.data, Action.PRIVACY)
    if not fields or fields[0] not in ("give", "withdraw"):
        await query.answer(
            text(context, await language_of(update, context), "fallback.stale_button")
        )
        return
    await query.answer()
    language = await language_of(update, context)
    give = fields[0] == "give"
    async with context.bot_data.db() as session:
        await set_consent(session, query.from_user.id, language, utcnow() if give else None)
        await session.commit()
    logger.info("user %s %s consent", query.from_user.id, "gave" if give else "withdrew")
    await query.edit_message_reply_markup(reply_markup=None)
    await context.bot.send_message(
        query.from_user.id,
        text(context, language, "start.consent_given" if give else "privacy.withdrawn"),
    )


async def export_data(update: Update, context: Context) -> None:
    """Send everything stored about the user as a JSON document."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    language = await language_of(update, context)
    async with context.bot_data.db() as session:
        data = await export_user(session, user.id)
    document = io.BytesIO(json.dumps(data, ensure_ascii=False, indent=2).encode())
    await message.reply_document(
        document,
        filename=f"backcare-{user.id}.json",
        caption=text(context, language, "privacy.export_caption"),
    )
    logger.info("user %s exported their data", user.id)


async def confirm_delete(update: Update, context: Context) -> None:
    """Ask before deleting everything."""
    message = update.effective_message
    if message is None:
        return
    language = await language_of(update, context)
    await message.reply_text(
        text(context, language, "privacy.delete_confirm"),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        text(context, language, "privacy.delete_yes"),
                        callback_data=build(Action.DELETE, "yes"),
                    ),
                    InlineKeyboardButton(
                        text(context, language, "privacy.delete_no"),
                        callback_data=build(Action.DELETE, "no"),
                    ),
                ]
            ]
        ),
    )


async def answer_delete(update: Update, context: Context) -> None:
    """Delete all the user's data, or leave it."""
    query = update.callback_query
    if query is None:
        return
    fields = parse(query.data, Action.DELETE)
    if not fields or fields[0] not in ("yes", "no") or not on_text_message(query):
        await query.answer(
            text(context, await language_of(update, context), "fallback.stale_button")
        )
        return
    await query.answer()
    language = await language_of(update, context)
    if fields[0] == "no":
        await query.edit_message_text(text(context, language, "privacy.delete_cancelled"))
        return
    # A running session ends first (its timer stops), so nothing timed follows the erasure.
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await end_session(context.bot_data, context.bot, chat_id, End.ERASED)
    async with context.bot_data.db() as session:
        await erase_user(session, query.from_user.id)
        await session.commit()
    if context.user_data is not None:
        context.user_data.clear()  # drafts (a reminder being set up) and the cached language
    logger.info("user %s deleted their data", query.from_user.id)
    await query.edit_message_text(text(context, language, "privacy.deleted"))


HANDLERS = [
    CommandHandler("privacy", show_privacy),
    CommandHandler("export", export_data),
    CommandHandler("delete", confirm_delete),
    CallbackQueryHandler(toggle_consent, pattern=pattern(Action.PRIVACY)),
    CallbackQueryHandler(answer_delete, pattern=pattern(Action.DELETE)),
]
