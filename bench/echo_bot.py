"""A bare python-telegram-bot echo bot: the floor the framework sets, for bench.load.

It echoes each text with one reply, and answers a button press with the same two calls as
Backcare's after-session rating (answer it, edit the question into the summary),
with PTB's defaults except concurrent updates (as Backcare, it handles chats in parallel). Run
by bench.load and bench.ratings as its own process.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo the text back."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What the rating handler does on Telegram, without the database."""
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer()
    try:
        await query.edit_message_text("How does your back feel now?\n\nBefore: 2. After: 1.")
    except BadRequest:  # the pressed message may be a picture
        await context.bot.send_message(query.message.chat.id, "Before: 2. After: 1.")


def main() -> None:
    builder = Application.builder()
    if os.environ.get("ECHO_HTTP") == "aiohttp":  # Backcare's transport (perf/transport.py)
        from perf.transport import AiohttpRequest

        builder = builder.request(AiohttpRequest(64)).get_updates_request(AiohttpRequest(1))
    application = (
        builder.token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_BASE_URL"])
        .base_file_url(os.environ["TELEGRAM_BASE_FILE_URL"])
        .concurrent_updates(True)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(pressed))
    application.run_polling(allowed_updates=["message", "callback_query"])


if __name__ == "__main__":
    main()
