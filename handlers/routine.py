"""/routine and /stop: choose a routine, check in, and the controls of the live session."""

from __future__ import annotations

import contextlib
import logging
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from core.context import BotData, Context
from db import routines as store
from db import safety as safety_store
from db.models import RoutineSession, utcnow
from db.users import get_or_create_user, get_user
from engine.plan import Beat, Direction, Dose, Kind, build_plan, compare
from engine.sessions import End, Live
from handlers.checks import schedule_morning_check
from handlers.common import language_of, on_text_message, text
from handlers.ending import close_live, end_session
from handlers.nudges import schedule_dispatch
from handlers.outcomes import adapted_routine, plan_changes_note
from handlers.payloads import Action, build, number, parse, pattern
from handlers.routine_view import (
    beat_text,
    controls,
    dose_text,
    intro_caption,
    is_gentle,
    item_picture,
    item_title,
    rating_keyboard,
    routine_doses,
    routine_exists,
    routine_items,
    routine_pace,
)
from handlers.safety import hold_advice, load_state, offer_session
from safety.rules import HIGH_PAIN, AfterSession, Gate, after_session, gate, suggest_normal_plan

logger = logging.getLogger(__name__)

CAPTION_LIMIT = 1024
RATINGS = frozenset(str(n) for n in range(11))  # the 0-10 buttons, as the bot writes them


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
            caption = intro_caption(content, live, doses, beat.item)
            name, animation = item_picture(content, live.routine_id, beat.item)
            if len(caption) <= CAPTION_LIMIT:
                await self.data.media.send(
                    bot, live.chat_id, name, animation=animation, caption=caption
                )
            else:
                await self.data.media.send(bot, live.chat_id, name, animation=animation)
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
        checkin = "n" if live.checkin is None else live.checkin
        await self._app.bot.send_message(
            live.chat_id,
            self.data.content.text(live.language, "routine.after_question"),
            reply_markup=rating_keyboard(Action.AFTER, live.session_id, checkin),
        )


def text_for_done(data: BotData, live: Live, minutes: int, seconds: int) -> str:
    return data.content.text(
        live.language,
        "routine.done",
        minutes=minutes,
        seconds=seconds,
        exercises=len(live.plan.amounts),
    )


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
    state, stored = await load_state(data, user.id)
    if state.hold is not None:  # a safety hold: its advice, and no routine to choose
        await hold_advice(context, message.chat_id, language, state, stored)
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
    routines = [routine for routine in data.content.routines.values() if not routine.gentle]
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
    await offer_session(context, query.message.chat.id, query.from_user.id, language, fields[0])


async def start_session(update: Update, context: Context) -> None:
    """Take the check-in rating; start the session unless the pain is too strong."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    data = context.bot_data
    language = await language_of(update, context)
    fields = parse(query.data, Action.CHECK_IN)
    chat_id, user_id = query.message.chat.id, query.from_user.id
    starting = data.starting
    if (
        not fields
        or len(fields) != 2
        or not routine_exists(data.content, fields[0])
        or fields[1] not in RATINGS
        or not on_text_message(query)  # the check-in becomes the note on today's dose
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
    """Store the check-in and start the engine (or advise against exercise for strong pain).

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
        async with data.db() as session:
            await store.record_health(session, user_id, "checkin", rating)
            await session.commit()
        await query.edit_message_reply_markup(reply_markup=None)
        await context.bot.send_message(chat_id, text(context, language, "routine.too_much"))
        return
    async with data.db() as session:
        await get_or_create_user(session, user_id, language)
        progress = await store.apply_outcomes(
            session, user_id, data.progression, skip=gentle_ids(data)
        )
        gentle = is_gentle(data.content, routine_id)
        if not gentle:
            progress.last_routine = routine_id
        # The gentle plan is always at its lowest doses; progression does not apply to it.
        level = 0 if gentle else progress.level
        if not gentle:  # an exercise that hurt lately: easier or left out (content decides)
            routine_id = await adapted_routine(session, data, user_id, routine_id)
        try:
            row = await store.create_session(
                session,
                user_id=user_id,
                chat_id=chat_id,
                routine_id=routine_id,
                level=level,
                owner=data.settings.instance_id,
            )
        except IntegrityError:
            await session.rollback()
            await query.edit_message_reply_markup(reply_markup=None)
            await context.bot.send_message(
                chat_id, text(context, language, "routine.already_running")
            )
            return
        await store.record_health(session, user_id, "checkin", rating, session_id=row.id)
        last = await store.last_level(session, user_id, row.id, exclude=gentle_ids(data))
        await session.commit()
    live = make_live(data, row.id, chat_id, user_id, language, routine_id, level)
    live.checkin = rating
    note = level_note(data, live, None if gentle else last)
    note += plan_changes_note(data.content, language, routine_id)
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


def gentle_ids(data: BotData) -> set[str]:
    """The routines progression does not count (the gentle plan)."""
    return {routine.id for routine in data.content.routines.values() if routine.gentle}


def level_note(data: BotData, live: Live, last: int | None) -> str:
    """'Today: Baby cobra, 4 repetitions — a little more than last time.'

    The plan is compared with the same routine at the previous session's level, so the note says
    "more" or "easier" only when a number the user sees really changed, and names that exercise.
    """
    content = data.content
    doses = routine_doses(content, live.routine_id)
    key, item = "routine.level_first", 0
    if is_gentle(content, live.routine_id):
        key = "routine.level_gentle"
    elif last is not None:
        before = build_plan(
            doses,
            last,
            data.progression.levels,
            routine_pace(content, live.routine_id),
            data.settings.routine_time_scale,
        )
        change = compare(before, live.plan)
        key = {
            Direction.HARDER: "routine.level_up",
            Direction.EASIER: "routine.level_down",
        }.get(change.direction, "routine.level_same")
        item = change.items[0] if change.items else 0
    title = item_title(content, live.routine_id, item, live.language)
    dose = dose_text(content, live.language, live.plan, doses, item)
    return content.text(live.language, key, dose=f"{title}, {dose}")


async def control(update: Update, context: Context) -> None:
    """Ready, Pause, Resume, Skip, Stop and It hurts on the live message."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    data = context.bot_data
    language = await language_of(update, context)
    fields = parse(query.data, Action.CONTROL)
    chat_id = query.message.chat.id
    if not fields or len(fields) != 2 or not (fields[0].isascii() and fields[0].isdigit()):
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    session_id, op = int(fields[0]), fields[1]  # It hurts ("hu") is handled in handlers/pain.py
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
    ended = await end_session(context.bot_data, context.bot, chat_id, End.STOPPED)
    if ended is None:
        await context.bot.send_message(chat_id, text(context, language, "routine.not_running"))
        return
    await context.bot.send_message(
        chat_id,
        text(
            context,
            language,
            "routine.stopped",
            exercises=ended.exercises_done,
            count=ended.count,
            minutes=ended.minutes,
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
            title=item_title(content, routine_id, item, language),
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
    session_id = number(fields[0]) if fields else None
    if not fields or len(fields) != 2 or session_id is None or fields[1] not in ("resume", "end"):
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    chat_id = query.message.chat.id
    async with data.db() as session:
        row = await store.get_session(session, session_id)
        valid = row is not None and row.status == "interrupted" and row.chat_id == chat_id
        if valid and row is not None and fields[1] == "resume":
            await store.save_state(session, row.id, status="active")
        await session.commit()
    if not valid or row is None or data.sessions.get(chat_id) is not None:
        await query.answer(text(context, language, "routine.toast_old"))
        return
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    if fields[1] == "end":
        ended = await end_session(data, context.bot, chat_id, End.STOPPED)
        if ended is not None:
            await context.bot.send_message(chat_id, stopped_summary(data, language, row))
        return
    live = make_live(data, row.id, chat_id, row.user_id, language, row.routine_id, row.level)
    live.active_seconds = row.active_seconds * data.settings.routine_time_scale
    data.sessions.start(live, index=live.plan.checkpoint_before(row.beat_index))
    logger.info("session %s resumed at beat %s", row.id, row.beat_index)


def parse_after(fields: list[str] | None) -> tuple[int, int | None, int] | None:
    """(session id, check-in rating or None, after rating) of an after-session button.

    Buttons of earlier versions carry no check-in rating ("ar:<session>:<rating>").
    """
    session_id = number(fields[0]) if fields else None
    if not fields or session_id is None:
        return None
    if len(fields) == 2 and fields[1] in RATINGS:
        return session_id, None, int(fields[1])
    if len(fields) == 3 and (fields[1] in RATINGS or fields[1] == "n") and fields[2] in RATINGS:
        return session_id, None if fields[1] == "n" else int(fields[1]), int(fields[2])
    return None


async def after_rating(update: Update, context: Context) -> None:
    """Store how the back feels after the session, judge it, move the level, show the streak.

    A rating of 7 or more, or 2 or more above the check-in, gets advice to stop for today and no
    step up; any rise brings a morning check the next day. The check-in rating travels in the
    button, so the verdict holds without consent to storing ratings.
    """
    query = update.callback_query
    if query is None or query.message is None:
        return
    data = context.bot_data
    language = await language_of(update, context)
    parsed = parse_after(parse(query.data, Action.AFTER))
    if parsed is None:
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    session_id, checkin, rating = parsed
    user_id, chat_id = query.from_user.id, query.message.chat.id
    gentle = gentle_ids(data)
    async with data.db() as session:
        row = await store.get_session(session, session_id)
        if row is None or row.user_id != user_id or row.progress_applied:
            await session.rollback()  # no transaction held across a Telegram call
            await query.answer(text(context, language, "routine.toast_old"))
            return
        await store.record_health(session, user_id, "after", rating, session_id=session_id)
        before = (
            checkin
            if checkin is not None
            else (await store.ratings_for(session, session_id)).get("checkin")
        )
        verdict = after_session(before, rating)
        progress = await store.apply_outcomes(
            session, user_id, data.progression, skip=gentle, known={session_id: (before, rating)}
        )
        suggest = False
        if row.routine_id in gentle and verdict is AfterSession.FINE:
            progress.calm_sessions += 1
            needed = data.settings.calm_sessions_to_return
            suggest = progress.flare_since is not None and suggest_normal_plan(
                progress.calm_sessions, needed
            )
        user = await get_user(session, user_id)
        zone = user.timezone if user and user.timezone else data.settings.default_timezone
        today = utcnow().astimezone(ZoneInfo(zone)).date()
        days = await store.completed_days(session, user_id, zone, exclude=gentle)
        frozen = await safety_store.frozen_days(session, user_id, zone, today)
        due = None
        if verdict is not AfterSession.FINE and user is not None:
            due = await schedule_morning_check(session, data, user, chat_id, data.now())
        await session.commit()
    if due is not None:
        schedule_dispatch(context.application, due)
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    lines = [
        text(context, language, "routine.summary", before=before, after=rating)
        if before is not None
        else text(context, language, "routine.summary_no_rating")
    ]
    if verdict is AfterSession.STOP_FOR_TODAY:
        lines.append(text(context, language, "routine.after_stop"))
    elif verdict is AfterSession.A_BIT_WORSE:
        lines.append(text(context, language, "routine.after_a_bit_worse"))
    else:
        count = store.streak(days, today, frozen)
        lines.append(text(context, language, "routine.streak", days=count, count=count))
    markup = None
    if suggest:
        lines.append(text(context, language, "flare.suggest_return", count=progress.calm_sessions))
        routine = progress.last_routine or next(iter(data.content.routines))
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        text(context, language, "flare.normal_button"),
                        callback_data=build(Action.FLARE, "n", routine),
                    )
                ]
            ]
        )
    await context.bot.send_message(chat_id, "\n".join(lines), reply_markup=markup)


async def recover_sessions(application: Application, lapsed: list[str] | None = None) -> None:
    """Offer Resume or End, once, for every session that was running and is no longer.

    At start (`lapsed` None): the sessions this process (INSTANCE_ID) ran before it stopped.
    Later: those of other processes whose lease has lapsed; never those of a live process.
    """
    data: BotData = application.bot_data
    owners = lapsed if lapsed is not None else [data.settings.instance_id]
    async with data.db() as session:
        rows = await store.claim_interrupted(session, owners, unowned=lapsed is None)
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
        except TelegramError as error:
            # One chat's failure (blocked, deleted, Telegram down) must not stop the others.
            logger.info("session %s left interrupted: %s", row.id, type(error).__name__)
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
