"""Small helpers shared by handlers: the user's language, texts, and safe replies."""

from __future__ import annotations

from telegram import CallbackQuery, Message, Update

from core.context import Context
from db.users import get_user

LANGUAGE_KEY = "language"


def supported_language(context: Context, code: str | None) -> str:
    """The Telegram language code if the content has it, else the default language."""
    content = context.bot_data.content
    base = (code or "").split("-")[0].lower()
    return base if base in content.languages else context.bot_data.settings.default_language


async def language_of(update: Update, context: Context) -> str:
    """The user's language: chosen (cached per user), else Telegram's, else the default."""
    cached = context.user_data.get(LANGUAGE_KEY) if context.user_data is not None else None
    if isinstance(cached, str):
        return cached
    user = update.effective_user
    language = supported_language(context, user.language_code if user else None)
    if user is not None:
        async with context.bot_data.db() as session:
            stored = await get_user(session, user.id)
        if stored is not None and stored.language in context.bot_data.content.languages:
            language = stored.language
        if context.user_data is not None:
            context.user_data[LANGUAGE_KEY] = language
    return language


def remember_language(context: Context, language: str) -> None:
    """Update the per-user language cache after the user changes it."""
    if context.user_data is not None:
        context.user_data[LANGUAGE_KEY] = language


def offered(query: CallbackQuery) -> bool:
    """Whether the data pressed is that of a button on the message it came from.

    Telegram sends back what a button carries, but a modified client can send anything; where
    a forged payload could make the bot act on the wrong message, this is the check.
    """
    message = query.message
    markup = message.reply_markup if isinstance(message, Message) else None
    return markup is not None and any(
        button.callback_data == query.data for row in markup.inline_keyboard for button in row
    )


def on_text_message(query: CallbackQuery) -> bool:
    """Whether the press came from a text message: the only kind whose text an edit can change.

    A forged payload pressed on a picture must not have the bot edit text that is not there.
    """
    return isinstance(query.message, Message) and query.message.text is not None


def text(context: Context, language: str, key: str, /, **params: object) -> str:
    """A UI text from content/locales in the given language."""
    return context.bot_data.content.text(language, key, **params)
