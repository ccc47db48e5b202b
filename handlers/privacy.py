"""/privacy, /export and /delete: what is stored, a copy of it, and erasure on request."""

from __future__ import annotations

import io
import json
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import CommandHandler

from background.ending import end_session
from db.models import utcnow
from engine.sessions import End
from handlers.common import Press, Said, on_message, on_press, press_handlers, text
from services import people
from ui.payloads import Action, build

logger = logging.getLogger(__name__)


@on_message()
async def show_privacy(said: Said) -> None:
    """Explain what is stored, why and for how long, with a consent toggle."""
    context, message, user, language = said.context, said.message, said.user, said.language
    consent = await people.has_consent(context.bot_data.db, user.id)
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


@on_press(Action.PRIVACY, needs_message=False)
async def toggle_consent(press: Press, toggle: str) -> None:
    """Give or withdraw consent from the /privacy message."""
    query, context, language = press.query, press.context, press.language
    await query.answer()
    give = toggle == "give"
    await people.set_consent(
        context.bot_data.db, query.from_user.id, language, utcnow() if give else None
    )
    logger.info("user %s %s consent", query.from_user.id, "gave" if give else "withdrew")
    await query.edit_message_reply_markup(reply_markup=None)
    await context.bot.send_message(
        query.from_user.id,
        text(context, language, "start.consent_given" if give else "privacy.withdrawn"),
    )


@on_message()
async def export_data(said: Said) -> None:
    """Send everything stored about the user as a JSON document."""
    context, message, user, language = said.context, said.message, said.user, said.language
    data = await people.export(context.bot_data.db, user.id)
    document = io.BytesIO(json.dumps(data, ensure_ascii=False, indent=2).encode())
    await message.reply_document(
        document,
        filename=f"backcare-{user.id}.json",
        caption=text(context, language, "privacy.export_caption"),
    )
    logger.info("user %s exported their data", user.id)


@on_message()
async def confirm_delete(said: Said) -> None:
    """Ask before deleting everything."""
    context, message, language = said.context, said.message, said.language
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


@on_press(Action.DELETE, text_only=True, needs_message=False)
async def answer_delete(press: Press, answer: str) -> None:
    """Delete all the user's data, or leave it."""
    query, context, language = press.query, press.context, press.language
    await query.answer()
    if answer == "no":
        await query.edit_message_text(text(context, language, "privacy.delete_cancelled"))
        return
    # A running session ends first (its timer stops), so nothing timed follows the erasure.
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await end_session(context.bot_data, context.bot, chat_id, End.ERASED)
    await people.erase(context.bot_data.db, query.from_user.id)
    if context.user_data is not None:
        context.user_data.clear()  # drafts (a reminder being set up) and the cached language
    logger.info("user %s deleted their data", query.from_user.id)
    await query.edit_message_text(text(context, language, "privacy.deleted"))


HANDLERS = [
    CommandHandler("privacy", show_privacy),
    CommandHandler("export", export_data),
    CommandHandler("delete", confirm_delete),
    *press_handlers(toggle_consent),
    *press_handlers(answer_delete),
]
