"""The naive design, for comparison: one JobQueue job per reminder, rebuilt at every start.

python -m bench.naive DATABASE_URL BASE_URL
"""

from __future__ import annotations

import sys
from datetime import time
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from telegram import Update
from telegram.ext import Application, ContextTypes

from bench.common import TOKEN


async def remind(context: ContextTypes.DEFAULT_TYPE) -> None:
    assert context.job is not None and context.job.chat_id is not None
    await context.bot.send_message(context.job.chat_id, "Time for your back routine.")


async def register_all(application: Application) -> None:  # type: ignore[type-arg]
    assert application.job_queue is not None
    engine = create_async_engine(application.bot_data["url"])
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT id, chat_id, local_time, zone FROM reminders"))
        for reminder_id, chat_id, local_time, zone in rows:
            hours, minutes = (int(part) for part in local_time.split(":"))
            application.job_queue.run_daily(
                remind,
                time(hours, minutes, tzinfo=ZoneInfo(zone)),
                chat_id=chat_id,
                name=f"reminder:{reminder_id}",
            )
    await engine.dispose()


def main(url: str, base_url: str) -> None:
    application = (
        Application.builder().token(TOKEN).base_url(base_url).post_init(register_all).build()
    )
    application.bot_data["url"] = url
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
