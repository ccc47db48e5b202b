"""/routine and /sound: choose a routine, check in, start the session (the guided sessions'
service, `data.sessions`, stores and runs it), and the change alerts. The live session's
controls and /stop are in controls.py."""

from __future__ import annotations

from telegram import CallbackQuery
from telegram.ext import CommandHandler

from background.context import Context
from background.listening import start_track
from guided.engine.routines import is_gentle, routine_exists
from guided.engine.timers import TRACK
from guided.store import APP_OWNER
from handlers.common import (
    STALE,
    Press,
    Said,
    on_message,
    on_press,
    press_handlers,
    text,
)
from handlers.holds import hold_advice
from handlers.safety import offer_session
from safety.rules import HIGH_PAIN, Gate, gate
from services.safety import load_state
from ui.guided import alerts_note, level_note
from ui.keyboards import Row, keyboard, open_app
from ui.payloads import CheckIn, RoutineChoice
from ui.progress import plan_changes_note


@on_message()
async def choose_routine(said: Said) -> None:
    """Offer the routines in their fixed order, the last one chosen starred (never moved)."""
    context, message, user, language = said.context, said.message, said.user, said.language
    data = context.bot_data
    if data.sessions.get(message.chat_id) is not None:
        await message.reply_text(text(context, language, "routine.already_running"))
        return
    state, stored = await load_state(data, user.id)
    if state.hold is not None:  # a safety hold: its advice, and no routine to choose
        await hold_advice(context, message.chat_id, language, state, stored)
        return
    open_row, last = await data.sessions.open_or_last(user.id, message.chat_id, language)
    if open_row is not None and open_row.owner == APP_OWNER:  # one session at a time
        await message.reply_text(text(context, language, "routine.in_app"))
        return
    if open_row is not None:
        await data.sessions.offer_resume(open_row, language)
        return
    routines = [routine for routine in data.content.routines.values() if not routine.gentle]
    buttons: list[Row] = [
        [
            (
                text(
                    context,
                    language,
                    "routine.choice_default" if routine.id == last else "routine.choice",
                    title=data.content.localize(routine.title, language),
                    minutes=routine.minutes,
                ),
                RoutineChoice(routine.id),
            )
        ]
        for routine in routines
    ]
    if data.settings.mini_app_url:  # one row: the same session, guided in the Mini App
        buttons.append(
            [open_app(text(context, language, "app.open_in_app"), data.settings.mini_app_url)]
        )
    await message.reply_text(
        text(context, language, "routine.choose"), reply_markup=keyboard(buttons)
    )


@on_press(RoutineChoice)
async def check_in(press: Press, routine_id: str) -> None:
    """After the choice of routine: ask how the back is today."""
    if not routine_exists(press.data.content, routine_id):
        await press.toast("routine.unknown_routine")
        return
    await press.toast()
    await press.query.edit_message_reply_markup(reply_markup=None)
    await offer_session(press.context, press.chat_id, press.user_id, press.language, routine_id)


# text_only: the check-in message becomes the note on today's dose.
@on_press(CheckIn, text_only=True)
async def start_session(press: Press, routine_id: str, rating: int) -> None:
    """Take the check-in rating; start the session unless the pain is too strong."""
    await start(press, routine_id, rating)


async def start(press: Press, routine_id: str, rating: int, screen: str = "chat") -> None:
    """Start a session from a check-in press, shown on `screen` (the chat, or one audio track:
    handlers/listen.py), once: a double tap cannot start two."""
    starting = press.data.starting
    if not routine_exists(press.data.content, routine_id):
        await press.toast(STALE)
        return
    if press.data.sessions.get(press.chat_id) is not None or press.chat_id in starting:
        await press.query.answer(press.text("routine.already_running"))
        return
    starting.add(press.chat_id)  # no await since the check: a double tap cannot start two sessions
    try:
        await press.query.answer()
        await begin(
            press.context, press.query, press.user_id, press.language, routine_id, rating, screen
        )
    finally:
        starting.discard(press.chat_id)


async def begin(
    context: Context,
    query: CallbackQuery,
    user_id: int,
    language: str,
    routine_id: str,
    rating: int,
    screen: str = "chat",
) -> None:
    """Store the check-in and start the session (or advise against exercise for strong pain).

    The check-in message becomes the note on today's dose: one message, not two, so the
    session's first picture and live message fit in the chat's burst and leave on time.
    A check-in button pressed after a pain report or warning signs goes back through the gate.
    """
    data = context.bot_data
    assert query.message is not None
    chat_id = query.message.chat.id
    state, _ = await load_state(data, user_id)
    if gate(state, is_gentle(data.content, routine_id)) is not Gate.CHECK_IN:
        await query.edit_message_reply_markup(reply_markup=None)
        await offer_session(context, chat_id, user_id, language, routine_id)
        return
    if rating >= HIGH_PAIN:
        await data.sessions.record_checkin(user_id, rating)
        await query.edit_message_reply_markup(reply_markup=None)
        await context.bot.send_message(chat_id, text(context, language, "routine.too_much"))
        return
    started = await data.sessions.create(
        user_id=user_id,
        chat_id=chat_id,
        language=language,
        routine_id=routine_id,
        rating=rating,
        screen=screen,
    )
    if started is None:  # a session is open in this chat already
        await query.edit_message_reply_markup(reply_markup=None)
        await context.bot.send_message(chat_id, text(context, language, "routine.already_running"))
        return
    live = started.live
    note = level_note(data.content, live, started.before)
    note += plan_changes_note(data.content, language, live.routine_id)
    if screen == "chat":  # a track has no notifying messages to switch
        note += "\n" + alerts_note(data.content, language, live.alerts)
    await query.edit_message_text(
        text(context, language, "routine.checked_in", rating=rating) + "\n" + note
    )
    data.sessions.begin(live)
    if screen == TRACK:
        start_track(context.application, live)  # rendered and sent beside this handler


@on_message()
async def switch_sound(said: Said) -> None:
    """/sound: turn the notifying message at each new exercise and side off, or back on."""
    context, message, language = said.context, said.message, said.language
    on = await context.bot_data.sessions.switch_alerts(said.user.id, message.chat_id, language)
    await message.reply_text(
        text(context, language, "routine.sound_on" if on else "routine.sound_off")
    )


HANDLERS = [
    CommandHandler("routine", choose_routine),
    CommandHandler("sound", switch_sound),
    *press_handlers(check_in),
    *press_handlers(start_session),
]
