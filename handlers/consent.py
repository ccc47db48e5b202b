"""Consent to storing health data: the one path of every consent button.

/start's *I agree* and *Not now*, /privacy's *Give* and *Withdraw consent*, and the question an
old button gets all come here. Every press is answered with a message that says what it did; a
button shown in an earlier state (or by an earlier version) changes nothing and asks first.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message

from background.context import Context
from handlers.common import Press, next_steps, text
from services import people
from services.people import Consent
from ui.keyboards import Choice, Keyboard, keyboard
from ui.payloads import Privacy, PrivacyKeep
from ui.progress import day_text

logger = logging.getLogger(__name__)


def consent_words(context: Context, language: str, consent: Consent) -> str:
    """'given (since 3 December 2026)' or 'not given'."""
    if consent.day is None:
        return text(context, language, "privacy.consent_off")
    return text(
        context, language, "privacy.consent_on", day=day_text(consent.day, language, year=True)
    )


def change_button(context: Context, language: str, consent: Consent) -> Choice:
    """Give consent, or withdraw it: the button remembers the state it is shown in."""
    choice = "withdraw" if consent.since else "give"
    return (text(context, language, f"privacy.{choice}_button"), Privacy(choice, consent.seen))


def confirm_markup(context: Context, language: str, consent: Consent) -> Keyboard:
    """Change it (as /privacy would) or keep it as it is."""
    keep = "privacy.keep_given_button" if consent.since else "privacy.keep_not_given_button"
    return keyboard(
        [
            [
                change_button(context, language, consent),
                (text(context, language, keep), PrivacyKeep("keep", consent.seen)),
            ]
        ]
    )


def unchanged(context: Context, language: str, consent: Consent) -> str:
    """Nothing changed: what the state is."""
    if consent.day is None:
        return text(context, language, "privacy.unchanged_not_given")
    day = day_text(consent.day, language, year=True)
    return text(context, language, "privacy.unchanged_given", day=day)


async def answer(press: Press, choice: str, seen: str | None, *, welcome: bool) -> None:
    """Give, withdraw or keep consent from a button shown in the state `seen` (None: a button
    of an earlier version). `welcome`: the press came from /start's first question."""
    query, context, data, language = press.query, press.context, press.data, press.language
    await query.answer()
    settings = data.settings
    if choice == "keep":
        consent = await people.consent_of(data.db, press.user_id, settings.default_timezone)
        await context.bot.send_message(press.chat_id, unchanged(context, language, consent))
        await retire_buttons(query)
        return
    decision = await people.decide_consent(
        data.db,
        press.user_id,
        language,
        give=choice == "give",
        seen=seen,
        now=data.now(),
        default_zone=settings.default_timezone,
    )
    before, after = decision.before, decision.after
    markup = None
    if decision.confirm:
        logger.info("user %s pressed an older consent button: asked first", press.user_id)
        if before.day is None:
            reply = text(context, language, "privacy.confirm_give")
        else:
            day = day_text(before.day, language, year=True)
            reply = text(context, language, "privacy.confirm_withdraw", day=day)
        markup = confirm_markup(context, language, before)
    elif decision.changed:
        logger.info("user %s %s consent", press.user_id, "gave" if after.since else "withdrew")
        if after.since:
            reply = text(context, language, "start.consent_given")
        else:
            reply = text(context, language, "privacy.withdrawn")
            if decision.weekly_check_off:
                reply += "\n\n" + text(context, language, "privacy.weekly_check_off")
    elif welcome and after.since is None:
        reply = text(context, language, "start.consent_declined")
    else:
        reply = unchanged(context, language, after)
    if welcome and not decision.confirm:
        reply += "\n\n" + await next_steps(context, press.user_id, language)
    await context.bot.send_message(press.chat_id, reply, reply_markup=markup)
    await retire_buttons(query)


async def retire_buttons(query: CallbackQuery) -> None:
    """Take the buttons off the message pressed, after the reply: an edit that fails (the
    buttons already gone) never costs the person the answer to what they pressed."""
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        await query.edit_message_reply_markup(reply_markup=None)
