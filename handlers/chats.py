"""Where the bot talks: its personal features live in private chats only.

In a group, a command or a mention of the bot gets one pointer to the private chat (at most once
per group every ten minutes) and a button press a short toast; nothing else is answered there, so
no health data, session or warning ever reaches a group. Edits, channel posts, inline queries and
every other kind of update are not acted on. A button on a message that is gone (Telegram's
InaccessibleMessage: deleted) gets the stale-button toast, as nothing can be shown on it; It hurts
is always heard. Also names the updates that a flood limit must never drop (core/updates.py):
pain reports.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from telegram import Message, Update
from telegram.constants import ChatType, MessageEntityType
from telegram.ext import ApplicationHandlerStop, TypeHandler

from background.context import Context
from handlers.common import STALE, language_of, text
from safety.painwords import Meaning, PainLexicon
from ui.payloads import urgent

logger = logging.getLogger(__name__)

# Runs before every other group (activity marks at -10, the safety gate at -5, features at 0) and
# stops every update that is not a private message or a button press in a private chat.
GROUP = -20
GROUP_CHATS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
POINTER_PAUSE = 600.0  # seconds: one pointer per group, however many people ask at once


class Pointers:
    """When each group last got the pointer; groups quiet for longer are forgotten."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last: dict[int, float] = {}

    def due(self, chat_id: int) -> bool:
        """Whether the group may get the pointer now (if so, it counts as given)."""
        now = self._clock()
        self._last = {chat: at for chat, at in self._last.items() if now - at < POINTER_PAUSE}
        if chat_id in self._last:
            return False
        self._last[chat_id] = now
        return True


def kind_of(update: Update) -> str:
    """The kind of an update, as allowed_updates names it ("edited_message", "channel_post")."""
    return next((kind for kind in Update.ALL_TYPES if getattr(update, kind, None)), "unknown")


def addresses_bot(message: Message, username: str, bot_id: int) -> bool:
    """A command for this bot (or for every bot: no @name) or a mention of it."""
    me = f"@{username}".casefold()
    entities = {**message.parse_entities(), **message.parse_caption_entities()}
    for entity, value in entities.items():
        if entity.type == MessageEntityType.BOT_COMMAND and entity.offset == 0:
            _, at, target = value.partition("@")
            addressed = not at or f"@{target}".casefold() == me
        elif entity.type == MessageEntityType.MENTION:
            addressed = value.casefold() == me
        elif entity.type == MessageEntityType.TEXT_MENTION:
            addressed = entity.user is not None and entity.user.id == bot_id
        else:
            addressed = False
        if addressed:
            return True
    return False


async def keep_to_private_chats(update: Update, context: Context, pointers: Pointers) -> None:
    """Let private messages and presses through; answer or ignore everything else, then stop."""
    message, query = update.message, update.callback_query
    if message is not None:
        if message.chat.type == ChatType.PRIVATE:
            return
        if message.chat.type in GROUP_CHATS and addresses_bot(
            message, context.bot.username, context.bot.id
        ):
            await point_to_private_chat(update, context, message, pointers)
        else:
            logger.debug("Not acted on: a message in a %s chat", message.chat.type)
    elif query is not None:
        source = query.message
        if source is None or source.chat.type != ChatType.PRIVATE:
            key = "chats.private_only"
        elif source.is_accessible or urgent(query.data):
            return
        else:
            key = STALE  # its message is gone: nothing can be shown on it
        language = await language_of(update, context)
        await query.answer(text(context, language, key))
    else:
        logger.debug("Not acted on: an update of kind %s", kind_of(update))
    raise ApplicationHandlerStop


async def point_to_private_chat(
    update: Update, context: Context, message: Message, pointers: Pointers
) -> None:
    """Say once in a while that the bot works in a private chat; nothing more in a group."""
    if not pointers.due(message.chat_id):
        logger.debug("Not acted on: the group had its pointer a short while ago")
        return
    language = await language_of(update, context)
    await message.reply_text(text(context, language, "chats.private_only"))


def pain_reports(lexicon: PainLexicon) -> Callable[[Update], bool]:
    """Whether an update may report pain (pain words, an unclear word that is asked about,
    /pain, It hurts): never dropped in a flood."""

    def is_pain_report(update: Update) -> bool:
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            return False  # pain in a group is not acted on (see above): no reason to spare it
        if update.callback_query is not None:
            return urgent(update.callback_query.data)
        message = update.message
        if message is None or not message.text:
            return False
        return lexicon.hear(message.text).meaning in (Meaning.PAIN, Meaning.UNCLEAR)

    return is_pain_report


def handlers() -> list[TypeHandler[Update, Context, None]]:
    """The gate every update passes first; it keeps its own record of the groups' pointers
    (one per Application)."""
    pointers = Pointers()

    async def keep(update: Update, context: Context) -> None:
        await keep_to_private_chats(update, context, pointers)

    return [TypeHandler(Update, keep)]
