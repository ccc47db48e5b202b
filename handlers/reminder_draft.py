"""The reminder being set up in a /remind or /timezone conversation: its draft, the steps'
states, the confirmation and the save."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.ext import (
    ConversationHandler,
)

from background.reminder_job import schedule_dispatch
from core.context import BotData, Context
from handlers.common import STALE, Press, Said, on_message, on_press, text
from places.timeparse import format_days
from places.zones import zone_info
from reminders.schedule import days_from_mask
from services import reminders as units
from services.reminders import Outcome
from ui.payloads import Action, build

TIME, DAYS, ZONE, CONFIRM = range(4)


DRAFT = "reminder_draft"


def draft(context: Context) -> dict[str, Any]:
    """The reminder being set up in this conversation."""
    assert context.user_data is not None
    value = context.user_data.setdefault(DRAFT, {})
    assert isinstance(value, dict)
    return value


def local_now(data: BotData, zone: str) -> datetime:
    return data.now().astimezone(zone_info(zone))


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


@on_press(Action.REMIND, stale=ConversationHandler.END)
async def confirm_button(press: Press, step: str, choice: str) -> int:
    """Save the reminder, or cancel it."""
    query, context, language, chat_id = press.query, press.context, press.language, press.chat_id
    state = draft(context)
    if step != "c" or "days" not in state:
        await press.toast(STALE)
        return ConversationHandler.END
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    if choice != "save":
        state.clear()
        await context.bot.send_message(chat_id, text(context, language, "reminders.cancelled"))
        return ConversationHandler.END
    zone = await units.user_zone(context.bot_data.db, press.user_id)
    await save(
        context,
        chat_id,
        press.user_id,
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
    saved = await units.save(
        data.db,
        user_id=user_id,
        chat_id=chat_id,
        language=language,
        local_time=state["time"],
        days=state["days"],
        zone=zone,
        editing=state.get("editing"),
        now=data.now(),
        limit=data.settings.max_reminders_per_user,
    )
    if saved.outcome is Outcome.TOO_MANY or saved.due is None:
        await context.bot.send_message(
            chat_id, text(context, language, "reminders.too_many", count=saved.count)
        )
        state.clear()
        return
    due = saved.due
    state["days"] = saved.days
    schedule_dispatch(context.application, due)
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
