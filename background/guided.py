"""Guided sessions outside a handler's flow: the live record and its plan, the note on today's
dose, and the offer to resume a session that a restart interrupted."""

from __future__ import annotations

import contextlib
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application

from core.context import BotData
from db import routines as store
from db.users import get_user
from engine.plan import Direction, compare
from engine.routines import is_gentle, routine_doses, routine_exists, routine_plan
from engine.sessions import Live
from ui.guided import dose_text, item_title, routine_title
from ui.payloads import Action, build

logger = logging.getLogger(__name__)


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
    plan = routine_plan(
        data.content,
        routine_id,
        level,
        data.progression.levels,
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
    """'Today: Quick routine, a little more than last time: Cat and cow, 6 repetitions (was 5).'

    `last` is the level of the last session of the same routine (None: the first one), so the
    note compares like with like, and it names every exercise whose dose changed.
    """
    content, language = data.content, live.language
    routine = routine_title(content, live.routine_id, language)
    count = len(live.plan.amounts)
    if is_gentle(content, live.routine_id):
        return content.text(language, "routine.level_gentle", count=count)
    if last is None:  # the first session of this routine: at the start, or at the level reached
        key = "routine.level_first" if live.level == 0 else "routine.level_new"
        return content.text(language, key, routine=routine, count=count)
    doses = routine_doses(content, live.routine_id)
    before = routine_plan(
        content,
        live.routine_id,
        last,
        data.progression.levels,
        data.settings.routine_time_scale,
    )
    change = compare(before, live.plan)
    if change.direction is Direction.SAME:
        return content.text(language, "routine.level_same", routine=routine)
    changes = "; ".join(
        content.text(
            language,
            "routine.level_change",
            title=item_title(content, live.routine_id, item, language),
            dose=dose_text(content, language, live.plan, doses, item),
            before=dose_text(content, language, before, doses, item),
        )
        for item in change.items
    )
    key = {
        Direction.HARDER: "routine.level_up",
        Direction.EASIER: "routine.level_down",
    }.get(change.direction, "routine.level_mixed")
    return content.text(language, key, routine=routine, changes=changes)


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


async def recover_sessions(application: Application, lapsed: list[str] | None = None) -> None:
    """Offer Resume or End, once, for every session that was running and is no longer.

    At start (`lapsed` None): the sessions this process (INSTANCE_ID) ran before it stopped.
    Later: those of other processes whose lease has lapsed; never those of a live process.
    """
    data: BotData = application.bot_data
    owners = lapsed if lapsed is not None else [data.settings.instance_id]
    async with data.db() as tx:
        rows = await store.claim_interrupted(tx, owners, unowned=lapsed is None)
        users = {row.user_id: await get_user(tx, row.user_id) for row in rows}
        await tx.commit()
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
