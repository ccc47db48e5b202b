"""The reminder conversation: /remind, /timezone and a list's Change, wired as one flow
(handlers/remind.py, reminder_days.py, timezone.py, reminder_list.py and reminder_draft.py hold
the steps)."""

from __future__ import annotations

import warnings
from typing import Any

from telegram.ext import (
    BaseHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from handlers.common import press_handlers
from handlers.remind import choose_button, remind, time_button, time_text
from handlers.reminder_days import days_button, days_text
from handlers.reminder_draft import (
    CHOOSE,
    CONFIRM,
    DAYS,
    TIME,
    ZONE,
    cancel,
    confirm_button,
    not_understood,
)
from handlers.reminder_list import list_reminders, manage
from handlers.timezone import timezone, zone_button, zone_location, zone_text


def conversation() -> ConversationHandler:
    """The /remind and /timezone flows (typed input is read only while a flow waits for it)."""
    typed = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND & ~filters.TEXT
    # per_message=False is deliberate: the flow spans several messages of one chat, so PTB's
    # advice to track callback queries per message does not apply.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)
        return _conversation(typed, other)


def _conversation(typed: filters.BaseFilter, other: filters.BaseFilter) -> ConversationHandler:
    return ConversationHandler(
        entry_points=[
            CommandHandler("remind", remind),
            CommandHandler("timezone", timezone),
            *press_handlers(manage),
        ],
        states={
            CHOOSE: [  # add another or change one; a time typed instead is added
                *press_handlers(choose_button),
                MessageHandler(typed, time_text),
                MessageHandler(other, not_understood),
            ],
            TIME: [
                *press_handlers(time_button),
                MessageHandler(typed, time_text),
                MessageHandler(other, not_understood),
            ],
            DAYS: [
                *press_handlers(days_button),
                MessageHandler(typed, days_text),
                MessageHandler(other, not_understood),
            ],
            ZONE: [
                *press_handlers(zone_button),
                MessageHandler(filters.LOCATION, zone_location),
                MessageHandler(typed, zone_text),
            ],
            CONFIRM: [*press_handlers(confirm_button)],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        allow_reentry=True,
        conversation_timeout=900,
        name="reminders",
    )


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The reminder handlers, new for each Application: a ConversationHandler keeps every chat's
    step and timeout job, which must not outlive the Application (and its job queue) they ran in.
    """
    return [conversation(), CommandHandler("reminders", list_reminders)]
