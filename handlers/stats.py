"""/stats for operators (ADMIN_IDS): the figures and a chart; anyone else is told the command is
unknown, word for word as for any unknown command, so the command does not reveal itself."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram.ext import CommandHandler

from db.models import utcnow
from handlers.common import Said, on_message, text
from handlers.fallback import unknown_command
from ops.chart import render_daily_chart
from services import stats

logger = logging.getLogger(__name__)


@on_message()
async def show_stats(said: Said) -> None:
    """Send an operator the figures and the chart of the last days."""
    update, context, message, user = said.update, said.context, said.message, said.user
    data = context.bot_data
    if user.id not in data.settings.admin_ids:
        await unknown_command(update, context)
        return
    language = said.language
    figures = await stats.figures(data.db, data.now())
    limiter = getattr(context.bot, "rate_limiter", None)
    dropped = sum(limiter.stats.dropped.values()) if limiter is not None else 0
    dispatcher = getattr(data, "dispatcher", None)
    skipped = dispatcher.stats.missed_stale + dispatcher.stats.skipped_paused if dispatcher else 0
    deliveries = figures.deliveries_1
    await message.reply_text(
        text(
            context,
            language,
            "ops.stats",
            users=figures.users,
            active_7=figures.active_7,
            active_30=figures.active_30,
            started=figures.started_7,
            completed=figures.completed_7,
            pain=figures.stopped_for_pain_7,
            reports=figures.reports_7,
            signs_none=figures.signs_30.get("none", 0),
            signs_doctor=figures.signs_30.get("doctor", 0),
            signs_emergency=figures.signs_30.get("emergency", 0),
            reminders=figures.reminders_active,
            sent=deliveries.get("sent", 0),
            uncertain=deliveries.get("uncertain", 0),
            skipped=skipped,
            failed=deliveries.get("failed", 0) + deliveries.get("blocked", 0),
            dropped=dropped,
            errors=data.errors.since(utcnow() - timedelta(days=1)),
            hours=round((utcnow() - data.started_at).total_seconds() / 3600, 1),
        )
    )
    chart = await asyncio.to_thread(
        render_daily_chart,
        figures.days,
        [
            (text(context, language, "ops.chart_sessions"), figures.started_by_day),
            (text(context, language, "ops.chart_reports"), figures.reports_by_day),
        ],
        text(context, language, "ops.chart_title", days=len(figures.days)),
    )
    await message.reply_photo(chart)
    logger.info("an operator asked for the figures")


HANDLERS = [CommandHandler("stats", show_stats)]
