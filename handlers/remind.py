"""/remind: a daily reminder's time, then its days (then the zone, if unknown)."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.ext import (
    ConversationHandler,
)

from core.context import Context
from handlers.common import STALE, Press, Said, on_message, on_press, text
from handlers.reminder_draft import DAYS, TIME, ZONE, confirm_or_save, draft
from handlers.timezone import ask_zone
from places.timeparse import EVERY_DAY, WEEKDAYS, WEEKENDS, format_days, parse_days, parse_time
from reminders.schedule import mask_from_days
from services import reminders as units
from ui.payloads import Action, build

SUGGESTED_TIMES = ("07:00", "07:30", "08:00", "12:30", "18:00", "20:00")


DAY_FIELDS = frozenset(str(day) for day in range(7))  # the day buttons: 0 (Monday) to 6


@on_message(stale=ConversationHandler.END)
async def remind(said: Said) -> int:
    """/remind [time]: with a time, set a daily reminder at once; without, ask for one."""
    update, context, message, language = said.update, said.context, said.message, said.language
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


@on_press(Action.REMIND, stale=TIME)
async def time_button(press: Press, step: str, choice: str) -> int:
    """A suggested time, or "another time" (then typed)."""
    query, context, language, chat_id = press.query, press.context, press.language, press.chat_id
    offered = {value.replace(":", ""): value for value in SUGGESTED_TIMES}
    if step != "t" or (choice != "other" and choice not in offered):  # only a time offered
        await press.toast(STALE)
        return TIME
    await query.answer()
    if choice == "other":
        await context.bot.send_message(chat_id, text(context, language, "reminders.bad_time"))
        return TIME
    draft(context)["time"] = offered[choice]
    await query.edit_message_reply_markup(reply_markup=None)
    await ask_days(context, chat_id, language)
    return DAYS


@on_message(stale=TIME)
async def time_text(said: Said) -> int:
    context, message, language = said.context, said.message, said.language
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


@on_press(Action.REMIND, text_only=True, stale=DAYS)
async def days_button(press: Press, step: str, choice: str) -> int:
    """A preset set of days, a day toggled in the picker, or Done."""
    query, context, language, update = press.query, press.context, press.language, press.update
    state = draft(context)
    if step != "d" or "time" not in state:
        await press.toast(STALE)
        return DAYS
    await query.answer()
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
                press.chat_id, text(context, language, "reminders.bad_days")
            )
            return DAYS
        state["days"] = state["picked"]
    else:
        return DAYS
    await query.edit_message_reply_markup(reply_markup=None)
    return await after_days(update, context, language)


@on_message(stale=DAYS)
async def days_text(said: Said) -> int:
    update, context, message, language = said.update, said.context, said.message, said.language
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
    zone = await units.user_zone(context.bot_data.db, user.id)
    if zone is None:
        await ask_zone(context, chat.id, language, user.language_code)
        return ZONE
    return await confirm_or_save(context, chat.id, user.id, language, zone)
