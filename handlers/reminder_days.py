"""The days of a reminder being set up: every day, weekdays, weekends, just once, or picked;
then the zone if it is unknown, and the confirmation."""

from __future__ import annotations

from telegram import Update

from background.context import Context
from handlers.common import STALE, Press, Said, on_message, on_press, text
from handlers.reminder_draft import DAYS, ZONE, confirm_or_save, days_words, draft
from handlers.timezone import ask_zone
from places.timeparse import EVERY_DAY, WEEKDAYS, WEEKENDS, parse_days
from reminders.schedule import mask_from_days
from services import reminders as units
from ui.keyboards import Keyboard, keyboard
from ui.payloads import RemindDays

DAY_FIELDS = frozenset(str(day) for day in range(7))  # the day buttons: 0 (Monday) to 6
PRESETS = {"all": EVERY_DAY, "wd": WEEKDAYS, "we": WEEKENDS}


def days_keyboard(context: Context, language: str, picked: int | None) -> Keyboard:
    if picked is None:
        options = (
            ("all", "every_day"),
            ("wd", "weekdays"),
            ("we", "weekends"),
            ("once", "just_once"),
            ("pick", "choose_days"),
        )
        return keyboard(
            [
                [(text(context, language, f"reminders.{key}"), RemindDays("d", value))]
                for value, key in options
            ]
        )
    names = [days_words(context, language, 1 << day) for day in range(7)]
    row = [
        (("✓" if picked & (1 << day) else "") + names[day], RemindDays("d", str(day)))
        for day in range(7)
    ]
    return keyboard(
        [
            row[:4],
            row[4:],
            [(text(context, language, "reminders.days_done"), RemindDays("d", "done"))],
        ]
    )


async def ask_days(context: Context, chat_id: int, language: str) -> None:
    await context.bot.send_message(
        chat_id,
        text(context, language, "reminders.ask_days"),
        reply_markup=days_keyboard(context, language, None),
    )


@on_press(RemindDays, text_only=True, stale=DAYS)
async def days_button(press: Press, step: str, choice: str) -> int:
    """A preset set of days, just once, a day toggled in the picker, or Done."""
    state = draft(press.context)
    if step != "d" or "time" not in state:
        await press.toast(STALE)
        return DAYS
    await press.query.answer()
    if choice in PRESETS:
        state["days"] = mask_from_days(PRESETS[choice])
    elif choice == "once":  # the next time it comes: today if still ahead, else tomorrow
        state.update(days=mask_from_days(EVERY_DAY), once=True, in_days=None)
    elif choice == "pick" or choice in DAY_FIELDS:
        picked = state.get("picked", 0) if choice != "pick" else 0
        if choice != "pick":
            picked ^= 1 << int(choice)
        state["picked"] = picked
        await press.edit(
            press.text("reminders.pick_days"), days_keyboard(press.context, press.language, picked)
        )
        return DAYS
    elif choice == "done":
        if not state.get("picked"):
            await press.reply("reminders.bad_days")
            return DAYS
        state["days"] = state["picked"]
    else:
        return DAYS
    await press.query.edit_message_reply_markup(reply_markup=None)
    return await after_days(press.update, press.context, press.language)


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
