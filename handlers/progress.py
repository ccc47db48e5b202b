"""/progress: this week, this month and in total, the pain chart (7, 30 or 90 days, one message
edited in place), the weekly check switch and the doctor's report (a PDF made on request and
never kept). Charts and reports are drawn by worker processes, never on the event loop."""

from __future__ import annotations

import io
import logging

from telegram import InputMediaPhoto, Message
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import CommandHandler

from background.context import BotData, Context
from background.reminder_job import schedule_dispatch
from guided.engine.routines import is_gentle
from handlers.common import STALE, Press, Said, on_message, on_press, press_handlers, text
from progress.stats import Facts, last_days
from services import outcomes
from ui.keyboards import Choice, Keyboard, keyboard
from ui.payloads import Progress, WeeklySwitch
from ui.progress import caption, chart_for, dates_text, weekday
from ui.report import report_doc

logger = logging.getLogger(__name__)

PERIODS = (7, 30, 90)
DEFAULT_DAYS = 30
CAPTION_LIMIT = 1024


async def gather(data: BotData, user_id: int) -> outcomes.Gathered:
    """The user's facts, consent and weekly check (one short transaction)."""
    return await outcomes.gather(
        data, user_id, lambda routine_id: is_gentle(data.content, routine_id)
    )


def has_chart(facts: Facts, consent: bool) -> bool:
    """A chart only for a person with ratings stored: never an empty one."""
    return consent and bool(facts.ratings or facts.pegs)


def weekly_row(
    data: BotData, language: str, days: int, weekly: bool, consent: bool
) -> list[list[Choice]]:
    """The weekly check's switch: off when it is on; on only with consent (it stores answers)."""
    if not weekly and not consent:
        return []
    key, op = ("weekly_off_button", "off") if weekly else ("weekly_on_button", "on")
    return [[(data.content.text(language, f"progress.{key}"), WeeklySwitch("w", op, days))]]


def progress_keyboard(
    data: BotData, language: str, days: int, weekly: bool, consent: bool, report: bool
) -> Keyboard:
    """7 / 30 / 90 days, the report for the doctor, the weekly check on or off."""
    content = data.content
    rows = [
        [
            (
                content.text(
                    language,
                    "progress.days_button_on" if n == days else "progress.days_button",
                    count=n,
                ),
                Progress("p", n),
            )
            for n in PERIODS
        ]
    ]
    if report:
        rows.append([(content.text(language, "progress.report_button"), Progress("r", days))])
    return keyboard([*rows, *weekly_row(data, language, days, weekly, consent)])


def body(
    data: BotData,
    language: str,
    facts: Facts,
    days: int,
    consent: bool,
    weekly: tuple[int, str] | None,
) -> str:
    return caption(data.content, language, facts, days, weekly, consent)[:CAPTION_LIMIT]


@on_message()
async def show_progress(said: Said) -> None:
    """/progress: the numbers and, for a person with ratings, the 30-day chart."""
    context, message, user, language = said.context, said.message, said.user, said.language
    data = context.bot_data
    facts, consent, weekly = await gather(data, user.id)
    if facts is None or not facts.has_data():
        switch = weekly_row(data, language, DEFAULT_DAYS, weekly is not None, consent)
        await message.reply_text(
            text(context, language, "progress.no_data"),
            reply_markup=keyboard(switch) if switch else None,
        )
        return
    chart = has_chart(facts, consent)
    markup = progress_keyboard(data, language, DEFAULT_DAYS, weekly is not None, consent, chart)
    shown = body(data, language, facts, DEFAULT_DAYS, consent, weekly)
    if not chart:
        await message.reply_text(shown, reply_markup=markup)
        return
    await message.reply_chat_action(ChatAction.UPLOAD_PHOTO)
    png = await data.renderer.chart(chart_for(data.content, language, facts, DEFAULT_DAYS))
    await message.reply_photo(png, caption=shown, reply_markup=markup)


@on_press(Progress, WeeklySwitch)
async def answer_progress(press: Press, op: str, *rest: int | str) -> None:
    """7 / 30 / 90 days (the same message, edited), the report, the weekly check on or off."""
    *switch, days = rest
    assert isinstance(days, int)  # ui/payloads.Progress: the last field is 7, 30 or 90
    if not isinstance(press.query.message, Message):
        await press.query.answer()
        return
    user_id, message = press.user_id, press.query.message
    if op == "w":
        await switch_weekly(press.context, user_id, message, press.language, switch == ["on"])
        await press.query.answer()
    facts, consent, weekly = await gather(press.data, user_id)
    if facts is None or not facts.has_data():
        if op != "w":
            await press.toast(STALE)
        return
    chart = has_chart(facts, consent)
    if op == "r":
        if not chart:
            await press.query.answer(press.text("progress.needs_consent"))
            return
        await press.query.answer(press.text("progress.report_wait"))
        await send_report(press.context, message, press.language, facts, days)
        return
    if op == "p":
        await press.query.answer()
    markup = progress_keyboard(press.data, press.language, days, weekly is not None, consent, chart)
    shown = body(press.data, press.language, facts, days, consent, weekly)
    try:
        if message.photo and chart and op == "p":
            png = await press.data.renderer.chart(
                chart_for(press.data.content, press.language, facts, days)
            )
            await message.edit_media(InputMediaPhoto(png, caption=shown), reply_markup=markup)
        elif message.photo:
            await message.edit_caption(shown, reply_markup=markup)
        elif message.text is not None:
            await message.edit_text(shown, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def send_report(
    context: Context, message: Message, language: str, facts: Facts, days: int
) -> None:
    """The PDF for the doctor: built now from stored (consented) data, sent, never kept."""
    data = context.bot_data
    await message.reply_chat_action(ChatAction.UPLOAD_DOCUMENT)
    doc = report_doc(data.content, language, facts, days)
    pdf = await data.renderer.report(doc)
    window = last_days(facts.today, days, facts.since)
    await message.reply_document(
        io.BytesIO(pdf),
        filename=f"backcare-report-{facts.today:%Y-%m-%d}.pdf",
        caption=text(
            context,
            language,
            "progress.report_caption",
            dates=dates_text(window.first, window.last, language),
        ),
    )
    logger.info("user %s got a report", message.chat_id)


async def switch_weekly(
    context: Context, user_id: int, message: Message, language: str, on: bool
) -> None:
    """Turn the weekly check on (with consent: it stores answers) or off, and say so."""
    data = context.bot_data
    if not on:
        await outcomes.stop_weekly(data.db, user_id)
        await message.reply_text(text(context, language, "progress.weekly_off"))
        return
    due = await outcomes.start_weekly(data, user_id, message.chat_id)
    if due is None:
        await message.reply_text(text(context, language, "progress.needs_consent"))
        return
    schedule_dispatch(context.application, due)
    weekly = (await gather(data, user_id)).weekly
    assert weekly is not None
    await message.reply_text(
        text(
            context,
            language,
            "progress.weekly_on",
            day=weekday(weekly[0], language),
            time=weekly[1],
        )
    )


HANDLERS = [CommandHandler("progress", show_progress), *press_handlers(answer_progress)]
