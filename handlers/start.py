"""Onboarding: /start, consent to store health data, and the choice of language."""

from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from core.context import Context
from db.models import utcnow
from handlers.common import (
    Press,
    Said,
    on_message,
    on_press,
    press_handlers,
    remember_language,
    supported_language,
    text,
)
from services import people
from ui.payloads import Action, build

logger = logging.getLogger(__name__)


def consent_keyboard(context: Context, language: str) -> InlineKeyboardMarkup:
    """Agree / Not now, plus the language switch."""
    native = context.bot_data.content.languages[language].native
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    text(context, language, "start.consent_yes"),
                    callback_data=build(Action.CONSENT, "yes"),
                ),
                InlineKeyboardButton(
                    text(context, language, "start.consent_no"),
                    callback_data=build(Action.CONSENT, "no"),
                ),
            ],
            [
                InlineKeyboardButton(
                    text(context, language, "start.language_button", language=native),
                    callback_data=build(Action.LANGUAGE, "menu"),
                )
            ],
        ]
    )


async def start(update: Update, context: Context) -> None:
    """Greet the user, explain the bot, and ask for consent to store health data."""
    tg_user = update.effective_user
    message = update.effective_message
    if tg_user is None or message is None:
        return
    language = await people.greet(
        context.bot_data.db, tg_user.id, supported_language(context, tg_user.language_code)
    )
    remember_language(context, language)
    name = html.escape(tg_user.first_name or "")
    await message.reply_text(
        "\n\n".join(
            [
                text(context, language, "start.welcome", name=name),
                text(context, language, "start.disclaimer"),
                text(context, language, "start.consent_question"),
            ]
        ),
        reply_markup=consent_keyboard(context, language),
    )


@on_press(Action.CONSENT, needs_message=False)
async def answer_consent(press: Press, answer: str) -> None:
    """Store the consent answer and show the next steps."""
    query, context, language = press.query, press.context, press.language
    await query.answer()
    agreed = answer == "yes"
    await people.set_consent(
        context.bot_data.db, query.from_user.id, language, utcnow() if agreed else None
    )
    logger.info("user %s %s consent", query.from_user.id, "gave" if agreed else "declined")
    reply = text(context, language, "start.consent_given" if agreed else "start.consent_declined")
    if query.message is not None:
        await query.edit_message_reply_markup(reply_markup=None)
    await context.bot.send_message(
        query.from_user.id, reply + "\n\n" + text(context, language, "start.next_steps")
    )


def language_keyboard(context: Context) -> InlineKeyboardMarkup:
    """One button per language the content has."""
    languages = context.bot_data.content.languages
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(info.native, callback_data=build(Action.LANGUAGE, code))]
            for code, info in languages.items()
        ]
    )


@on_message()
async def choose_language(said: Said) -> None:
    """Offer the languages as buttons."""
    context, message, language = said.context, said.message, said.language
    await message.reply_text(
        text(context, language, "language.choose"), reply_markup=language_keyboard(context)
    )


@on_press(Action.LANGUAGE, text_only=True, needs_message=False)
async def answer_language(press: Press, choice: str) -> None:
    """Switch the language, or show the language menu."""
    query, context = press.query, press.context
    await query.answer()
    if choice == "menu":
        language = press.language
        await context.bot.send_message(
            query.from_user.id,
            text(context, language, "language.choose"),
            reply_markup=language_keyboard(context),
        )
        return
    language = choice
    if language not in context.bot_data.content.languages:
        return
    await people.set_language(context.bot_data.db, query.from_user.id, language)
    remember_language(context, language)
    await query.edit_message_text(text(context, language, "language.changed"))


HANDLERS = [
    CommandHandler("start", start),
    CommandHandler("language", choose_language),
    *press_handlers(answer_consent),
    *press_handlers(answer_language),
]
