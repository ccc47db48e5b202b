"""Is it safe to exercise? The warning-sign check, safety holds, the flare-up offer, the check-in.

Every way into a session (/routine, a reminder's Start, an exercise's Try it now, the gentle
plan) goes through `offer_session`, which follows `safety.rules.gate`: an emergency hold gives
the urgent advice again, the warning-sign check is asked before the first session, a
see-a-doctor hold allows only the gentle plan, and after a pain report the flare-up questions
come first. Buttons that could start or continue a session are checked by `hold_gate` before
any other handler sees them.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, BaseHandler, CallbackQueryHandler

from core.context import BotData, Context
from db import safety as store
from db.models import User, UserProgress
from db.routines import record_health
from db.users import get_or_create_user
from engine.sessions import End
from handlers.common import language_of, on_text_message, text
from handlers.ending import end_session
from handlers.payloads import VERSION, Action, build, parse, pattern
from handlers.routine_view import gentle_routine, is_gentle, rating_keyboard, routine_exists
from reminders.emergency import emergency_numbers
from safety.rules import Gate, Hold, SafetyState, gate, may_lift
from throttle import Kind

logger = logging.getLogger(__name__)

ORIGINS = ("p", "s", "m")  # after a pain report, before a session, asked from the check-in
TRENDS = ("b", "s", "w")  # better, the same, worse (since the pain report)


# State ----------------------------------------------------------------------------------------


def state_of(user: User | None, progress: UserProgress | None) -> SafetyState:
    """The safety facts stored for a user (nothing stored: a new user, not yet screened)."""
    if user is None:
        return SafetyState()
    return SafetyState(
        hold=Hold(user.safety_hold) if user.safety_hold else None,
        hold_since=user.hold_since,
        screened=user.screened_at is not None,
        flare_since=progress.flare_since if progress else None,
        last_pain_at=progress.last_pain_at if progress else None,
    )


async def load_state(data: BotData, user_id: int) -> tuple[SafetyState, User | None]:
    """Read the user's safety facts (one short transaction)."""
    async with data.db() as session:
        user = await session.get(User, user_id)
        progress = await session.get(UserProgress, user_id)
        return state_of(user, progress), user


def numbers_text(data: BotData, language: str, zone: str | None, telegram: str | None) -> str:
    """'112', '103 or 112', or the generic line with examples when the country is unknown."""
    numbers = emergency_numbers(zone, telegram)
    if not numbers:
        return data.content.text(language, "safety.number_generic")
    return data.content.text(language, "safety.number_or").join(numbers)


# Sending --------------------------------------------------------------------------------------


async def send_urgent(context: Context, chat_id: int, message: str, **kwargs: object) -> None:
    """Send safety advice under the warning's delivery rule: retried until it gets through."""
    try:
        await context.bot.send_message(
            chat_id,
            message,
            rate_limit_args={"kind": Kind.WARNING},  # type: ignore[arg-type]  # ExtBot[None]
            **kwargs,  # type: ignore[arg-type]
        )
    except TelegramError as error:
        logger.error("safety advice could not be delivered: %s", type(error).__name__)


async def reply(context: Context, chat_id: int, message: str, markup: object = None) -> None:
    """Edit nothing, send one message (a short helper for the steps below)."""
    await context.bot.send_message(chat_id, message, reply_markup=markup)  # type: ignore[arg-type]


def button(label: str, action: Action, *fields: str | int) -> list[InlineKeyboardButton]:
    """A row with one button."""
    return [InlineKeyboardButton(label, callback_data=build(action, *fields))]


# The warning-sign check -----------------------------------------------------------------------


def signs_markup(
    data: BotData, language: str, origin: str, group: str, routine_id: str | None
) -> InlineKeyboardMarkup:
    """Yes / No for one group of warning signs."""
    tail = [routine_id] if routine_id else []
    content = data.content
    return InlineKeyboardMarkup(
        [
            button(
                content.text(language, "safety.signs_yes"), Action.SIGNS, origin, group, "y", *tail
            ),
            button(
                content.text(language, "safety.signs_no"), Action.SIGNS, origin, group, "n", *tail
            ),
        ]
    )


async def ask_signs(
    context: Context,
    chat_id: int,
    language: str,
    origin: str,
    routine_id: str | None = None,
) -> None:
    """Ask the first group (emergency signs); the second follows a No."""
    question = text(context, language, "safety.signs_emergency")
    if origin == "s":
        question = text(context, language, "safety.first_check") + "\n\n" + question
    markup = signs_markup(context.bot_data, language, origin, "a", routine_id)
    await context.bot.send_message(chat_id, question, reply_markup=markup)


async def answer_signs(update: Update, context: Context) -> None:
    """A Yes holds the routine (urgent advice, or a doctor first); two Noes pass the check."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    language = await language_of(update, context)
    fields = parse(query.data, Action.SIGNS) or []
    valid = (
        len(fields) in (3, 4)
        and fields[0] in ORIGINS
        and fields[1] in ("a", "b")
        and fields[2] in ("y", "n")
        and (len(fields) == 3 or routine_exists(context.bot_data.content, fields[3]))
        and on_text_message(query)
    )
    if not valid:
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    await query.answer()
    origin, group, answer = fields[0], fields[1], fields[2]
    routine_id = fields[3] if len(fields) == 4 else None
    chat_id, user = query.message.chat.id, query.from_user
    if answer == "y":
        await query.edit_message_reply_markup(reply_markup=None)
        hold = Hold.EMERGENCY if group == "a" else Hold.DOCTOR
        await put_on_hold(context, chat_id, user.id, language, hold, user.language_code)
        return
    if group == "a":
        await query.edit_message_text(
            text(context, language, "safety.signs_doctor"),
            reply_markup=signs_markup(context.bot_data, language, origin, "b", routine_id),
        )
        return
    data = context.bot_data
    async with data.db() as session:
        await get_or_create_user(session, user.id, language)
        await store.mark_screened(session, user.id, data.now())
        await record_health(session, user.id, "red_flag", detail="none")
        await session.commit()
    await query.edit_message_reply_markup(reply_markup=None)
    if origin == "s" and routine_id is not None:
        await reply(context, chat_id, text(context, language, "safety.no_signs_first"))
        await offer_session(context, chat_id, user.id, language, routine_id)
    elif origin == "p":
        await reply(
            context,
            chat_id,
            text(
                context,
                language,
                "safety.no_signs_after_pain",
                days=text(
                    context,
                    language,
                    "safety.gentle_days",
                    count=data.settings.gentle_reminder_days,
                ),
            ),
            InlineKeyboardMarkup(
                [
                    button(
                        text(context, language, "checks.pause_button"),
                        Action.ASK,
                        "x",
                        "n",
                        "pause",
                    )
                ]
            ),
        )
    else:
        await reply(context, chat_id, text(context, language, "safety.no_signs_asked"))


async def put_on_hold(
    context: Context,
    chat_id: int,
    user_id: int,
    language: str,
    hold: Hold,
    telegram_language: str | None,
) -> None:
    """Warning signs: end any session, hold the routine, give the advice (delivered first)."""
    data = context.bot_data
    await end_session(data, context.bot, chat_id, End.WARNING_SIGNS)
    zone: str | None = None
    try:
        async with data.db() as session:
            user = await get_or_create_user(session, user_id, language)
            zone = user.timezone
            await store.set_hold(session, user_id, hold.value, data.now())
            await record_health(session, user_id, "red_flag", detail=hold.value)
            await session.commit()
    except Exception:
        # The advice matters more than the record: it is sent whatever happened here.
        logger.exception("a safety hold could not be stored")
    number = numbers_text(data, language, zone, telegram_language)
    key = "safety.emergency" if hold is Hold.EMERGENCY else "safety.see_doctor"
    await send_urgent(context, chat_id, text(context, language, key, number=number))
    logger.info("routine put on hold (%s)", hold.value)


async def legacy_red_flags(update: Update, context: Context) -> None:
    """Buttons from earlier versions: A and B still hold the routine; the rest asks again."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    language = await language_of(update, context)
    fields = parse(query.data, Action.RED_FLAGS) or []
    await query.answer()
    chat_id = query.message.chat.id
    if fields[:1] in (["a"], ["b"]):
        hold = Hold.EMERGENCY if fields[0] == "a" else Hold.DOCTOR
        await put_on_hold(
            context, chat_id, query.from_user.id, language, hold, query.from_user.language_code
        )
        return
    await ask_signs(context, chat_id, language, "m")


# Holds ----------------------------------------------------------------------------------------


async def hold_advice(
    context: Context, chat_id: int, language: str, state: SafetyState, user: User | None
) -> None:
    """The advice for the hold in force, with the way out where it may be offered."""
    data = context.bot_data
    number = numbers_text(data, language, user.timezone if user else None, None)
    wait = _lift_wait(data)
    rows: list[list[InlineKeyboardButton]] = []
    if state.hold is Hold.EMERGENCY:
        message = text(context, language, "safety.emergency", number=number)
        if may_lift(state, data.now(), wait):
            rows.append(button(text(context, language, "safety.lift_button"), Action.HOLD, "lift"))
    else:
        message = text(context, language, "safety.hold_doctor")
        rows.append(button(text(context, language, "safety.gentle_button"), Action.HOLD, "gentle"))
        rows.append(
            button(text(context, language, "safety.lift_doctor_button"), Action.HOLD, "lift")
        )
    await send_urgent(
        context, chat_id, message, reply_markup=InlineKeyboardMarkup(rows) if rows else None
    )


def _lift_wait(data: BotData) -> timedelta:
    return timedelta(minutes=data.settings.hold_lift_wait_minutes)


async def answer_hold(update: Update, context: Context) -> None:
    """The way out of a hold: two deliberate taps, never offered right after the advice."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    data = context.bot_data
    language = await language_of(update, context)
    fields = parse(query.data, Action.HOLD) or []
    op = fields[0] if len(fields) == 1 else ""
    chat_id, user_id = query.message.chat.id, query.from_user.id
    state, user = await load_state(data, user_id)
    emergency = state.hold is Hold.EMERGENCY
    if op not in ("lift", "yes", "no", "gentle") or state.hold is None:
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    if emergency and op in ("lift", "yes") and not may_lift(state, data.now(), _lift_wait(data)):
        await query.answer(text(context, language, "safety.toast_hold"))
        return
    await query.answer()
    if op == "gentle":
        if emergency:
            await hold_advice(context, chat_id, language, state, user)
            return
        await query.edit_message_reply_markup(reply_markup=None)
        routine = gentle_routine(data.content)
        if routine is not None:
            await ask_check_in(context, chat_id, language, routine)
        return
    if op == "lift":
        key = "safety.lift_confirm" if emergency else "safety.lift_doctor_confirm"
        await query.edit_message_reply_markup(reply_markup=None)
        markup = InlineKeyboardMarkup(
            [
                button(text(context, language, "safety.lift_yes"), Action.HOLD, "yes"),
                button(text(context, language, "safety.lift_no"), Action.HOLD, "no"),
            ]
        )
        await reply(context, chat_id, text(context, language, key), markup)
        return
    await query.edit_message_reply_markup(reply_markup=None)
    if op == "no":
        await reply(context, chat_id, text(context, language, "safety.not_lifted"))
        return
    async with data.db() as session:
        await store.lift_hold(session, user_id, data.now())
        await session.commit()
    logger.info("a safety hold was lifted by the user's statement")
    await reply(context, chat_id, text(context, language, "safety.lifted"))


async def hold_gate(update: Update, context: Context) -> None:
    """Before any button that starts or continues a session: on an emergency hold, the advice."""
    query = update.callback_query
    if query is None or query.message is None or query.from_user is None:
        return
    state, user = await load_state(context.bot_data, query.from_user.id)
    if state.hold is not Hold.EMERGENCY:
        return
    language = await language_of(update, context)
    await query.answer(text(context, language, "safety.toast_hold"))
    await hold_advice(context, query.message.chat.id, language, state, user)
    raise ApplicationHandlerStop


# Asking for a session -------------------------------------------------------------------------


async def offer_session(
    context: Context, chat_id: int, user_id: int, language: str, routine_id: str
) -> None:
    """The way into every session: holds first, the check before the first session, flare-ups."""
    data = context.bot_data
    state, user = await load_state(data, user_id)
    step = gate(state, is_gentle(data.content, routine_id))
    if step is Gate.URGENT_ADVICE or step is Gate.DOCTOR_FIRST:
        await hold_advice(context, chat_id, language, state, user)
    elif step is Gate.SCREEN:
        await ask_signs(context, chat_id, language, "s", routine_id)
    elif step is Gate.FLARE:
        await context.bot.send_message(
            chat_id,
            text(context, language, "flare.how"),
            reply_markup=flare_markup(data, language, routine_id),
        )
    else:
        await ask_check_in(context, chat_id, language, routine_id)


def flare_markup(data: BotData, language: str, routine_id: str) -> InlineKeyboardMarkup:
    """Better / The same / Worse since the pain report."""
    content = data.content
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    content.text(language, f"flare.trend_{trend}"),
                    callback_data=build(Action.FLARE, "h", routine_id, trend),
                )
                for trend in TRENDS
            ]
        ]
    )


async def answer_flare(update: Update, context: Context) -> None:
    """How is it now, could you consult, then the gentle plan or back to the normal plan."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    data = context.bot_data
    language = await language_of(update, context)
    fields = parse(query.data, Action.FLARE) or []
    shapes = {"h": 3, "c": 4, "g": 2, "n": 2}
    if (
        not fields
        or shapes.get(fields[0]) != len(fields)
        or not routine_exists(data.content, fields[1])
        or (fields[0] in ("h", "c") and fields[2] not in TRENDS)
        or (fields[0] == "c" and fields[3] not in ("y", "n"))
        or not on_text_message(query)
    ):
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    await query.answer()
    step, routine_id = fields[0], fields[1]
    chat_id, user_id = query.message.chat.id, query.from_user.id
    if step == "h":
        trend = fields[2]
        await query.edit_message_text(
            text(context, language, "flare.consulted"),
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            text(context, language, f"flare.consulted_{answer}"),
                            callback_data=build(Action.FLARE, "c", routine_id, trend, answer),
                        )
                        for answer in ("y", "n")
                    ]
                ]
            ),
        )
        return
    if step == "c":
        trend, consulted = fields[2], fields[3]
        lines = []
        if trend == "w":
            lines.append(text(context, language, "flare.worse"))
        elif consulted == "n":
            lines.append(text(context, language, "flare.not_yet"))
        lines.append(text(context, language, "flare.offer"))
        rows = [
            button(text(context, language, "flare.gentle_button"), Action.FLARE, "g", routine_id)
        ]
        if trend != "w":
            rows.append(
                button(
                    text(context, language, "flare.normal_button"), Action.FLARE, "n", routine_id
                )
            )
        await query.edit_message_text("\n\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))
        return
    await query.edit_message_reply_markup(reply_markup=None)
    if step == "n":
        async with data.db() as session:
            await store.end_flare(session, user_id, data.now())
            await session.commit()
        await reply(context, chat_id, text(context, language, "flare.back_to_normal"))
        await offer_session(context, chat_id, user_id, language, routine_id)
        return
    gentle = gentle_routine(data.content)
    await ask_check_in(context, chat_id, language, gentle or routine_id)


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


# Registration ---------------------------------------------------------------------------------

GATE_GROUP = -5  # after the activity marks (-10), before every feature (0)
# Buttons that start, continue or rate a session; It hurts ("hu") is never held back.
_GATED = "|".join(
    action.value
    for action in (
        Action.ROUTINE_CHOICE,
        Action.CHECK_IN,
        Action.INTERRUPTED,
        Action.AFTER,
        Action.FLARE,
    )
)
GATED = re.compile(
    rf"^{re.escape(VERSION)}\.(({_GATED})(:|$)|{Action.CONTROL.value}:\d+:(?!hu$)"
    rf"|{Action.NUDGE.value}:\d+:start$|{Action.HOLD.value}:gentle$)"
)

GATE_HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CallbackQueryHandler(hold_gate, pattern=GATED)
]
HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CallbackQueryHandler(answer_signs, pattern=pattern(Action.SIGNS)),
    CallbackQueryHandler(legacy_red_flags, pattern=pattern(Action.RED_FLAGS)),
    CallbackQueryHandler(answer_hold, pattern=pattern(Action.HOLD)),
    CallbackQueryHandler(answer_flare, pattern=pattern(Action.FLARE)),
]
