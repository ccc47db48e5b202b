"""The reminder being set up in a /remind or /timezone conversation: its draft, the steps'
states, the confirmation and the save, and how a reminder is described."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from telegram import (
    ReplyKeyboardRemove,
)
from telegram.ext import (
    ConversationHandler,
)

from background.context import BotData, Context
from background.reminder_job import schedule_dispatch
from db.models import Reminder
from handlers.common import STALE, Press, Said, on_message, on_press, text
from places.timeparse import EVERY_DAY, When, format_date, format_days
from places.zones import zone_info
from reminders.schedule import days_from_mask, local_date, mask_from_days, one_off_due, parse_hhmm
from services import reminders as units
from services.reminders import Outcome, Saved, Wanted
from ui.keyboards import keyboard
from ui.payloads import RemindConfirm

TIME, DAYS, ZONE, CONFIRM, CHOOSE = range(5)


DRAFT = "reminder_draft"


def draft(context: Context) -> dict[str, Any]:
    """The reminder being set up in this conversation: "time" (HH:MM), "days" (a mask), "once"
    and "in_days" (a one-off and its day), "guessed" (morning or evening chosen by the rule),
    "quick" (/remind 7:30: save without asking), "editing" (the id of a reminder changed)."""
    assert context.user_data is not None
    value = context.user_data.setdefault(DRAFT, {})
    assert isinstance(value, dict)
    return value


def take(state: dict[str, Any], when: When) -> None:
    """Put what was typed into the draft: the time, and the days or a one-off's day if said."""
    state.update(time=when.at.strftime("%H:%M"), guessed=when.guessed)
    state.update(once=when.in_days is not None, in_days=when.in_days)
    if when.days:
        state.update(days=mask_from_days(when.days), said_days=True)
    elif when.in_days is not None:
        state["days"] = mask_from_days(EVERY_DAY)  # unused: a one-off's day is its date


def local_now(data: BotData, zone: str) -> datetime:
    return data.now().astimezone(zone_info(zone))


def days_words(context: Context, language: str, mask: int) -> str:
    return format_days(days_from_mask(mask), language, context.bot_data.content.time_words)


def date_words(context: Context, language: str, day: date) -> str:
    return format_date(day, language, context.bot_data.content.time_words)


def describe(context: Context, language: str, row: Reminder) -> str:
    """'07:30 · every day', or for a one-off '19:30 · once, Wed 25 Nov'."""
    if units.one_off(row) and row.next_due is not None:
        day = date_words(context, language, local_date(row.next_due, row.zone))
        return text(
            context, language, "reminders.list_once", time=row.local_time, date=day, state=""
        )
    days = days_words(context, language, row.days)
    return text(context, language, "reminders.list_item", time=row.local_time, days=days, state="")


def other_half(local_time: str) -> str:
    """The same time in the other half of the day: 07:30 <-> 19:30."""
    at = parse_hhmm(local_time)
    return f"{(at.hour + 12) % 24:02d}:{at.minute:02d}"


def wanted(state: dict[str, Any]) -> Wanted:
    """The draft as the service takes it."""
    return Wanted(state["time"], state["days"], bool(state.get("once")), state.get("in_days"))


async def confirm_or_save(
    context: Context, chat_id: int, user_id: int, language: str, zone: str
) -> int:
    """Save at once (/remind 7:30), or show what was understood and ask: a time said in words
    on the 12-hour clock is always shown first, with one tap to the other half of the day."""
    state = draft(context)
    if state.get("quick") and not state.get("guessed"):
        await save(context, chat_id, user_id, language, zone)
        return ConversationHandler.END
    choices = [("reminders.save", "save"), ("reminders.cancel", "cancel")]
    buttons = [(text(context, language, key), RemindConfirm("c", op)) for key, op in choices]
    lines = [confirm_question(context, language, zone)]
    rows = [buttons]
    if state.get("guessed"):
        other = other_half(state["time"])
        lines.append(text(context, language, "reminders.guessed", time=state["time"], other=other))
        flip = text(context, language, "reminders.flip", time=other)
        rows.insert(0, [(flip, RemindConfirm("c", "flip"))])
    await context.bot.send_message(chat_id, "\n".join(lines), reply_markup=keyboard(rows))
    return CONFIRM


def confirm_question(context: Context, language: str, zone: str) -> str:
    state = draft(context)
    if not state.get("once"):
        days = days_words(context, language, state["days"])
        return text(
            context, language, "reminders.confirm", time=state["time"], days=days, zone=zone
        )
    due = one_off_due(state["time"], zone, context.bot_data.now(), state.get("in_days"))
    day = local_date(due, zone) if due is not None else local_now(context.bot_data, zone).date()
    return text(
        context,
        language,
        "reminders.confirm_once",
        time=state["time"],
        date=date_words(context, language, day),
        zone=zone,
    )


# on_screen: after "19:30 instead" the first question's buttons are gone; a late tap on them is
# stale, not a save of what it no longer shows.
@on_press(RemindConfirm, on_screen=True, stale=ConversationHandler.END)
async def confirm_button(press: Press, step: str, choice: str) -> int:
    """Save the reminder, cancel it, or take the other half of the day (07:30 -> 19:30)."""
    state = draft(press.context)
    if step != "c" or "days" not in state:
        await press.toast(STALE)
        return ConversationHandler.END
    await press.query.answer()
    await press.query.edit_message_reply_markup(reply_markup=None)
    zone = await units.user_zone(press.context.bot_data.db, press.user_id)
    zone = zone or press.context.bot_data.settings.default_timezone
    if choice == "flip":
        state.update(time=other_half(state["time"]), guessed=False, quick=False)
        return await confirm_or_save(
            press.context, press.chat_id, press.user_id, press.language, zone
        )
    if choice != "save":
        state.clear()
        await press.reply("reminders.cancelled")
        return ConversationHandler.END
    await save(press.context, press.chat_id, press.user_id, press.language, zone)
    return ConversationHandler.END


async def save(context: Context, chat_id: int, user_id: int, language: str, zone: str) -> None:
    """Store the draft as a new reminder (or as the change of an existing one), and say in
    words what happened: set, changed, joined to the one at the same time, or held."""
    data = context.bot_data
    state = draft(context)
    saved = await units.save(
        data.db,
        user_id=user_id,
        chat_id=chat_id,
        language=language,
        wanted=wanted(state),
        zone=zone,
        editing=state.get("editing"),
        now=data.now(),
        limit=data.settings.max_reminders_per_user,
    )
    if saved.due is not None:
        schedule_dispatch(context.application, saved.due)
    message = saved_words(context, language, state, saved, zone)
    await context.bot.send_message(chat_id, message)
    state.clear()


def saved_words(
    context: Context, language: str, state: dict[str, Any], saved: Saved, zone: str
) -> str:
    """What the save did, in words."""
    at = state["time"]
    if saved.outcome is Outcome.TOO_MANY:
        return text(context, language, "reminders.too_many", count=saved.count)
    if saved.outcome is Outcome.PASSED or saved.due is None:
        return text(context, language, "reminders.passed", time=at)
    local = saved.due.astimezone(zone_info(zone))
    day = date_words(context, language, local.date())
    days = days_words(context, language, saved.days)
    if saved.once:
        key = "once_held" if saved.held else "once_saved"
        key = "once_already" if saved.merged else key
        main = text(context, language, f"reminders.{key}", time=at, date=day)
    elif saved.merged and saved.before != saved.days:
        before = days_words(context, language, saved.before)
        main = text(context, language, "reminders.merged", time=at, before=before, after=days)
    elif saved.merged:
        main = text(context, language, "reminders.already", time=at, days=days)
    elif saved.held:
        main = text(context, language, "reminders.saved_held", time=at, days=days)
    else:
        key = "reminders.changed" if state.get("editing") else "reminders.saved"
        main = text(context, language, key, time=at, days=days, next=f"{day} {local:%H:%M}")
    if not saved.held:
        return main + "\n" + text(context, language, "reminders.see_all")
    note = "reminders.once_held_note" if saved.once else "reminders.held_note"
    return main + "\n" + text(context, language, note)


@on_message(stale=ConversationHandler.END)
async def cancel(said: Said) -> int:
    """/cancel: leave the flow without saving."""
    context, message, language = said.context, said.message, said.language
    draft(context).clear()
    if message is not None:
        await message.reply_text(
            text(context, language, "reminders.cancelled"), reply_markup=ReplyKeyboardRemove()
        )
    return ConversationHandler.END


@on_message()
async def not_understood(said: Said) -> int | None:
    """A sticker or photo where text was expected: say what works, stay in the same step."""
    context, message, language = said.context, said.message, said.language
    if message is not None:
        await message.reply_text(text(context, language, "reminders.bad_time"))
    return None
