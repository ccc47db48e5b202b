"""Onboarding: /start, consent to store health data, and the choice of language."""

from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from core.context import Context
from db.models import utcnow
from db.users import get_or_create_user, set_consent, set_language
from handlers.common import (
    language_of,
    on_text_message,
    remember_language,
    supported_language,
    text,
)
from handlers.payloads import Action, build, parse, pattern

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
    async with context.bot_data.db() as session:
        user = await get_or_create_user(
            session, tg_user.id, supported_language(context, tg_user.language_code)
        )
        await session.commit()
        language = user.language
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


async def answer_consent(update: Update, context: Context) -> None:
    """Store the consent answer and show the next steps."""
    query = update.callback_query
    if query is None:
        return
    fields = parse(query.data, Action.CONSENT)
    if not fields or fields[0] not in ("yes", "no"):
        await query.answer(
            text(context, await language_of(update, context), "fallback.stale_button")
        )
        return
    await query.answer()
    language = await language_of(update, context)
    agreed = fields[0] == "yes"
    async with context.bot_data.db() as session:
        await set_consent(session, query.from_user.id, language, utcnow() if agreed else None)
        await session.commit()
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


async def choose_language(update: Update, context: Context) -> None:
    """Offer the languages as buttons."""
    message = update.effective_message
    if message is None:
        return
    language = await language_of(update, context)
    await message.reply_text(
        text(context, language, "language.choose"), reply_markup=language_keyboard(context)
    )


async def answer_language(update: Update, context: Context) -> None:
    """Switch the language, or show the language menu."""
    query = update.callback_query
    if query is None:
        return
    fields = parse(query.data, Action.LANGUAGE)
    if not fields or not on_text_message(query):
        await query.answer(
            text(context, await language_of(update, context), "fallback.stale_button")
        )
        return
    await query.answer()
    if fields[0] == "menu":
        language = await language_of(update, context)
        await context.bot.send_message(
            query.from_user.id,
            text(context, language, "language.choose"),
            reply_markup=language_keyboard(context),
        )
        return
    language = fields[0]
    if language not in context.bot_data.content.languages:
        return
    async with context.bot_data.db() as session:
        await set_language(session, query.from_user.id, language)
        await session.commit()
    remember_language(context, language)
    await query.edit_message_text(text(context, language, "language.changed"))


HANDLERS = [
    CommandHandler("start", start),
    CommandHandler("language", choose_language),
    CallbackQueryHandler(answer_consent, pattern=pattern(Action.CONSENT)),
    CallbackQueryHandler(answer_language, pattern=pattern(Action.LANGUAGE)),
]
