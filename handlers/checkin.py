"""The check-in before a session: "How is your back today?" (0-10), with the warning-signs
button."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from background.context import Context
from handlers.common import text
from ui.guided import rating_keyboard
from ui.payloads import CheckIn, RedFlags


async def ask_check_in(context: Context, chat_id: int, language: str, routine_id: str) -> None:
    """'How is your back today?' with 0-10 buttons and the warning-signs button."""
    keyboard = rating_keyboard(lambda n: CheckIn(routine_id, n)).inline_keyboard
    warning = InlineKeyboardButton(
        text(context, language, "routine.warning_signs_button"),
        callback_data=RedFlags("menu").pack(),
    )
    await context.bot.send_message(
        chat_id,
        text(context, language, "routine.checkin"),
        reply_markup=InlineKeyboardMarkup([*keyboard, [warning]]),
    )
