"""/routine and /stop: choose a routine, check in, and the controls of the live session."""

from __future__ import annotations

import contextlib
import logging

from sqlalchemy.exc import IntegrityError
from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from core.context import BotData, Context
from db import routines as store
from db.models import RoutineSession, utcnow
from db.users import get_or_create_user, get_user
from engine.plan import Beat, Dose, Kind, build_plan
from engine.sessions import Live
from handlers import pain
from handlers.common import language_of, text
from handlers.payloads import Action, build, parse, pattern
from handlers.routine_view import (
    beat_text,
    controls,
    dose_text,
    exercise_id,
    intro_caption,
    rating_keyboard,
    routine_doses,
    routine_exists,
    routine_items,
    routine_pace,
)

logger = logging.getLogger(__name__)

CAPTION_LIMIT = 1024
HIGH_PAIN = 7  # a check-in at or above this does not start a session (SAFETY.md)


class RoutineHooks:
    """The engine's window on the world: Telegram messages and stored progress."""

    def __init__(self, application: Application) -> None:
        self._app = application
        self._doses: dict[str, tuple[Dose, ...]] = {}

    @property
    def data(self) -> BotData:
        return self._app.bot_data

    def doses(self, routine_id: str) -> tuple[Dose, ...]:
        if routine_id not in self._doses:
            self._doses[routine_id] = routine_doses(self.data.content, routine_id)
        return self._doses[routine_id]

    async def on_beat(self, live: Live, beat: Beat) -> None:
        content, bot = self.data.content, self._app.bot
        doses = self.doses(live.routine_id)
        seconds = round(beat.duration / self.data.settings.routine_time_scale)
        if beat.kind is Kind.DONE:
            minutes, rest = divmod(
                round(live.active_seconds / self.data.settings.routine_time_scale), 60
            )
            await close_live(self.data, bot, live, text_for_done(self.data, live, minutes, rest))
            return
        if beat.kind is Kind.INTRO:
            await close_live(self.data, bot, live)
            exercise = content.exercises[exercise_id(content, live, beat.item)]
            caption = intro_caption(content, live, doses, beat.item)
            name = exercise.animation or exercise.picture
            if len(caption) <= CAPTION_LIMIT:
                await self.data.media.send(
                    bot, live.chat_id, name, animation=bool(exercise.animation), caption=caption
                )
            else:
                await self.data.media.send(
                    bot, live.chat_id, name, animation=bool(exercise.animation)
                )
                await bot.send_message(live.chat_id, caption)
        shown = beat_text(content, live, doses, beat, seconds)
        markup = controls(content, live, intro=beat.kind is Kind.INTRO)
        if live.message_id is None or beat.kind is Kind.INTRO:
            message = await bot.send_message(live.chat_id, shown, reply_markup=markup)
            live.message_id, live.shown = message.message_id, shown
        elif shown != live.shown:
            await bot.edit_message_text(shown, live.chat_id, live.message_id, reply_markup=markup)
            live.shown = shown

    async def on_checkpoint(self, live: Live, position: int) -> None:
        self.data.checkpoints.record(
            live.session_id,
            beat_index=position,
            live_message_id=live.message_id,
            exercises_done=live.exercises_done(),
        )

    async def on_complete(self, live: Live) -> None:
        self.data.checkpoints.discard(live.session_id)
        async with self.data.db() as session:
            await store.save_state(
                session,
                live.session_id,
                status="completed",
                ended_at=utcnow(),
                exercises_done=len(live.plan.amounts),
                active_seconds=live.active_seconds / self.data.settings.routine_time_scale,
                live_message_id=None,
            )
            await session.commit()
        logger.info("session %s completed", live.session_id)
        await self._app.bot.send_message(
            live.chat_id,
            self.data.content.text(live.language, "routine.after_question"),
            reply_markup=rating_keyboard(Action.AFTER, live.session_id),
        )


def text_for_done(data: BotData, live: Live, minutes: int, seconds: int) -> str:
    return data.content.text(
        live.language,
        "routine.done",
        minutes=minutes,
        seconds=seconds,
        exercises=len(live.plan.amounts),
    )


async def close_live(data: BotData, bot: object, live: Live, final: str | None = None) -> None:
    """Take the buttons off the live message (marking the exercise done), ignoring a lost one."""
    if live.message_id is None:
        return
    content = data.content
    if final is None:
        exercise = content.exercises[exercise_id(content, live, live.current.item)]
        final = content.text(
            live.language,
            "routine.finished_item",
            title=content.localize(exercise.title, live.language),
        )
    try:
        await bot.edit_message_text(final, live.chat_id, live.message_id)  # type: ignore[attr-defined]
    except BadRequest as error:
        logger.info("could not close live message of session %s: %s", live.session_id, error)
    live.message_id, live.shown = None, ""


async def choose_routine(update: Update, context: Context) -> None:
    """Offer the routines, the last one chosen first and starred."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    language = await language_of(update, context)
    data = context.bot_data
    if data.sessions.get(message.chat_id) is not None:
        await message.reply_text(text(context, language, "routine.already_running"))
        return
    async with data.db() as session:
        await get_or_create_user(session, user.id, language)
        open_row = await store.open_session(session, message.chat_id)
        last = (await store.get_progress(session, user.id)).last_routine
        await session.commit()
    if open_row is not None:
        await offer_resume(
            data,
            context.bot,
            open_row.id,
            message.chat_id,
            language,
            open_row.routine_id,
            open_row.beat_index,
            open_row.level,
        )
        return
    routines = list(data.content.routines.values())
    routines.sort(key=lambda routine: routine.id != last)
    buttons = [
        [
            InlineKeyboardButton(
                text(
                    context,
                    language,
                    "routine.choice_default" if routine.id == last else "routine.choice",
                    title=data.content.localize(routine.title, language),
                    minutes=routine.minutes,
                ),
                callback_data=build(Action.ROUTINE_CHOICE, routine.id),
            )
        ]
        for routine in routines
    ]
    await message.reply_text(
        text(context, language, "routine.choose"), reply_markup=InlineKeyboardMarkup(buttons)
    )


async def check_in(update: Update, context: Context) -> None:
    """After the choice of routine: ask how the back is today."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    fields = parse(query.data, Action.ROUTINE_CHOICE)
    language = await language_of(update, context)
    if not fields or not routine_exists(context.bot_data.content, fields[0]):
        await query.answer(text(context, language, "routine.unknown_routine"))
        return
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    await ask_check_in(context, query.message.chat.id, language, fields[0])


async def ask_check_in(context: Context, chat_id: int, language: str, routine_id: str) -> None:
    """'How is your back today?' with 0-10 buttons and the warning-signs button."""
    keyboard = rating_keyboard(Action.CHECK_IN, routine_id).inline_keyboard
    warning = InlineKeyboardButton(
        text(context, language, "routine.warning_signs_button"),
        callback_data=build(Action.RED_FLAGS, "menu"),
    )
    await context.bot.send_message(
        chat_id,
        text(context, language, "routine.checkin"),
        reply_markup=InlineKeyboardMarkup([*keyboard, [warning]]),
    )


async def start_session(update: Update, context: Context) -> None:
    """Take the check-in rating; start the session unless the pain is too strong."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    data = context.bot_data
    language = await language_of(update, context)
    fields = parse(query.data, Action.CHECK_IN)
    chat_id, user_id = query.message.chat.id, query.from_user.id
    starting: set[int] = data.extras.setdefault("starting", set())
    if (
        not fields
        or len(fields) != 2
        or not routine_exists(data.content, fields[0])
        or not fields[1].isdigit()
        or not 0 <= int(fields[1]) <= 10
    ):
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    if data.sessions.get(chat_id) is not None or chat_id in starting:
        await query.answer(text(context, language, "routine.already_running"))
        return
    starting.add(chat_id)  # no await since the check: a double tap cannot start two sessions
    try:
        await query.answer()
        await begin(context, query, user_id, language, fields[0], int(fields[1]))
    finally:
        starting.discard(chat_id)


async def begin(
    context: Context,
    query: CallbackQuery,
    user_id: int,
    language: str,
    routine_id: str,
    rating: int,
) -> None:
    """Store the check-in and start the engine (or advise rest for strong pain).

    The check-in message becomes the note on today's dose: one message, not two, so the
    session's first picture and live message fit in the chat's burst and leave on time.
    """
    data = context.bot_data
    assert query.message is not None
    chat_id = query.message.chat.id
    if rating >= HIGH_PAIN:
        async with data.db() as session:
            await store.record_health(session, user_id, "checkin", rating)
            await session.commit()
        await query.edit_message_reply_markup(reply_markup=None)
        await context.bot.send_message(chat_id, text(context, language, "routine.too_much"))
        return
    async with data.db() as session:
        await get_or_create_user(session, user_id, language)
        progress = await store.apply_outcomes(session, user_id, data.progression)
        progress.last_routine = routine_id
        level, previous = progress.level, progress.previous_level
        try:
            row = await store.create_session(
                session, user_id=user_id, chat_id=chat_id, routine_id=routine_id, level=level
            )
        except IntegrityError:
            await session.rollback()
            await query.edit_message_reply_markup(reply_markup=None)
            await context.bot.send_message(
                chat_id, text(context, language, "routine.already_running")
            )
            return
        await store.record_health(session, user_id, "checkin", rating, session_id=row.id)
        first_session = not await store.has_history(session, user_id, row.id)
        await session.commit()
    live = make_live(data, row.id, chat_id, user_id, language, routine_id, level)
    note = level_note(data, live, level, previous, first_session)
    await query.edit_message_text(
        text(context, language, "routine.checked_in", rating=rating) + "\n" + note
    )
    data.sessions.start(live)
    logger.info("session %s started: %s at level %s", row.id, routine_id, level)


def make_live(
    data: BotData,
    session_id: int,
    chat_id: int,
    user_id: int,
    language: str,
    routine_id: str,
    level: int,
) -> Live:
    """A Live record with the plan for this routine and level (shared between sessions)."""
    plan = build_plan(
        routine_doses(data.content, routine_id),
        level,
        data.progression.levels,
        routine_pace(data.content, routine_id),
        data.settings.routine_time_scale,
    )
    return Live(
        session_id=session_id,
        chat_id=chat_id,
        user_id=user_id,
        language=language,
        routine_id=routine_id,
        level=level,
        plan=plan,
    )


def level_note(data: BotData, live: Live, level: int, previous: int, first: bool) -> str:
    """'Today: 6 rounds of 3 breaths — a little more than last time.' (for the first exercise)"""
    doses = routine_doses(data.content, live.routine_id)
    dose = dose_text(data.content, live.language, live.plan, doses, 0)
    if first:
        key = "routine.level_first"
    elif level > previous:
        key = "routine.level_up"
    elif level < previous:
        key = "routine.level_down"
    else:
        key = "routine.level_same"
    return data.content.text(live.language, key, dose=dose)


async def control(update: Update, context: Context) -> None:
    """Ready, Pause, Resume, Skip, Stop and It hurts on the live message."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    data = context.bot_data
    language = await language_of(update, context)
    fields = parse(query.data, Action.CONTROL)
    chat_id = query.message.chat.id
    if not fields or len(fields) != 2 or not fields[0].isdigit():
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    session_id, op = int(fields[0]), fields[1]
    if op == "hu":  # safety first: any "It hurts" stops, even on an old message
        await query.answer()
        await pain.stop_for_pain(context, chat_id, query.from_user.id, language)
        return
    live = data.sessions.get(chat_id)
    if live is None or live.session_id != session_id:
        await query.answer(text(context, language, "routine.toast_old"))
        return
    if op == "st":
        await query.answer()
        await stop_session(context, chat_id, language)
    elif op == "pz" and await data.sessions.pause(chat_id) is not None:
        await query.answer(text(context, language, "routine.toast_paused"))
        await save_status(data, live, "paused")
        await show_paused(data, context.bot, live)
    elif op == "rs" and await data.sessions.resume(chat_id) is not None:
        await query.answer(text(context, language, "routine.toast_resumed"))
        await save_status(data, live, "active")
    elif op == "sk" and await data.sessions.skip(chat_id) is not None:
        await query.answer(text(context, language, "routine.toast_skipped"))
    elif op == "go" and await data.sessions.ready(chat_id) is not None:
        await query.answer()
    else:
        await query.answer(text(context, language, "routine.toast_wait"))


async def show_paused(data: BotData, bot: object, live: Live) -> None:
    """Show the paused state and the Resume button on the live message."""
    if live.message_id is None:
        return
    paused = data.content.text(live.language, "routine.paused")
    try:
        await bot.edit_message_text(  # type: ignore[attr-defined]
            paused, live.chat_id, live.message_id, reply_markup=controls(data.content, live)
        )
        live.shown = paused
    except BadRequest as error:
        logger.info("could not show pause for session %s: %s", live.session_id, error)


async def save_status(data: BotData, live: Live, status: str) -> None:
    async with data.db() as session:
        await store.save_state(session, live.session_id, status=status)
        await session.commit()


async def stop_session(context: Context, chat_id: int, language: str) -> None:
    """End the chat's session (live or interrupted) at the user's request."""
    data = context.bot_data
    live = await data.sessions.stop(chat_id)
    if live is None:
        async with data.db() as session:
            row = await store.open_session(session, chat_id)
            if row is not None:
                await store.save_state(session, row.id, status="stopped", ended_at=utcnow())
            await session.commit()
        if row is None:
            await context.bot.send_message(chat_id, text(context, language, "routine.not_running"))
        else:
            await context.bot.send_message(chat_id, stopped_summary(data, language, row))
        return
    data.checkpoints.discard(live.session_id)
    async with data.db() as session:
        await store.save_state(
            session,
            live.session_id,
            status="stopped",
            ended_at=utcnow(),
            exercises_done=live.exercises_done(),
            active_seconds=live.active_seconds / data.settings.routine_time_scale,
        )
        await session.commit()
    logger.info("session %s stopped by the user", live.session_id)
    await close_live(data, context.bot, live)
    minutes = round(live.active_seconds / data.settings.routine_time_scale / 60)
    await context.bot.send_message(
        chat_id,
        text(
            context,
            language,
            "routine.stopped",
            exercises=live.exercises_done(),
            count=len(live.plan.amounts),
            minutes=minutes,
        ),
    )


def stopped_summary(data: BotData, language: str, row: RoutineSession) -> str:
    """'Session stopped. 2 of 4 exercises done in 3 min.' for a stored session."""
    return data.content.text(
        language,
        "routine.stopped",
        exercises=row.exercises_done,
        count=len(routine_items(data.content, row.routine_id)),
        minutes=round(row.active_seconds / 60),
    )


async def stop_command(update: Update, context: Context) -> None:
    """/stop: end the session."""
    message = update.effective_message
    if message is None:
        return
    language = await language_of(update, context)
    await stop_session(context, message.chat_id, language)


async def offer_resume(
    data: BotData,
    bot: object,
    session_id: int,
    chat_id: int,
    language: str,
    routine_id: str,
    beat_index: int,
    level: int,
) -> None:
    """Tell the user where an interrupted session was, with Resume and End."""
    content = data.content
    if not routine_exists(content, routine_id):
        return
    live = make_live(data, session_id, chat_id, chat_id, language, routine_id, level)
    item = live.plan.beats[min(beat_index, len(live.plan.beats) - 1)].item
    exercise = content.exercises[exercise_id(content, live, item)]
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    content.text(language, "routine.button_resume"),
                    callback_data=build(Action.INTERRUPTED, session_id, "resume"),
                ),
                InlineKeyboardButton(
                    content.text(language, "routine.button_end"),
                    callback_data=build(Action.INTERRUPTED, session_id, "end"),
                ),
            ]
        ]
    )
    await bot.send_message(  # type: ignore[attr-defined]
        chat_id,
        content.text(
            language,
            "routine.interrupted",
            title=content.localize(exercise.title, language),
            where=content.text(
                language, "routine.interrupted_where", number=item + 1, count=len(live.plan.amounts)
            ),
        ),
        reply_markup=buttons,
    )


async def answer_interrupted(update: Update, context: Context) -> None:
    """Resume an interrupted session from its last checkpoint, or end it."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    data = context.bot_data
    language = await language_of(update, context)
    fields = parse(query.data, Action.INTERRUPTED)
    if not fields or len(fields) != 2 or not fields[0].isdigit():
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    chat_id = query.message.chat.id
    async with data.db() as session:
        row = await store.get_session(session, int(fields[0]))
        valid = row is not None and row.status == "interrupted" and row.chat_id == chat_id
        if valid and row is not None and fields[1] == "end":
            await store.save_state(session, row.id, status="stopped", ended_at=utcnow())
        elif valid and row is not None:
            await store.save_state(session, row.id, status="active")
        await session.commit()
    if not valid or row is None or data.sessions.get(chat_id) is not None:
        await query.answer(text(context, language, "routine.toast_old"))
        return
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    if fields[1] == "end":
        await context.bot.send_message(chat_id, stopped_summary(data, language, row))
        return
    live = make_live(data, row.id, chat_id, row.user_id, language, row.routine_id, row.level)
    live.active_seconds = row.active_seconds * data.settings.routine_time_scale
    data.sessions.start(live, index=live.plan.checkpoint_before(row.beat_index))
    logger.info("session %s resumed at beat %s", row.id, row.beat_index)


async def after_rating(update: Update, context: Context) -> None:
    """Store how the back feels after the session, move the level, and show the streak."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    data = context.bot_data
    language = await language_of(update, context)
    fields = parse(query.data, Action.AFTER)
    if (
        not fields
        or len(fields) != 2
        or not all(field.isdigit() for field in fields)
        or int(fields[1]) > 10
    ):
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    session_id, rating = int(fields[0]), int(fields[1])
    user_id = query.from_user.id
    async with data.db() as session:
        row = await store.get_session(session, session_id)
        if row is None or row.user_id != user_id or row.progress_applied:
            await session.rollback()  # no transaction held across a Telegram call
            await query.answer(text(context, language, "routine.toast_old"))
            return
        await store.record_health(session, user_id, "after", rating, session_id=session_id)
        ratings = await store.ratings_for(session, session_id)
        await store.apply_outcomes(session, user_id, data.progression)
        user = await get_user(session, user_id)
        zone = user.timezone if user and user.timezone else data.settings.default_timezone
        days = await store.completed_days(session, user_id, zone)
        await session.commit()
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    before = ratings.get("checkin")
    summary = (
        text(context, language, "routine.summary", before=before, after=rating)
        if before is not None
        else text(context, language, "routine.summary_no_rating")
    )
    from zoneinfo import ZoneInfo

    today = utcnow().astimezone(ZoneInfo(zone)).date()
    summary += "\n" + text(context, language, "routine.streak", days=store.streak(days, today))
    await context.bot.send_message(query.message.chat.id, summary)


async def recover_sessions(application: Application) -> None:
    """At start: every session that was running is offered Resume or End, once."""
    data: BotData = application.bot_data
    async with data.db() as session:
        rows = await store.claim_interrupted(session)
        users = {row.user_id: await get_user(session, row.user_id) for row in rows}
        await session.commit()
    for row in rows:
        user = users.get(row.user_id)
        language = user.language if user else data.settings.default_language
        try:
            if row.live_message_id is not None:
                with contextlib.suppress(BadRequest):
                    await application.bot.edit_message_reply_markup(
                        row.chat_id, row.live_message_id, reply_markup=None
                    )
            await offer_resume(
                data,
                application.bot,
                row.id,
                row.chat_id,
                language,
                row.routine_id,
                row.beat_index,
                row.level,
            )
        except Forbidden:
            logger.info("user %s blocked the bot; session %s left interrupted", row.user_id, row.id)
    if rows:
        logger.info("offered resume for %d interrupted sessions", len(rows))


HANDLERS = [
    CommandHandler("routine", choose_routine),
    CommandHandler("stop", stop_command),
    CallbackQueryHandler(check_in, pattern=pattern(Action.ROUTINE_CHOICE)),
    CallbackQueryHandler(start_session, pattern=pattern(Action.CHECK_IN)),
    CallbackQueryHandler(control, pattern=pattern(Action.CONTROL)),
    CallbackQueryHandler(answer_interrupted, pattern=pattern(Action.INTERRUPTED)),
    CallbackQueryHandler(after_rating, pattern=pattern(Action.AFTER)),
]
