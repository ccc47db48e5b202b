"""/timezone: the user's zone by name, city, offset or location; reminders follow it."""

from __future__ import annotations

import html

from telegram import (
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.ext import (
    ConversationHandler,
)

from background.context import Context
from background.reminder_job import schedule_dispatch
from handlers.common import STALE, Press, Said, on_message, on_press, text
from handlers.reminder_draft import ZONE, confirm_or_save, draft, local_now
from places.timeparse import format_time
from places.zones import resolve_zone, suggest_zones, zone_from_location
from services import reminders as units
from ui.keyboards import keyboard
from ui.payloads import Zone


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
        reply_markup=keyboard([[(zone, Zone(zone))] for zone in suggestions]),
    )


@on_message(stale=ConversationHandler.END)
async def timezone(said: Said) -> int:
    """/timezone [name]: set the zone at once, or ask for it."""
    context, message, user, language = said.context, said.message, said.user, said.language
    draft(context).clear()
    if context.args:
        zone = resolve_zone(" ".join(context.args))
        if zone is None:
            await message.reply_text(text(context, language, "timezone.not_found"))
            return ConversationHandler.END
        await apply_zone(context, message.chat_id, user.id, language, zone)
        return ConversationHandler.END
    current = await units.user_zone(context.bot_data.db, user.id)
    if current:
        await message.reply_text(text(context, language, "timezone.current", zone=current))
    await ask_zone(context, message.chat_id, language, user.language_code)
    return ZONE


async def apply_zone(context: Context, chat_id: int, user_id: int, language: str, zone: str) -> int:
    """Store the zone, move reminders to it (same local times), continue a pending reminder."""
    data = context.bot_data
    earliest = await units.set_zone(data.db, user_id, zone, language, data.now())
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


@on_press(Zone, stale=ZONE)
async def zone_button(press: Press, name: str) -> int:
    """A suggested time zone."""
    zone = resolve_zone(name)
    if zone is None:
        await press.toast(STALE)
        return ZONE
    await press.toast()
    await press.query.edit_message_reply_markup(reply_markup=None)
    return await apply_zone(press.context, press.chat_id, press.user_id, press.language, zone)


@on_message(stale=ZONE)
async def zone_location(said: Said) -> int:
    context, message, user, language = said.context, said.message, said.user, said.language
    assert message.location is not None
    zone = zone_from_location(message.location.latitude, message.location.longitude)
    if zone is None:
        await message.reply_text(text(context, language, "timezone.not_found"))
        return ZONE
    return await apply_zone(context, message.chat_id, user.id, language, zone)


@on_message(stale=ZONE)
async def zone_text(said: Said) -> int:
    context, message, user, language = said.context, said.message, said.user, said.language
    zone = resolve_zone(message.text or "")
    if zone is None:
        await message.reply_text(text(context, language, "timezone.not_found"))
        return ZONE
    return await apply_zone(context, message.chat_id, user.id, language, zone)
