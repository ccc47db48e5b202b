"""What every handler shares: `on_press` (a button's typed payload, the stale toast in one place),
`on_message` (a command's message, sender and language), the user's language and texts."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from telegram import CallbackQuery, Message, Update, User
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from background.context import BotData, Context
from services import people
from services.safety import load_state
from ui.button import Button
from ui.keyboards import Choice
from ui.payloads import claims, read

logger = logging.getLogger(__name__)

LANGUAGE_KEY = "language"
STALE = "fallback.stale_button"

T = TypeVar("T")


@dataclass(frozen=True)
class Press:
    """A button press whose payload was read: the query, the chat, the user and their language."""

    update: Update
    context: Context
    query: CallbackQuery
    language: str
    chat_id: int
    user_id: int

    @property
    def data(self) -> BotData:
        return self.context.bot_data

    def text(self, key: str, /, **params: object) -> str:
        """A UI text in the user's language."""
        return self.data.content.text(self.language, key, **params)

    async def toast(self, key: str | None = None, /, **params: object) -> None:
        """Answer the press (a short toast if a key is given)."""
        await self.query.answer(self.text(key, **params) if key else None)

    async def reply(self, key: str, /, markup: object = None, **params: object) -> Message:
        """Send a UI text to the chat the press came from."""
        message: Message = await self.context.bot.send_message(
            self.chat_id,
            self.text(key, **params),
            reply_markup=markup,  # type: ignore[arg-type]
        )
        return message

    async def edit(self, text: str, /, markup: object = None) -> None:
        """Replace the pressed message's text (and its buttons: none unless given)."""
        await self.query.edit_message_text(text, reply_markup=markup)  # type: ignore[arg-type]


PressHandler = Callable[..., Awaitable[T]]


def on_press(
    *buttons: type[Button],
    text_only: bool = False,
    on_screen: bool = False,
    needs_message: bool = True,
    stale: Any = None,
) -> Callable[[PressHandler[T]], ButtonCallback]:
    """Decorate a handler `(press, *fields)` of these button classes (ui/payloads.py).

    The one place where a payload is read: its fields arrive typed; a press of their prefix
    that none of them reads (stale or forged) gets the stale-button toast and the handler is
    not called (`stale` is what a conversation step returns then). `text_only`: the press must
    come from a text message, because the handler edits that text. `needs_message`: a press
    whose message Telegram no longer gives (too old) is ignored, unless the handler can act
    without it. `on_screen`: the press must be a button the message shows now (a step-by-step
    flow edits one message: a replayed or forged press of an earlier step is stale).

    An `urgent` press (a pain report) is answered at once, whatever the toast's fate, and its
    language falls back to Telegram's if the database fails: what it starts must not wait.
    """

    def decorate(handler: PressHandler[T]) -> ButtonCallback:
        async def callback(update: Update, context: Context) -> Any:
            query = update.callback_query
            if query is None or (needs_message and query.message is None):
                return stale
            found = read(query.data)
            if found is not None and found.urgent:
                with contextlib.suppress(TelegramError):  # what follows must not wait on it
                    await query.answer()
                language = await language_or_telegrams(update, context)
            else:
                language = await language_of(update, context)
            if (
                found is None
                or type(found) not in buttons
                or (text_only and not on_text_message(query))
                or (on_screen and not offered(query))
            ):
                await query.answer(text(context, language, STALE))
                return stale
            user_id = query.from_user.id
            chat_id = query.message.chat.id if query.message is not None else user_id
            press = Press(update, context, query, language, chat_id, user_id)
            return await handler(press, *found.fields)

        callback.__doc__, callback.__name__ = handler.__doc__, handler.__name__
        ANSWERS[callback] = buttons
        return callback

    return decorate


ButtonCallback = Callable[[Update, Context], Coroutine[Any, Any, Any]]


class Said(NamedTuple):
    """A message from a person: the update, context, message, sender and their language."""

    update: Update
    context: Context
    message: Message
    user: User
    language: str


def on_message(*, stale: Any = None) -> Callable[[Callable[[Said], Awaitable[T]]], ButtonCallback]:
    """Decorate a command or message handler `(said)`: the message, its sender and their
    language are read in one place; an update without them is left alone (`stale` is what a
    conversation step returns then)."""

    def decorate(handler: Callable[[Said], Awaitable[T]]) -> ButtonCallback:
        async def callback(update: Update, context: Context) -> Any:
            message, user = update.effective_message, update.effective_user
            if message is None or user is None:
                return stale
            language = await language_of(update, context)
            return await handler(Said(update, context, message, user, language))

        callback.__doc__, callback.__name__ = handler.__doc__, handler.__name__
        return callback

    return decorate


ANSWERS: dict[ButtonCallback, tuple[type[Button], ...]] = {}


def press_handlers(*callbacks: ButtonCallback) -> list[CallbackQueryHandler[Context, Any]]:
    """A CallbackQueryHandler for each decorated callback: the presses of its classes, and
    those of their prefix that no class reads (it gives them the stale toast)."""
    return [
        CallbackQueryHandler(callback, pattern=claims(ANSWERS[callback])) for callback in callbacks
    ]


def supported_language(context: Context, code: str | None) -> str:
    """The Telegram language code if the content has it, else the default language."""
    content = context.bot_data.content
    base = (code or "").split("-")[0].lower()
    return base if base in content.languages else context.bot_data.settings.default_language


async def language_or_telegrams(update: Update, context: Context) -> str:
    """The user's language; if the database fails, Telegram's (a pain report must not wait)."""
    try:
        return await language_of(update, context)
    except Exception:
        logger.exception("language lookup failed; using the Telegram language")
        user = update.effective_user
        return supported_language(context, user.language_code if user else None)


async def language_of(update: Update, context: Context) -> str:
    """The user's language: chosen (cached per user), else Telegram's, else the default."""
    cached = context.user_data.get(LANGUAGE_KEY) if context.user_data is not None else None
    if isinstance(cached, str):
        return cached
    user = update.effective_user
    language = supported_language(context, user.language_code if user else None)
    if user is not None:
        stored = await people.stored_language(context.bot_data.db, user.id)
        if stored is not None and stored in context.bot_data.content.languages:
            language = stored
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


async def next_steps(context: Context, user_id: int, language: str) -> str:
    """What to do next, after the welcome: never an invitation to exercise on a safety hold."""
    state, _ = await load_state(context.bot_data, user_id)
    key = "start.next_steps" if state.hold is None else "start.next_steps_hold"
    return text(context, language, key)


def text(context: Context, language: str, key: str, /, **params: object) -> str:
    """A UI text from content/locales in the given language."""
    return context.bot_data.content.text(language, key, **params)


async def reply(context: Context, chat_id: int, message: str, markup: object = None) -> None:
    """Edit nothing, send one message (a short helper for the steps below)."""
    await context.bot.send_message(chat_id, message, reply_markup=markup)  # type: ignore[arg-type]


def button(label: str, press: Button) -> list[Choice]:
    """A row with one button."""
    return [(label, press)]
