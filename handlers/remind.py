"""/remind: with reminders already set, add another or change one; then the time (typed in
digits or words, with days or a one-off day), the days, the zone if unknown, and the save."""

from __future__ import annotations

from typing import Any

from telegram.ext import ConversationHandler

from background.context import Context
from handlers.common import STALE, Press, Said, on_message, on_press, text
from handlers.reminder_days import after_days, ask_days
from handlers.reminder_draft import CHOOSE, DAYS, TIME, describe, draft, take
from places.timeparse import EVERY_DAY, parse_when
from reminders.schedule import local_date, mask_from_days
from services import reminders as units
from services.reminders import Listing
from ui.keyboards import keyboard
from ui.payloads import RemindEdit, RemindTime

SUGGESTED_TIMES = ("07:00", "07:30", "08:00", "12:30", "18:00", "20:00")


@on_message(stale=ConversationHandler.END)
async def remind(said: Said) -> int:
    """/remind [when]: with reminders already set, ask to add another or change one; else with
    a time ("7:30", "half past seven", "tomorrow at 8pm") set it at once; without, ask for one."""
    update, context, message, language = said.update, said.context, said.message, said.language
    state = draft(context)
    state.clear()
    found = await units.listing(context.bot_data.db, said.user.id)
    if not context.args:
        if found.rows:
            await ask_add_or_change(context, message.chat_id, language, found)
            return CHOOSE
        await ask_time(context, message.chat_id, language)
        return TIME
    when = parse_when(" ".join(context.args), context.bot_data.content.time_words)
    if when is None:
        await message.reply_text(text(context, language, "reminders.bad_time"))
        return ConversationHandler.END
    take(state, when)
    state.setdefault("days", mask_from_days(EVERY_DAY))
    state["quick"] = True
    same_time = any(
        row.local_time == state["time"] and not units.one_off(row) for row in found.rows
    )
    if found.rows and not state["once"] and not same_time:  # a merge needs no question
        await ask_add_or_change(context, message.chat_id, language, found)
        return CHOOSE
    return await after_days(update, context, language)


async def ask_add_or_change(context: Context, chat_id: int, language: str, found: Listing) -> None:
    """The reminders already set, and a button to add another or to change each one (to the
    time typed with /remind, if one was)."""
    typed = draft(context).get("time")
    lines = [text(context, language, "reminders.existing")]
    lines += [describe(context, language, row) for row in found.rows]
    add = text(context, language, "reminders.add_time" if typed else "reminders.add", time=typed)
    rows = [[(add, RemindEdit("e", "add"))]]
    times = [row.local_time for row in found.rows]
    for row in found.rows:
        key = "reminders.change_to" if typed else "reminders.change_one"
        # A daily reminder and a one-off at the same time are told apart by their days.
        name = (
            row.local_time if times.count(row.local_time) == 1 else describe(context, language, row)
        )
        label = text(context, language, key, time=name, new=typed)
        rows.append([(label, RemindEdit("e", row.id))])
    lines.append(text(context, language, "reminders.add_or_change"))
    await context.bot.send_message(chat_id, "\n".join(lines), reply_markup=keyboard(rows))


@on_press(RemindEdit, on_screen=True, stale=CHOOSE)
async def choose_button(press: Press, step: str, choice: int | str) -> int:
    """Add another reminder, or change the one pressed."""
    state = draft(press.context)
    if step != "e":
        await press.toast(STALE)
        return CHOOSE
    if choice != "add":
        found = await units.listing(press.context.bot_data.db, press.user_id)
        chosen = next((row for row in found.rows if row.id == choice), None)
        if chosen is None:
            await press.toast("reminders.old")
            return CHOOSE
        state["editing"] = chosen.id
        if "time" in state and not state.get("said_days") and not state.get("once"):
            # "/remind 8:00", change 07:30: the same days (a one-off: the same day) at 08:00
            state["days"] = chosen.days
            if units.one_off(chosen) and chosen.next_due is not None:
                today = local_date(press.context.bot_data.now(), chosen.zone)
                ahead = (local_date(chosen.next_due, chosen.zone) - today).days
                state.update(once=True, in_days=max(ahead, 0))
    await press.toast()
    await press.query.edit_message_reply_markup(reply_markup=None)
    if "time" in state:
        return await after_days(press.update, press.context, press.language)
    await ask_time(press.context, press.chat_id, press.language)
    return TIME


async def ask_time(context: Context, chat_id: int, language: str) -> None:
    rows = [
        [
            (value, RemindTime("t", value.replace(":", "")))
            for value in SUGGESTED_TIMES[start : start + 3]
        ]
        for start in (0, 3)
    ]
    rows.append([(text(context, language, "reminders.other_time"), RemindTime("t", "other"))])
    await context.bot.send_message(
        chat_id,
        text(context, language, "reminders.ask_time"),
        reply_markup=keyboard(rows),
    )


@on_press(RemindTime, stale=TIME)
async def time_button(press: Press, step: str, choice: str) -> int:
    """A suggested time, or "another time" (then it asks for one to be typed)."""
    offered = {value.replace(":", ""): value for value in SUGGESTED_TIMES}
    if step != "t" or (choice != "other" and choice not in offered):  # only a time offered
        await press.toast(STALE)
        return TIME
    await press.query.answer()
    if choice == "other":
        await press.reply("reminders.type_time")
        return TIME
    draft(press.context)["time"] = offered[choice]
    await press.query.edit_message_reply_markup(reply_markup=None)
    await ask_days(press.context, press.chat_id, press.language)
    return DAYS


@on_message(stale=TIME)
async def time_text(said: Said) -> int:
    """A typed time; with days or a one-off day in it ("every day at 8", "tomorrow 7:30"), the
    days are not asked."""
    update, context, message, language = said.update, said.context, said.message, said.language
    when = parse_when(message.text or "", context.bot_data.content.time_words)
    if when is None:
        await message.reply_text(text(context, language, "reminders.bad_time"))
        return TIME
    state: dict[str, Any] = draft(context)
    take(state, when)
    if "days" in state:
        return await after_days(update, context, language)
    await ask_days(context, message.chat_id, language)
    return DAYS
