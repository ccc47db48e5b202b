"""What a person writes about pain, heard for what it means (safety/painwords.py): a report
stops and warns (handlers/pain.py); an unclear word ("tight", «тянет») gets one question, "Does it
hurt?", with a running session paused meanwhile; a denial ("no pain today") gets a short kind
reply, and nothing is recorded."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, MessageHandler, filters

from background.context import Context
from content import Content
from handlers.common import Press, language_or_telegrams, on_press, press_handlers, text
from handlers.pain import report_pain
from safety.painwords import Heard, Meaning, PainLexicon
from safety.rules import Source
from ui.payloads import UnclearFine, UnclearHurts
from ui.safety import denial_markup, unclear_markup

logger = logging.getLogger(__name__)

UNCLEAR_SAID = "unclear_said"  # chat_data: the words of an unclear message, until answered


class PainTalk(filters.MessageFilter):
    """Text that says something about pain (a report, a denial, an unclear word), in any
    language the content has (word forms included)."""

    def __init__(self, lexicon: PainLexicon) -> None:
        super().__init__(name="PainTalk")
        self._lexicon = lexicon

    def filter(self, message: Message) -> bool:
        return bool(message.text) and self.hear(message.text or "").meaning is not Meaning.NONE

    def hear(self, text: str) -> Heard:
        return self._lexicon.hear(text)


def pain_words(talk: PainTalk) -> Any:
    """The handler of what a person writes about pain: a report, an unclear word or a denial."""

    async def hear_pain(update: Update, context: Context) -> None:
        """A report stops and warns; an unclear word asks (pausing a session); a denial gets a
        short kind reply and nothing is recorded."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or not message.text:
            return
        heard = talk.hear(message.text)
        language = await language_or_telegrams(update, context)
        if heard.meaning is Meaning.PAIN:
            await report_pain(
                context,
                message.chat_id,
                user.id,
                language,
                Source.WORDS,
                message.text,
                leg_nerve=heard.leg_nerve,
            )
        elif heard.meaning is Meaning.UNCLEAR:
            await ask_if_it_hurts(context, message.chat_id, language, message.text)
        else:
            logger.info("a message was heard as no pain (nothing recorded)")
            await context.bot.send_message(
                message.chat_id,
                text(context, language, "pain.denial"),
                reply_markup=denial_markup(context.bot_data.content, language),
            )

    return hear_pain


async def ask_if_it_hurts(context: Context, chat_id: int, language: str, said: str) -> None:
    """ "Does it hurt?" in one tap; a running session pauses while the person answers."""
    data = context.bot_data
    live = await data.sessions.pause(chat_id)
    paused = live.session_id if live is not None else 0
    if context.chat_data is not None:
        context.chat_data[UNCLEAR_SAID] = said
    question = text(context, language, "pain.unclear_question")
    if paused:
        question += "\n" + text(context, language, "pain.unclear_paused")
    await context.bot.send_message(
        chat_id, question, reply_markup=unclear_markup(data.content, language, paused)
    )


@on_press(UnclearHurts, UnclearFine, text_only=True, on_screen=True)
async def answer_unclear(press: Press, answer: str, paused: int) -> None:
    """It hurts: the report, in the person's words; fine: the paused session goes on."""
    said = (
        press.context.chat_data.pop(UNCLEAR_SAID, None)
        if press.context.chat_data is not None
        else None
    )
    with contextlib.suppress(TelegramError):  # the warning must not depend on the toast
        await press.toast()
    with contextlib.suppress(TelegramError):
        await press.query.edit_message_reply_markup(reply_markup=None)
    if answer == "hurts":
        source = Source.WORDS if isinstance(said, str) else Source.BUTTON
        words = said if isinstance(said, str) else None
        await report_pain(
            press.context, press.chat_id, press.user_id, press.language, source, words
        )
        return
    live = press.data.sessions.get(press.chat_id)
    if paused and live is not None and live.session_id == paused and live.paused:
        await press.data.sessions.resume(press.chat_id)
        key = "pain.unclear_fine_session"
    else:
        key = "pain.unclear_fine_alone"
    await press.reply(key)


def lexicon(content: Content) -> PainLexicon:
    """The pain words of every language of the content, built once at start."""
    names = {code: language.name for code, language in content.languages.items()}
    return PainLexicon.from_texts(content.texts, names)


def handlers(lexicon: PainLexicon) -> list[BaseHandler[Any, Any, Any]]:
    """Text about pain (its words from content, their forms from a morphology library), and
    the answers to "Does it hurt?"."""
    talk = PainTalk(lexicon)
    return [
        MessageHandler(filters.TEXT & ~filters.COMMAND & talk, pain_words(talk)),
        *press_handlers(answer_unclear),
    ]
