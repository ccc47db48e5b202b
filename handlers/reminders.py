"""/remind, /reminders and /timezone: setting daily reminders in the user's own time zone."""

from __future__ import annotations

import html
import logging
import warnings
from datetime import datetime
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from core.context import BotData, Context
from db import reminders as store
from db.users import get_or_create_user, get_user, set_timezone
from handlers.common import language_of, on_text_message, text
from handlers.nudges import schedule_dispatch
from handlers.payloads import Action, build, number, parse, pattern
from reminders.dispatcher import days_from_mask, first_due, mask_from_days
from reminders.schedule import EVERY_DAY, WEEKDAYS, WEEKENDS
from reminders.timeparse import format_days, format_time, parse_days, parse_time
from reminders.zones import resolve_zone, suggest_zones, zone_from_location, zone_info

logger = logging.getLogger(__name__)

TIME, DAYS, ZONE, CONFIRM = range(4)
SUGGESTED_TIMES = ("07:00", "07:30", "08:00", "12:30", "18:00", "20:00")
DRAFT = "reminder_draft"
DAY_FIELDS = frozenset(str(day) for day in range(7))  # the day buttons: 0 (Monday) to 6
PAGE_SIZE = 5  # reminders per page of /reminders: 3 buttons each, well within Telegram's limits


def draft(context: Context) -> dict[str, Any]:
    """The reminder being set up in this conversation."""
    assert context.user_data is not None
    value = context.user_data.setdefault(DRAFT, {})
    assert isinstance(value, dict)
    return value


async def user_zone(data: BotData, user_id: int) -> str | None:
    """The user's stored time zone, if they set one."""
    async with data.db() as session:
        user = await get_user(session, user_id)
    return user.timezone if user else None


def local_now(data: BotData, zone: str) -> datetime:
    return data.now().astimezone(zone_info(zone))


# --- the /remind conversation -------------------------------------------------------------


async def remind(update: Update, context: Context) -> int:
    """/remind [time]: with a time, set a daily reminder at once; without, ask for one."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return ConversationHandler.END
    language = await language_of(update, context)
    state = draft(context)
    state.clear()
    if context.args:
        parsed = parse_time(" ".join(context.args), context.bot_data.content.time_words)
        if parsed is None:
            await message.reply_text(text(context, language, "reminders.bad_time"))
            return ConversationHandler.END
        state.update(time=parsed.strftime("%H:%M"), days=mask_from_days(EVERY_DAY), quick=True)
        return await after_days(update, context, language)
    await ask_time(context, message.chat_id, language)
    return TIME


async def ask_time(context: Context, chat_id: int, language: str) -> None:
    rows = [
        [
            InlineKeyboardButton(
                value, callback_data=build(Action.REMIND, "t", value.replace(":", ""))
            )
            for value in SUGGESTED_TIMES[start : start + 3]
        ]
        for start in (0, 3)
    ]
    rows.append(
        [
            InlineKeyboardButton(
                text(context, language, "reminders.other_time"),
                callback_data=build(Action.REMIND, "t", "other"),
            )
        ]
    )
    await context.bot.send_message(
        chat_id,
        text(context, language, "reminders.ask_time"),
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def time_button(update: Update, context: Context) -> int:
    query = update.callback_query
    assert query is not None and query.message is not None
    language = await language_of(update, context)
    fields = parse(query.data, Action.REMIND)
    if not fields or len(fields) != 2 or fields[0] != "t":
        await query.answer(text(context, language, "fallback.stale_button"))
        return TIME
    offered = {value.replace(":", ""): value for value in SUGGESTED_TIMES}
    if fields[1] != "other" and fields[1] not in offered:  # only a time the bot offered
        await query.answer(text(context, language, "fallback.stale_button"))
        return TIME
    await query.answer()
    if fields[1] == "other":
        await context.bot.send_message(
            query.message.chat.id, text(context, language, "reminders.bad_time")
        )
        return TIME
    draft(context)["time"] = offered[fields[1]]
    await query.edit_message_reply_markup(reply_markup=None)
    await ask_days(context, query.message.chat.id, language)
    return DAYS


async def time_text(update: Update, context: Context) -> int:
    message = update.effective_message
    assert message is not None
    language = await language_of(update, context)
    parsed = parse_time(message.text or "", context.bot_data.content.time_words)
    if parsed is None:
        await message.reply_text(text(context, language, "reminders.bad_time"))
        return TIME
    draft(context)["time"] = parsed.strftime("%H:%M")
    await ask_days(context, message.chat_id, language)
    return DAYS


def days_keyboard(context: Context, language: str, picked: int | None) -> InlineKeyboardMarkup:
    if picked is None:
        options = (
            ("all", "every_day"),
            ("wd", "weekdays"),
            ("we", "weekends"),
            ("pick", "choose_days"),
        )
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        text(context, language, f"reminders.{key}"),
                        callback_data=build(Action.REMIND, "d", value),
                    )
                ]
                for value, key in options
            ]
        )
    names = [
        format_days(frozenset({day}), language, context.bot_data.content.time_words)
        for day in range(7)
    ]
    row = [
        InlineKeyboardButton(
            ("✓" if picked & (1 << day) else "") + names[day],
            callback_data=build(Action.REMIND, "d", str(day)),
        )
        for day in range(7)
    ]
    return InlineKeyboardMarkup(
        [
            row[:4],
            row[4:],
            [
                InlineKeyboardButton(
                    text(context, language, "reminders.days_done"),
                    callback_data=build(Action.REMIND, "d", "done"),
                )
            ],
        ]
    )


async def ask_days(context: Context, chat_id: int, language: str) -> None:
    await context.bot.send_message(
        chat_id,
        text(context, language, "reminders.ask_days"),
        reply_markup=days_keyboard(context, language, None),
    )


async def days_button(update: Update, context: Context) -> int:
    query = update.callback_query
    assert query is not None and query.message is not None
    language = await language_of(update, context)
    fields = parse(query.data, Action.REMIND)
    state = draft(context)
    if (
        not fields
        or len(fields) != 2
        or fields[0] != "d"
        or "time" not in state
        or not on_text_message(query)
    ):
        await query.answer(text(context, language, "fallback.stale_button"))
        return DAYS
    await query.answer()
    choice = fields[1]
    presets = {"all": EVERY_DAY, "wd": WEEKDAYS, "we": WEEKENDS}
    if choice in presets:
        state["days"] = mask_from_days(presets[choice])
    elif choice == "pick" or choice in DAY_FIELDS:
        picked = state.get("picked", 0) if choice != "pick" else 0
        if choice != "pick":
            picked ^= 1 << int(choice)
        state["picked"] = picked
        await query.edit_message_text(
            text(context, language, "reminders.pick_days"),
            reply_markup=days_keyboard(context, language, picked),
        )
        return DAYS
    elif choice == "done":
        if not state.get("picked"):
            await context.bot.send_message(
                query.message.chat.id, text(context, language, "reminders.bad_days")
            )
            return DAYS
        state["days"] = state["picked"]
    else:
        return DAYS
    await query.edit_message_reply_markup(reply_markup=None)
    return await after_days(update, context, language)


async def days_text(update: Update, context: Context) -> int:
    message = update.effective_message
    assert message is not None
    language = await language_of(update, context)
    days = parse_days(message.text or "", context.bot_data.content.time_words)
    if not days:
        await message.reply_text(text(context, language, "reminders.bad_days"))
        return DAYS
    draft(context)["days"] = mask_from_days(days)
    return await after_days(update, context, language)


async def after_days(update: Update, context: Context, language: str) -> int:
    """Ask for the time zone if it is unknown, else confirm (or save at once for /remind 7:30)."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    zone = await user_zone(context.bot_data, user.id)
    if zone is None:
        await ask_zone(context, chat.id, language, user.language_code)
        return ZONE
    return await confirm_or_save(context, chat.id, user.id, language, zone)


async def confirm_or_save(
    context: Context, chat_id: int, user_id: int, language: str, zone: str
) -> int:
    state = draft(context)
    if state.get("quick"):
        await save(context, chat_id, user_id, language, zone)
        return ConversationHandler.END
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    text(context, language, "reminders.save"),
                    callback_data=build(Action.REMIND, "c", "save"),
                ),
                InlineKeyboardButton(
                    text(context, language, "reminders.cancel"),
                    callback_data=build(Action.REMIND, "c", "cancel"),
                ),
            ]
        ]
    )
    await context.bot.send_message(
        chat_id,
        text(
            context,
            language,
            "reminders.confirm",
            time=state["time"],
            days=format_days(
                days_from_mask(state["days"]), language, context.bot_data.content.time_words
            ),
            zone=zone,
        ),
        reply_markup=buttons,
    )
    return CONFIRM


async def confirm_button(update: Update, context: Context) -> int:
    query = update.callback_query
    assert query is not None and query.message is not None
    language = await language_of(update, context)
    fields = parse(query.data, Action.REMIND)
    state = draft(context)
    if not fields or len(fields) != 2 or fields[0] != "c" or "days" not in state:
        await query.answer(text(context, language, "fallback.stale_button"))
        return ConversationHandler.END
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    if fields[1] != "save":
        state.clear()
        await context.bot.send_message(
            query.message.chat.id, text(context, language, "reminders.cancelled")
        )
        return ConversationHandler.END
    zone = await user_zone(context.bot_data, query.from_user.id)
    await save(
        context,
        query.message.chat.id,
        query.from_user.id,
        language,
        zone or context.bot_data.settings.default_timezone,
    )
    return ConversationHandler.END


async def save(context: Context, chat_id: int, user_id: int, language: str, zone: str) -> None:
    """Store the draft as a new reminder (or as the change of an existing one).

    A reminder at the same time in the same zone as another is merged into it (their days
    joined), and a person has at most MAX_REMINDERS_PER_USER reminders.
    """
    data = context.bot_data
    state = draft(context)
    now = context.bot_data.now()
    async with data.db() as session:
        await get_or_create_user(session, user_id, language)
        editing = state.get("editing")
        rows = await store.user_reminders(session, user_id)
        row = next((r for r in rows if editing is not None and r.id == editing), None)
        twin = next(
            (r for r in rows if r is not row and (r.local_time, r.zone) == (state["time"], zone)),
            None,
        )
        if twin is not None:
            state["days"] |= twin.days
            if row is not None:
                await store.delete_reminder(session, row)
            row = twin
        if row is None and len(rows) >= data.settings.max_reminders_per_user:
            await session.rollback()  # no transaction held across a Telegram call
            await context.bot.send_message(
                chat_id,
                text(context, language, "reminders.too_many", count=len(rows)),
            )
            state.clear()
            return
        due = first_due(state["time"], state["days"], zone, now)
        if row is not None:
            row.local_time, row.days, row.zone = state["time"], state["days"], zone
            row.enabled, row.next_due = True, due
        else:
            await store.add_reminder(
                session,
                user_id=user_id,
                chat_id=chat_id,
                local_time=state["time"],
                days=state["days"],
                zone=zone,
                next_due=due,
            )
        await session.commit()
    schedule_dispatch(context.application, due)
    logger.info("user %s set a reminder%s", user_id, " (merged)" if twin is not None else "")
    await context.bot.send_message(
        chat_id,
        text(
            context,
            language,
            "reminders.saved",
            time=state["time"],
            days=format_days(
                days_from_mask(state["days"]), language, context.bot_data.content.time_words
            ),
            next=due.astimezone(zone_info(zone)).strftime("%Y-%m-%d %H:%M"),
        ),
    )
    state.clear()


async def cancel(update: Update, context: Context) -> int:
    """/cancel: leave the flow without saving."""
    message = update.effective_message
    language = await language_of(update, context)
    draft(context).clear()
    if message is not None:
        await message.reply_text(
            text(context, language, "reminders.cancelled"), reply_markup=ReplyKeyboardRemove()
        )
    return ConversationHandler.END


async def not_understood(update: Update, context: Context) -> int | None:
    """A sticker or photo where text was expected: say what works, stay in the same step."""
    message = update.effective_message
    language = await language_of(update, context)
    if message is not None:
        await message.reply_text(text(context, language, "reminders.bad_time"))
    return None


# --- time zone -------------------------------------------------------------------------------


async def ask_zone(
    context: Context, chat_id: int, language: str, language_code: str | None
) -> None:
    """Share location (reply keyboard), pick a suggestion, or type a city, zone or offset."""
    await context.bot.send_message(
        chat_id,
        text(context, language, "timezone.ask"),
        reply_markup=ReplyKeyboardMarkup(
            [
                [
                    KeyboardButton(
                        text(context, language, "timezone.share_location"), request_location=True
                    )
                ]
            ],
            resize_keyboard=True,
            one_time_keyboard=True,
        ),
    )
    suggestions = suggest_zones(language_code)
    await context.bot.send_message(
        chat_id,
        "🌍",
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(zone, callback_data=build(Action.ZONE, zone))]
                for zone in suggestions
            ]
        ),
    )


async def timezone(update: Update, context: Context) -> int:
    """/timezone [name]: set the zone at once, or ask for it."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return ConversationHandler.END
    language = await language_of(update, context)
    draft(context).clear()
    if context.args:
        zone = resolve_zone(" ".join(context.args))
        if zone is None:
            await message.reply_text(text(context, language, "timezone.not_found"))
            return ConversationHandler.END
        await apply_zone(context, message.chat_id, user.id, language, zone)
        return ConversationHandler.END
    current = await user_zone(context.bot_data, user.id)
    if current:
        await message.reply_text(text(context, language, "timezone.current", zone=current))
    await ask_zone(context, message.chat_id, language, user.language_code)
    return ZONE


async def apply_zone(context: Context, chat_id: int, user_id: int, language: str, zone: str) -> int:
    """Store the zone, move reminders to it (same local times), continue a pending reminder."""
    data = context.bot_data
    now = context.bot_data.now()
    async with data.db() as session:
        await set_timezone(session, user_id, zone, language)
        await store.rezone_reminders(
            session, user_id, zone, lambda row: first_due(row.local_time, row.days, zone, now)
        )
        await session.commit()
        earliest = await store.earliest_due(session)
    schedule_dispatch(context.application, earliest)
    await context.bot.send_message(
        chat_id,
        text(
            context,
            language,
            "timezone.set",
            zone=html.escape(zone),
            time=format_time(local_now(data, zone).time(), language),
        ),
        reply_markup=ReplyKeyboardRemove(),
    )
    if "days" in draft(context):
        return await confirm_or_save(context, chat_id, user_id, language, zone)
    return ConversationHandler.END


async def zone_button(update: Update, context: Context) -> int:
    query = update.callback_query
    assert query is not None and query.message is not None
    language = await language_of(update, context)
    fields = parse(query.data, Action.ZONE)
    zone = resolve_zone(fields[0]) if fields else None
    if zone is None:
        await query.answer(text(context, language, "fallback.stale_button"))
        return ZONE
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    return await apply_zone(context, query.message.chat.id, query.from_user.id, language, zone)


async def zone_location(update: Update, context: Context) -> int:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.location is not None
    language = await language_of(update, context)
    zone = zone_from_location(message.location.latitude, message.location.longitude)
    if zone is None:
        await message.reply_text(text(context, language, "timezone.not_found"))
        return ZONE
    return await apply_zone(context, message.chat_id, user.id, language, zone)


async def zone_text(update: Update, context: Context) -> int:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    language = await language_of(update, context)
    zone = resolve_zone(message.text or "")
    if zone is None:
        await message.reply_text(text(context, language, "timezone.not_found"))
        return ZONE
    return await apply_zone(context, message.chat_id, user.id, language, zone)


# --- /reminders ------------------------------------------------------------------------------


async def list_reminders(update: Update, context: Context) -> None:
    """/reminders: each reminder with pause/resume, change and delete buttons."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    language = await language_of(update, context)
    await send_list(context, message.chat_id, user.id, language)


async def send_list(
    context: Context,
    chat_id: int,
    user_id: int,
    language: str,
    edit_message_id: int | None = None,
    page: int = 0,
) -> None:
    """The list, PAGE_SIZE reminders a page, so it always fits Telegram's limits."""
    data = context.bot_data
    async with data.db() as session:
        user = await get_user(session, user_id)
        all_rows = await store.user_reminders(session, user_id)
    pages = max(1, -(-len(all_rows) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    rows = all_rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    if not rows:
        body, markup = text(context, language, "reminders.list_empty"), None
    else:
        zone = user.timezone if user and user.timezone else data.settings.default_timezone
        lines = [text(context, language, "reminders.list_title", zone=zone)]
        buttons = []
        for row in rows:
            state = "" if row.enabled else text(context, language, "reminders.state_paused")
            lines.append(
                text(
                    context,
                    language,
                    "reminders.list_item",
                    time=row.local_time,
                    days=format_days(
                        days_from_mask(row.days), language, context.bot_data.content.time_words
                    ),
                    state=state,
                )
            )
            toggle = "resume" if not row.enabled else "pause"
            buttons.append(
                [
                    InlineKeyboardButton(
                        text(context, language, f"reminders.button_{toggle}", time=row.local_time),
                        callback_data=build(Action.REMINDER, row.id, toggle),
                    ),
                    InlineKeyboardButton(
                        text(context, language, "reminders.button_change", time=row.local_time),
                        callback_data=build(Action.REMINDER, row.id, "change"),
                    ),
                    InlineKeyboardButton(
                        text(context, language, "reminders.button_delete", time=row.local_time),
                        callback_data=build(Action.REMINDER, row.id, "delete"),
                    ),
                ]
            )
        if pages > 1:
            lines.append(text(context, language, "reminders.page", page=page + 1, pages=pages))
            buttons.append(
                [
                    InlineKeyboardButton(
                        text(context, language, f"reminders.page_{name}"),
                        callback_data=build(Action.REMINDER, "page", target % pages),
                    )
                    for name, target in (("prev", page - 1), ("next", page + 1))
                ]
            )
        paused = bool(user and user.reminders_paused)
        if paused:
            lines.append(text(context, language, "reminders.all_paused"))
        everything = "resume_all" if paused else "pause_all"
        buttons.append(
            [
                InlineKeyboardButton(
                    text(context, language, f"reminders.button_{everything}"),
                    callback_data=build(Action.REMINDER, "all", everything),
                )
            ]
        )
        body, markup = "\n".join(lines), InlineKeyboardMarkup(buttons)
    if edit_message_id is not None:
        await context.bot.edit_message_text(body, chat_id, edit_message_id, reply_markup=markup)
    else:
        await context.bot.send_message(chat_id, body, reply_markup=markup)


async def manage(update: Update, context: Context) -> int | None:
    """Buttons of the /reminders list; 'change' re-enters the /remind flow."""
    query = update.callback_query
    assert query is not None and query.message is not None
    data = context.bot_data
    language = await language_of(update, context)
    fields = parse(query.data, Action.REMINDER)
    user_id, chat_id = query.from_user.id, query.message.chat.id
    if not fields or len(fields) != 2 or not on_text_message(query):  # the list is edited
        await query.answer(text(context, language, "fallback.stale_button"))
        return None
    target, op = fields
    now = context.bot_data.now()
    page = number(op)
    if target == "page" and page is not None:
        await query.answer()
        await send_list(context, chat_id, user_id, language, query.message.message_id, page)
        return None
    reminder_id = number(target)
    if target != "all" and reminder_id is None:
        await query.answer(text(context, language, "fallback.stale_button"))
        return None
    if target == "all":
        if op not in ("pause_all", "resume_all"):
            await query.answer(text(context, language, "fallback.stale_button"))
            return None
        async with data.db() as session:
            await store.set_paused(session, user_id, op == "pause_all")
            await session.commit()
        await query.answer(
            text(
                context,
                language,
                "reminders.paused" if op == "pause_all" else "reminders.resumed",
            )
        )
        await send_list(context, chat_id, user_id, language, query.message.message_id)
        return None
    async with data.db() as session:
        row = await store.get_reminder(session, reminder_id) if reminder_id is not None else None
        if row is None or row.user_id != user_id:
            await session.rollback()  # no transaction held across a Telegram call
            await query.answer(text(context, language, "reminders.old"))
            return None
        if op == "delete":
            await store.delete_reminder(session, row)
            toast = "reminders.deleted"
        elif op == "pause":
            row.enabled, row.next_due = False, None
            toast = "reminders.paused"
        elif op == "resume":
            row.enabled = True
            row.next_due = first_due(row.local_time, row.days, row.zone, now)
            toast = "reminders.resumed"
        elif op == "change":
            reminder_id = row.id
            await session.rollback()  # no transaction held across a Telegram call
            await query.answer()
            state = draft(context)
            state.clear()
            state["editing"] = reminder_id
            await ask_time(context, chat_id, language)
            return TIME
        else:
            await session.rollback()
            await query.answer(text(context, language, "fallback.stale_button"))
            return None
        await session.commit()
        earliest = await store.earliest_due(session)
    schedule_dispatch(context.application, earliest)
    await query.answer(text(context, language, toast))
    await send_list(context, chat_id, user_id, language, query.message.message_id)
    return None


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
            CallbackQueryHandler(manage, pattern=pattern(Action.REMINDER)),
        ],
        states={
            TIME: [
                CallbackQueryHandler(time_button, pattern=pattern(Action.REMIND)),
                MessageHandler(typed, time_text),
                MessageHandler(other, not_understood),
            ],
            DAYS: [
                CallbackQueryHandler(days_button, pattern=pattern(Action.REMIND)),
                MessageHandler(typed, days_text),
                MessageHandler(other, not_understood),
            ],
            ZONE: [
                CallbackQueryHandler(zone_button, pattern=pattern(Action.ZONE)),
                MessageHandler(filters.LOCATION, zone_location),
                MessageHandler(typed, zone_text),
            ],
            CONFIRM: [CallbackQueryHandler(confirm_button, pattern=pattern(Action.REMIND))],
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
