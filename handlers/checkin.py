"""The check-in before a session: "How is your back today?" (0-10), with the warning-signs
button."""

from __future__ import annotations

from background.context import Context
from handlers.common import text
from ui.guided import rating_keyboard
from ui.keyboards import keyboard
from ui.listen import listen_row
from ui.payloads import CheckIn, RedFlags


async def ask_check_in(context: Context, chat_id: int, language: str, routine_id: str) -> None:
    """'How is your back today?' with 0-10 buttons, the warning-signs button and Listen (the
    session as one audio track: handlers/listen.py)."""
    rows = rating_keyboard(lambda n: CheckIn(routine_id, n)).inline_keyboard
    warning = (text(context, language, "routine.warning_signs_button"), RedFlags("menu"))
    listen = listen_row(context.bot_data.content, language, routine_id)  # the audio guide
    await context.bot.send_message(
        chat_id,
        text(context, language, "routine.checkin"),
        reply_markup=keyboard([*rows, [warning], listen]),
    )
