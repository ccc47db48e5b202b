"""/progress: this week, this month and in total, the pain chart (7, 30 or 90 days, one message
edited in place), the weekly check switch and the doctor's report (a PDF made on request and
never kept). Charts and reports are drawn by worker processes, never on the event loop."""

from __future__ import annotations

import io
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from core.context import BotData, Context
from db import progress as store
from db.users import get_user
from handlers.common import language_of, text
from handlers.nudges import schedule_dispatch
from handlers.payloads import Action, build, parse, pattern
from handlers.progress_view import caption, chart_for, day_text, report_doc, weekday
from handlers.routine_view import is_gentle
from progress.render import Renderer
from progress.stats import Facts, last_days
from reminders.dispatcher import first_due
from reminders.zones import zone_info

logger = logging.getLogger(__name__)

PERIODS = (7, 30, 90)
DEFAULT_DAYS = 30
CAPTION_LIMIT = 1024


def renderer(data: BotData) -> Renderer:
    """The drawing workers, started on first use (bounded by REPORT_WORKERS)."""
    if data.renderer is None:
        data.renderer = Renderer(data.settings.report_workers, data.settings.report_pool)
    return data.renderer


async def gather(data: BotData, user_id: int) -> tuple[Facts | None, bool, tuple[int, str] | None]:
    """(facts, consent, weekly check as (weekday, time) or None), in one short transaction."""
    async with data.db() as session:
        facts = await store.load_facts(
            session,
            user_id,
            data.now(),
            data.settings.default_timezone,
            lambda routine_id: is_gentle(data.content, routine_id),
            zone_info,
        )
        consent = await store.has_consent(session, user_id)
        row = await store.weekly_check(session, user_id)
    weekly = None
    if row is not None:
        weekly = (next(d for d in range(7) if row.days & (1 << d)), row.local_time)
    return facts, consent, weekly


def has_chart(facts: Facts, consent: bool) -> bool:
    """A chart only for a person with ratings stored: never an empty one."""
    return consent and bool(facts.ratings or facts.pegs)


def keyboard(
    data: BotData, language: str, days: int, weekly: bool, report: bool
) -> InlineKeyboardMarkup:
    """7 / 30 / 90 days, the report for the doctor, the weekly check on or off."""
    content = data.content
    rows = [
        [
            InlineKeyboardButton(
                content.text(
                    language,
                    "progress.days_button_on" if n == days else "progress.days_button",
                    count=n,
                ),
                callback_data=build(Action.PROGRESS, "p", n),
            )
            for n in PERIODS
        ]
    ]
    if report:
        rows.append(
            [
                InlineKeyboardButton(
                    content.text(language, "progress.report_button"),
                    callback_data=build(Action.PROGRESS, "r", days),
                )
            ]
        )
    key, op = ("weekly_off_button", "off") if weekly else ("weekly_on_button", "on")
    rows.append(
        [
            InlineKeyboardButton(
                content.text(language, f"progress.{key}"),
                callback_data=build(Action.PROGRESS, "w", op, days),
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


def body(
    data: BotData,
    language: str,
    facts: Facts,
    days: int,
    consent: bool,
    weekly: tuple[int, str] | None,
) -> str:
    window = last_days(facts.today, days, facts.since)
    return caption(data.content, language, facts, window, weekly, consent)[:CAPTION_LIMIT]


async def show_progress(update: Update, context: Context) -> None:
    """/progress: the numbers and, for a person with ratings, the 30-day chart."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    data = context.bot_data
    language = await language_of(update, context)
    facts, consent, weekly = await gather(data, user.id)
    if facts is None or not facts.has_data():
        markup = InlineKeyboardMarkup(
            keyboard(data, language, DEFAULT_DAYS, weekly is not None, False).inline_keyboard[-1:]
        )
        await message.reply_text(text(context, language, "progress.no_data"), reply_markup=markup)
        return
    chart = has_chart(facts, consent)
    markup = keyboard(data, language, DEFAULT_DAYS, weekly is not None, chart)
    shown = body(data, language, facts, DEFAULT_DAYS, consent, weekly)
    if not chart:
        await message.reply_text(shown, reply_markup=markup)
        return
    await message.reply_chat_action(ChatAction.UPLOAD_PHOTO)
    png = await renderer(data).chart(chart_for(data.content, language, facts, DEFAULT_DAYS))
    await message.reply_photo(png, caption=shown, reply_markup=markup)


async def answer_progress(update: Update, context: Context) -> None:
    """7 / 30 / 90 days (the same message, edited), the report, the weekly check on or off."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        if query is not None:
            await query.answer()
        return
    data = context.bot_data
    language = await language_of(update, context)
    fields = parse(query.data, Action.PROGRESS) or []
    days = int(fields[-1]) if fields and fields[-1] in {str(n) for n in PERIODS} else None
    valid = days is not None and (
        (len(fields) == 2 and fields[0] in ("p", "r"))
        or (len(fields) == 3 and fields[0] == "w" and fields[1] in ("on", "off"))
    )
    if not valid or days is None:
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    user_id, message = query.from_user.id, query.message
    if fields[0] == "w":
        await switch_weekly(context, query.from_user.id, message, language, fields[1] == "on")
        await query.answer()
    facts, consent, weekly = await gather(data, user_id)
    if facts is None or not facts.has_data():
        if fields[0] != "w":
            await query.answer(text(context, language, "fallback.stale_button"))
        return
    chart = has_chart(facts, consent)
    if fields[0] == "r":
        if not chart:
            await query.answer(text(context, language, "progress.needs_consent"))
            return
        await query.answer(text(context, language, "progress.report_wait"))
        await send_report(context, message, language, facts, days)
        return
    if fields[0] == "p":
        await query.answer()
    markup = keyboard(data, language, days, weekly is not None, chart)
    shown = body(data, language, facts, days, consent, weekly)
    try:
        if message.photo and chart and fields[0] == "p":
            png = await renderer(data).chart(chart_for(data.content, language, facts, days))
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
    doc = report_doc(data.content, language, facts, days, data.settings.hurt_exercise_days)
    pdf = await renderer(data).report(doc)
    window = last_days(facts.today, days, facts.since)
    await message.reply_document(
        io.BytesIO(pdf),
        filename=f"backcare-report-{facts.today:%Y-%m-%d}.pdf",
        caption=text(
            context,
            language,
            "progress.report_caption",
            first=day_text(window.first, language),
            last=day_text(window.last, language),
        ),
    )
    logger.info("user %s got a report", message.chat_id)


async def switch_weekly(
    context: Context, user_id: int, message: Message, language: str, on: bool
) -> None:
    """Turn the weekly check on (with consent: it stores answers) or off, and say so."""
    data = context.bot_data
    now = data.now()
    due = None
    async with data.db() as session:
        if not on:
            await store.stop_weekly_check(session, user_id)
        elif await store.has_consent(session, user_id):
            user = await get_user(session, user_id)
            reminder = await store.reminder_time(session, user_id)
            zone = (user.timezone if user else None) or (
                reminder[1] if reminder else data.settings.default_timezone
            )
            local_time = reminder[0] if reminder else data.settings.weekly_check_time
            due = await store.set_weekly_check(
                session,
                user_id=user_id,
                chat_id=message.chat_id,
                local_time=local_time,
                zone=zone,
                now=now,
                first_due=first_due,
                zone_info=zone_info,
            )
        await session.commit()
    if on and due is None:
        await message.reply_text(text(context, language, "progress.needs_consent"))
        return
    if due is not None:
        schedule_dispatch(context.application, due)
        weekly = await store_weekly(data, user_id)
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
    else:
        await message.reply_text(text(context, language, "progress.weekly_off"))


async def store_weekly(data: BotData, user_id: int) -> tuple[int, str] | None:
    return (await gather(data, user_id))[2]


HANDLERS = [
    CommandHandler("progress", show_progress),
    CallbackQueryHandler(answer_progress, pattern=pattern(Action.PROGRESS)),
]
