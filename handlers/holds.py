"""Safety holds: the urgent advice after warning signs, the see-a-doctor hold, lifting a hold, and
the gate that answers session buttons with the advice while a hold lasts."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, BaseHandler, CallbackQueryHandler

from background.context import BotData, Context
from background.reminder_job import schedule_dispatch
from db.models import User
from guided.engine.routines import gentle_routine
from guided.engine.status import End
from handlers.checkin import ask_check_in
from handlers.common import STALE, Press, button, language_of, on_press, press_handlers, reply, text
from places.emergency import emergency_numbers
from safety.rules import Hold, Origin, SafetyState, may_correct, may_lift
from services import reminders as reminder_service
from services import safety
from services.safety import load_state
from throttle import Delivery
from ui.keyboards import keyboard
from ui.payloads import HoldAnswer, HoldGentle, HoldWhere, starts_session
from ui.safety import (
    DOCTOR,
    EMERGENCY,
    hold_markup,
    hold_terms,
    mistap_markup,
    signs_markup,
    signs_question,
)

logger = logging.getLogger(__name__)


def numbers_text(data: BotData, language: str, zone: str | None, telegram: str | None) -> str:
    """'112', '103 or 112', or the generic line with examples when the country is unknown."""
    numbers = emergency_numbers(zone, telegram)
    if not numbers:
        return data.content.text(language, "safety.number_generic")
    return data.content.text(language, "safety.number_or").join(numbers)


async def send_urgent(context: Context, chat_id: int, message: str, **kwargs: object) -> None:
    """Send safety advice under the warning's delivery rule: retried until it gets through."""
    try:
        await context.bot.send_message(
            chat_id,
            message,
            rate_limit_args={"delivery": Delivery.WARNING},  # type: ignore[arg-type]  # ExtBot[None]
            **kwargs,  # type: ignore[arg-type]
        )
    except TelegramError as error:
        logger.error("safety advice could not be delivered: %s", type(error).__name__)


async def put_on_hold(
    context: Context,
    chat_id: int,
    user_id: int,
    language: str,
    hold: Hold,
    telegram_language: str | None,
    answer: str,
    *,
    advice: str | None = None,
    correct: tuple[Origin, str | None] | None = None,
) -> None:
    """Warning signs: end any session, hold the routine, give the advice (delivered first),
    with what is on hold and how it ends; right after an emergency Yes (`correct`: where it was
    asked), a way to correct a mistake."""
    data = context.bot_data
    await data.sessions.stop(chat_id, End.WARNING_SIGNS)
    zone: str | None = None
    now = data.now()
    try:
        zone = await safety.hold(data.db, user_id, language, hold, now, answer)
    except Exception:
        # The advice matters more than the record: it is sent whatever happened here.
        logger.exception("a safety hold could not be stored")
    number = numbers_text(data, language, zone, telegram_language)
    key = advice or ("safety.emergency" if hold is Hold.EMERGENCY else "safety.see_doctor")
    state = SafetyState(hold=hold, hold_since=now, screened=True)
    correct = correct if hold is Hold.EMERGENCY and data.settings.hold_mistap_minutes else None
    # The advice comes first: no exercise is offered with it, not even the gentle plan.
    await _send_advice(context, chat_id, language, key, number, state, zone, correct, gentle=False)
    logger.info("routine put on hold (%s)", hold.value)


async def _send_advice(
    context: Context,
    chat_id: int,
    language: str,
    key: str,
    number: str,
    state: SafetyState,
    zone: str | None,
    correct: tuple[Origin, str | None] | None,
    *,
    gentle: bool,
) -> None:
    """The advice, what is on hold and how it ends, (right after a Yes) how to correct it, and
    the ways out on offer now; under the warning's delivery rule."""
    data = context.bot_data
    content, now = data.content, data.now()
    parts = [content.text(language, key, number=number)]
    parts.append(hold_terms(content, language, state, zone, now, _lift_wait(data)))
    if correct is not None:
        parts.append(content.text(language, "safety.mistap_note"))
    lift = may_lift(state, now, _lift_wait(data))
    markup = hold_markup(
        content, language, state, may_lift=lift, correct=correct, offer_gentle=gentle
    )
    await send_urgent(context, chat_id, "\n\n".join(parts), reply_markup=markup)


async def hold_advice(
    context: Context, chat_id: int, language: str, state: SafetyState, user: User | None
) -> None:
    """The advice for the hold in force, what is on hold and how it ends, with the ways out
    that may be offered now."""
    data = context.bot_data
    now = data.now()
    zone = user.timezone if user else None
    number = numbers_text(data, language, zone, None)
    correct = None
    if may_correct(state, now, _mistap_window(data)):
        correct = (Origin.ASKED, None)  # nothing to go back to: the correction only lifts
    key = "safety.emergency" if state.hold is Hold.EMERGENCY else "safety.hold_doctor"
    await _send_advice(context, chat_id, language, key, number, state, zone, correct, gentle=True)


def _lift_wait(data: BotData) -> timedelta:
    return timedelta(minutes=data.settings.hold_lift_wait_minutes)


def _mistap_window(data: BotData) -> timedelta:
    return timedelta(minutes=data.settings.hold_mistap_minutes)


@on_press(HoldAnswer, HoldGentle, HoldWhere)
async def answer_hold(press: Press, op: str, *where: str) -> None:
    """The ways out of a hold: two deliberate taps each, the clinician's check never offered
    right after the advice, the correction of a mistake only right after it."""
    state, user = await load_state(press.data, press.user_id)
    emergency = state.hold is Hold.EMERGENCY
    if state.hold is None:
        await press.toast(STALE)
        return
    if op in ("mistap", "clear", "keep"):
        await _correct(press, op, state, user, *where)
        return
    if (
        emergency
        and op in ("lift", "yes")
        and not may_lift(state, press.data.now(), _lift_wait(press.data))
    ):
        await press.query.answer(press.text("safety.toast_hold"))
        return
    await press.query.answer()
    if op == "gentle":
        if emergency:
            await hold_advice(press.context, press.chat_id, press.language, state, user)
            return
        await press.query.edit_message_reply_markup(reply_markup=None)
        routine = gentle_routine(press.data.content)
        if routine is not None:
            await ask_check_in(press.context, press.chat_id, press.language, routine)
        return
    if op == "lift":
        key = "safety.lift_confirm" if emergency else "safety.lift_doctor_confirm"
        await press.query.edit_message_reply_markup(reply_markup=None)
        markup = keyboard(
            [
                button(press.text("safety.lift_yes"), HoldAnswer("yes")),
                button(press.text("safety.lift_no"), HoldAnswer("no")),
            ]
        )
        await reply(press.context, press.chat_id, press.text(key), markup)
        return
    await press.query.edit_message_reply_markup(reply_markup=None)
    if op == "no":
        await reply(press.context, press.chat_id, press.text("safety.not_lifted"))
        return
    await safety.lift_hold(press.data.db, press.user_id, press.data.now())
    logger.info("a safety hold was lifted by the user's statement")
    await reply(press.context, press.chat_id, press.text("safety.lifted"))
    if emergency:
        await reminders_again(press.context, press.chat_id, press.user_id, press.language)


async def reminders_again(context: Context, chat_id: int, user_id: int, language: str) -> None:
    """An emergency hold is lifted: the reminders start again (the daily ones from tomorrow),
    and the person is told when."""
    resumed = await reminder_service.resume_after_hold(
        context.bot_data.db, user_id, context.bot_data.now()
    )
    if resumed.earliest is not None:
        schedule_dispatch(context.application, resumed.earliest)
    if resumed.times and not resumed.paused:
        times = ", ".join(resumed.times)
        await reply(
            context, chat_id, text(context, language, "reminders.resumed_after_hold", times=times)
        )


async def _correct(
    press: Press, op: str, state: SafetyState, user: User | None, *where: str
) -> None:
    """ "It was a mistake" shows the emergency list again; only "None of these apply to me"
    lifts the hold (and the check goes on where it was); Yes keeps it."""
    context, data, language, chat_id = press.context, press.data, press.language, press.chat_id
    if op == "keep":
        await press.toast()
        await press.query.edit_message_reply_markup(reply_markup=None)
        await hold_advice(context, chat_id, language, state, user)
        return
    origin, routine_id = Origin(where[0]), (where[1] if len(where) > 1 else None)
    if not may_correct(state, data.now(), _mistap_window(data)):
        await press.toast("safety.mistap_late")
        return
    await press.toast()
    await press.query.edit_message_reply_markup(reply_markup=None)
    if op == "mistap":
        question = text(context, language, "safety.mistap_check") + "\n\n"
        question += signs_question(data.content, language, origin, EMERGENCY)
        markup = mistap_markup(data.content, language, origin, routine_id)
        await reply(context, chat_id, question, markup)
        return
    if not await safety.correct_mistap(data, press.user_id, origin):
        await reply(context, chat_id, text(context, language, "safety.mistap_late"))
        return
    logger.info("an emergency answer was corrected as a mistake by the user")
    await reply(context, chat_id, text(context, language, "safety.mistap_cleared"))
    await reminders_again(context, chat_id, press.user_id, language)
    if origin is not Origin.ASKED:  # the check goes on with the next group of questions
        await reply(
            context,
            chat_id,
            signs_question(data.content, language, origin, DOCTOR),
            signs_markup(data.content, language, origin, DOCTOR, routine_id),
        )


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


GATE_GROUP = -5  # after the activity marks (-10), before every feature (0)


GATE_HANDLERS: list[BaseHandler[Update, Context, None]] = [
    # Every button whose class `starts_session` (ui/payloads.py); It hurts never does.
    CallbackQueryHandler(hold_gate, pattern=starts_session)
]


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    *press_handlers(answer_hold),
]
