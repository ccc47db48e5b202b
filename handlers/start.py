"""Onboarding: /start (the welcome, and where consent stands), and the choice of language."""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.ext import CommandHandler

from background.context import Context
from handlers import consent
from handlers.common import (
    Press,
    Said,
    next_steps,
    on_message,
    on_press,
    press_handlers,
    remember_language,
    supported_language,
    text,
)
from handlers.consent import change_button
from services import people
from ui.keyboards import Choice, Keyboard, keyboard
from ui.payloads import Consent, Language
from ui.progress import day_text

logger = logging.getLogger(__name__)


def language_row(context: Context, language: str) -> list[Choice]:
    """The language switch, under the welcome."""
    native = context.bot_data.content.languages[language].native
    return [(text(context, language, "start.language_button", language=native), Language("menu"))]


def consent_keyboard(context: Context, language: str) -> Keyboard:
    """Agree / Not now (shown without consent: the buttons remember it), plus the language."""
    seen = people.NOT_GIVEN
    return keyboard(
        [
            [
                (text(context, language, "start.consent_yes"), Consent("yes", seen)),
                (text(context, language, "start.consent_no"), Consent("no", seen)),
            ],
            language_row(context, language),
        ]
    )


async def start(update: Update, context: Context) -> None:
    """Greet the user: someone new is asked for consent; someone known sees where it stands."""
    tg_user = update.effective_user
    message = update.effective_message
    if tg_user is None or message is None:
        return
    greeting = await people.greet(
        context.bot_data.db,
        tg_user.id,
        supported_language(context, tg_user.language_code),
        context.bot_data.settings.default_timezone,
    )
    language, state = greeting.language, greeting.consent
    remember_language(context, language)
    name = html.escape(tg_user.first_name or "")
    disclaimer = text(context, language, "start.disclaimer")
    if not greeting.known:
        parts = [
            text(context, language, "start.welcome", name=name),
            disclaimer,
            text(context, language, "start.consent_question"),
        ]
        markup = consent_keyboard(context, language)
    elif state.day is not None:
        day = day_text(state.day, language, year=True)
        parts = [
            text(context, language, "start.welcome_back", name=name),
            disclaimer,
            text(context, language, "start.consent_state_given", day=day),
            await next_steps(context, tg_user.id, language),
        ]
        markup = keyboard([language_row(context, language)])
    else:
        parts = [
            text(context, language, "start.welcome", name=name),
            disclaimer,
            text(context, language, "start.consent_state_not_given"),
            await next_steps(context, tg_user.id, language),
        ]
        markup = keyboard(
            [[change_button(context, language, state)], language_row(context, language)]
        )
    await message.reply_text("\n\n".join(parts), reply_markup=markup)


@on_press(Consent, needs_message=False)
async def answer_consent(press: Press, answer: str, seen: str | None = None) -> None:
    """I agree / Not now under the welcome (`seen`: the state it was shown in)."""
    await consent.answer(press, "give" if answer == "yes" else "withdraw", seen, welcome=True)


def language_keyboard(context: Context) -> Keyboard:
    """One button per language the content has."""
    languages = context.bot_data.content.languages
    return keyboard([[(info.native, Language(code))] for code, info in languages.items()])


@on_message()
async def choose_language(said: Said) -> None:
    """Offer the languages as buttons."""
    context, message, language = said.context, said.message, said.language
    await message.reply_text(
        text(context, language, "language.choose"), reply_markup=language_keyboard(context)
    )


@on_press(Language, text_only=True, needs_message=False)
async def answer_language(press: Press, choice: str) -> None:
    """Switch the language, or show the language menu."""
    await press.query.answer()
    if choice == "menu":
        await press.context.bot.send_message(
            press.query.from_user.id,
            press.text("language.choose"),
            reply_markup=language_keyboard(press.context),
        )
        return
    language = choice
    if language not in press.context.bot_data.content.languages:
        return
    await people.set_language(press.context.bot_data.db, press.query.from_user.id, language)
    remember_language(press.context, language)
    await press.edit(press.data.content.text(language, "language.changed"))


HANDLERS = [
    CommandHandler("start", start),
    CommandHandler("language", choose_language),
    *press_handlers(answer_consent),
    *press_handlers(answer_language),
]
