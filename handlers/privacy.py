"""/privacy, /export and /delete: what is stored and where consent stands, a readable summary
with a full copy, and erasure on request."""

from __future__ import annotations

import io
import json
import logging

from telegram.ext import CommandHandler

from guided.engine.status import End
from handlers import consent
from handlers.common import Press, Said, on_message, on_press, press_handlers, text
from services import export, people
from ui.export import summary_text
from ui.keyboards import keyboard
from ui.payloads import Delete, Privacy, PrivacyKeep

logger = logging.getLogger(__name__)


@on_message()
async def show_privacy(said: Said) -> None:
    """Explain what is stored, why and for how long, where consent stands and how to change it."""
    context, message, user, language = said.context, said.message, said.user, said.language
    settings = context.bot_data.settings
    state = await people.consent_of(context.bot_data.db, user.id, settings.default_timezone)
    months = max(1, round(settings.retention_days / 30.44))
    await message.reply_text(
        text(
            context,
            language,
            "privacy.text",
            months=text(context, language, "privacy.months", count=months),
            consent=consent.consent_words(context, language, state),
        ),
        reply_markup=keyboard([[consent.change_button(context, language, state)]]),
    )


@on_press(Privacy, PrivacyKeep, needs_message=False)
async def change_consent(press: Press, choice: str, seen: str | None = None) -> None:
    """Give, withdraw or keep consent (`seen`: the state the button was shown in)."""
    await consent.answer(press, choice, seen, welcome=False)


@on_message()
async def export_data(said: Said) -> None:
    """Send a readable summary of what is stored, then all of it as a JSON document."""
    context, message, user, language = said.context, said.message, said.user, said.language
    data = context.bot_data
    exported = await export.export(data, user.id, language)
    await message.reply_text(summary_text(data.content, language, exported.document))
    document = io.BytesIO(json.dumps(exported.document, ensure_ascii=False, indent=2).encode())
    await message.reply_document(
        document,
        filename=exported.filename,
        caption=text(context, language, "privacy.export_caption"),
    )
    logger.info("user %s exported their data", user.id)


@on_message()
async def confirm_delete(said: Said) -> None:
    """Ask before deleting everything."""
    context, message, language = said.context, said.message, said.language
    await message.reply_text(
        text(context, language, "privacy.delete_confirm"),
        reply_markup=keyboard(
            [
                [
                    (text(context, language, "privacy.delete_yes"), Delete("yes")),
                    (text(context, language, "privacy.delete_no"), Delete("no")),
                ]
            ]
        ),
    )


@on_press(Delete, text_only=True, needs_message=False)
async def answer_delete(press: Press, answer: str) -> None:
    """Delete all the user's data, or leave it."""
    await press.query.answer()
    if answer == "no":
        await press.edit(press.text("privacy.delete_cancelled"))
        return
    # A running session ends first (its timer stops), so nothing timed follows the erasure.
    chat_id = press.query.message.chat.id if press.query.message else press.query.from_user.id
    await press.context.bot_data.sessions.stop(chat_id, End.ERASED)
    await people.erase(press.context.bot_data.db, press.query.from_user.id)
    if press.context.user_data is not None:
        press.context.user_data.clear()  # drafts (a reminder being set up) and the cached language
    logger.info("user %s deleted their data", press.query.from_user.id)
    await press.edit(press.text("privacy.deleted"))


HANDLERS = [
    CommandHandler("privacy", show_privacy),
    CommandHandler("export", export_data),
    CommandHandler("delete", confirm_delete),
    *press_handlers(change_consent),
    *press_handlers(answer_delete),
]
