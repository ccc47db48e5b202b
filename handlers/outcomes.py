"""What a person tells about their back beyond the sessions: the weekly check (PEG-3) and which
exercise hurt when a session stopped for pain, and how that changes their next plan.

Both are health data: stored only with consent. Without it the weekly check cannot be turned on
and the which-exercise question is not asked (nothing could be kept).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from content import Content
from content.adapted import adapt, adaptations
from core.context import BotData, Context
from db import progress as store
from db.routines import get_session
from engine.sessions import Live
from handlers.common import language_of, on_text_message, text
from handlers.payloads import Action, build, number, parse, pattern
from handlers.progress_view import easier_title, exercise_title, peg_question
from handlers.progress_view import number as decimal
from handlers.routine_view import routine_exists, routine_items

logger = logging.getLogger(__name__)

RATINGS = frozenset(str(n) for n in range(11))
NOT_AN_EXERCISE = "x"


# --- the weekly check ------------------------------------------------------------------------


async def answer_peg(update: Update, context: Context) -> None:
    """One answer of the weekly check: the next question, or the score; or turn it off."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    data = context.bot_data
    language = await language_of(update, context)
    fields = parse(query.data, Action.PEG)
    valid = fields is not None and (
        fields == ["off"] or (1 <= len(fields) <= 3 and all(f in RATINGS for f in fields))
    )
    if not valid or fields is None or not on_text_message(query):
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    await query.answer()
    user_id = query.from_user.id
    if fields == ["off"]:
        async with data.db() as session:
            await store.stop_weekly_check(session, user_id)
            await session.commit()
        await query.edit_message_text(text(context, language, "peg.stopped"))
        return
    answers = [int(f) for f in fields]
    if len(answers) < 3:
        body, markup = peg_question(data.content, language, answers)
        await query.edit_message_text(body, reply_markup=markup)
        return
    async with data.db() as session:
        before = await store.last_peg(session, user_id)
        pain, enjoyment, activity = answers
        stored = await store.record_peg(session, user_id, pain, enjoyment, activity, data.now())
        await session.commit()
    if not stored:
        await query.edit_message_text(text(context, language, "peg.not_stored"))
        return
    score = round(sum(answers) / 3, 1)
    lines = [text(context, language, "peg.done", score=decimal(score, language))]
    if before is not None:
        lines.append(text(context, language, "peg.done_before", score=decimal(before, language)))
    await query.edit_message_text("\n".join(lines))
    logger.info("user %s answered the weekly check", user_id)  # the answers are not logged


# --- which exercise hurt ---------------------------------------------------------------------


def change_text(content: Content, language: str, exercise_id: str, key: str) -> str:
    """'for a while you will do its easier version, X' / 'I will leave it out for a while'."""
    change = content.exercises[exercise_id].after_pain
    if change == "leave_out":
        return content.text(language, f"{key}_left_out")
    return content.text(
        language, f"{key}_easier", easier=easier_title(content, exercise_id, language)
    )


async def ask_which_exercise(
    context: Context, chat_id: int, user_id: int, language: str, live: Live | None
) -> None:
    """After a pain report in a session: note the exercise on screen (the default) and offer,
    in one tap, the others done so far, or "it was not an exercise"."""
    data = context.bot_data
    if live is None or not routine_exists(data.content, live.routine_id):
        return
    items = routine_items(data.content, live.routine_id)
    current = min(live.current.item, len(items) - 1)
    exercise_id = items[current].exercise
    after_pain = data.content.exercises[exercise_id].after_pain
    async with data.db() as session:
        hurt_id = await store.record_hurt(
            session, user_id, live.session_id, exercise_id, after_pain, data.now()
        )
        await session.commit()
    if hurt_id is None:
        return  # no consent: nothing can be kept, so nothing is asked
    others: list[list[InlineKeyboardButton]] = []
    seen = {exercise_id}
    for index in range(current - 1, -1, -1):
        other = items[index].exercise
        if other not in seen:
            seen.add(other)
            others.append(
                [
                    InlineKeyboardButton(
                        exercise_title(data.content, other, language),
                        callback_data=build(Action.HURT, hurt_id, index),
                    )
                ]
            )
    none = InlineKeyboardButton(
        text(context, language, "hurt.none_button"),
        callback_data=build(Action.HURT, hurt_id, NOT_AN_EXERCISE),
    )
    await context.bot.send_message(
        chat_id,
        text(
            context,
            language,
            "hurt.question",
            title=exercise_title(data.content, exercise_id, language),
            change=change_text(data.content, language, exercise_id, "hurt.change"),
        ),
        reply_markup=InlineKeyboardMarkup([*others, [none]]),
    )


async def answer_hurt(update: Update, context: Context) -> None:
    """Another exercise hurt, or none did: the answer (and so the next plan) changes."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    data = context.bot_data
    language = await language_of(update, context)
    fields = parse(query.data, Action.HURT) or []
    hurt_id = number(fields[0]) if len(fields) == 2 else None
    choice = fields[1] if len(fields) == 2 else ""
    index = None if choice == NOT_AN_EXERCISE else number(choice)
    if hurt_id is None or (index is None and choice != NOT_AN_EXERCISE):
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    user_id = query.from_user.id
    exercise_id: str | None = None
    async with data.db() as session:
        row = await store.get_hurt(session, user_id, hurt_id)
        stopped = await get_session(session, row.session_id) if row and row.session_id else None
        if index is not None and stopped is not None:
            items = routine_items(data.content, stopped.routine_id)
            exercise_id = items[index].exercise if index < len(items) else None
        fine = row is not None and (index is None or exercise_id is not None)
        if fine and exercise_id is not None:
            change = data.content.exercises[exercise_id].after_pain
            await store.change_hurt(session, user_id, hurt_id, exercise_id, change)
        elif fine:
            await store.change_hurt(session, user_id, hurt_id, None, "")
        await session.commit()
    if not fine or not on_text_message(query):
        await query.answer(text(context, language, "fallback.stale_button"))
        return
    await query.answer()
    if exercise_id is None:
        await query.edit_message_text(text(context, language, "hurt.removed"))
        return
    await query.edit_message_text(
        text(
            context,
            language,
            "hurt.noted",
            title=exercise_title(data.content, exercise_id, language),
            change=change_text(data.content, language, exercise_id, "hurt.noted"),
        )
    )


async def adapted_routine(
    session: AsyncSession, data: BotData, user_id: int, routine_id: str
) -> str:
    """The routine id with the exercises that hurt lately made easier or left out."""
    since = data.now() - timedelta(days=data.settings.hurt_exercise_days)
    hurt = await store.recent_hurts(session, user_id, since)
    return adapt(data.content, routine_id, hurt) if hurt else routine_id


def plan_changes_note(content: Content, language: str, routine_id: str) -> str:
    """Lines for the plan note: what is easier or left out today, and why."""
    lines = []
    for exercise_id, change in adaptations(content, routine_id):
        key = "hurt.plan_left_out" if change == "leave_out" else "hurt.plan_easier"
        lines.append(
            "\n"
            + content.text(
                language,
                key,
                title=exercise_title(content, exercise_id, language),
                easier=easier_title(content, exercise_id, language),
            )
        )
    return "".join(lines)


HANDLERS = [
    CallbackQueryHandler(answer_peg, pattern=pattern(Action.PEG)),
    CallbackQueryHandler(answer_hurt, pattern=pattern(Action.HURT)),
]
