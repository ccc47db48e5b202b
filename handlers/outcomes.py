"""What a person tells about their back beyond the sessions: the weekly check (PEG-3) and which
exercise hurt when a session stopped for pain (which changes their next plan).

Both are health data: stored only with consent. Without it the weekly check cannot be turned on
and the which-exercise question is not asked (nothing could be kept).
"""

from __future__ import annotations

import logging

from background.context import Context
from content import Content
from guided.engine.routines import routine_exists, routine_items
from handlers.common import STALE, Press, on_press, press_handlers, text
from services import outcomes
from services.outcomes import Hurt, HurtNote
from ui.guided import item_title
from ui.keyboards import Choice, keyboard
from ui.payloads import HurtWhich, Peg, PegOff
from ui.progress import change_text, decimal, easier_title, exercise_title, peg_question

logger = logging.getLogger(__name__)

NOT_AN_EXERCISE = "x"


# text_only: each answer edits the question.
@on_press(Peg, PegOff, text_only=True)
async def answer_peg(press: Press, *answers: int | str) -> None:
    """One answer of the weekly check: the next question, or the score; or turn it off."""
    await press.query.answer()
    if answers == ("off",):
        await outcomes.stop_weekly(press.data.db, press.user_id)
        await press.edit(press.text("peg.stopped"))
        return
    scores = tuple(int(answer) for answer in answers)
    if len(scores) < 3:
        body, markup = peg_question(press.data.content, press.language, scores)
        await press.edit(body, markup)
        return
    pain, enjoyment, activity = scores
    result = await outcomes.record_peg(
        press.data.db, press.user_id, (pain, enjoyment, activity), press.data.now()
    )
    if not result.stored:
        await press.edit(press.text("peg.not_stored"))
        return
    lines = [press.text("peg.done", score=decimal(round(sum(scores) / 3, 1), press.language))]
    if result.before is not None:
        lines.append(press.text("peg.done_before", score=decimal(result.before, press.language)))
    await press.edit("\n".join(lines))
    logger.info("user %s answered the weekly check", press.user_id)  # the answers are not logged


def hurt_title(content: Content, hurt: Hurt, language: str) -> str:
    """The name of what hurt as the person saw it: the easier version's, if it was shown."""
    title = easier_title if hurt.easier else exercise_title
    return title(content, hurt.exercise_id, language)


def hurt_change(content: Content, hurt: Hurt, language: str, key: str) -> str:
    """What changes for it for a while, in words (`key`: hurt.change or hurt.noted)."""
    return change_text(
        content,
        language,
        hurt.exercise_id,
        key,
        hurt.change,
        was_easier=hurt.easier,
        gentle=hurt.gentle,
    )


async def ask_which_exercise(context: Context, chat_id: int, language: str, note: HurtNote) -> None:
    """The last question after a pain report: the exercise noted (as the person saw it), and
    in one tap the others done so far, or "it was not an exercise"."""
    data = context.bot_data
    if not routine_exists(data.content, note.routine_id):
        return
    items = routine_items(data.content, note.routine_id)
    current, hurt_id, hurt = min(note.current, len(items) - 1), note.hurt_id, note.hurt
    others: list[list[Choice]] = []
    seen = {hurt.exercise_id}
    for index in range(current - 1, -1, -1):
        other = items[index].exercise
        if other not in seen:
            seen.add(other)
            others.append(
                [
                    (
                        item_title(data.content, note.routine_id, index, language),
                        HurtWhich(hurt_id, index),
                    )
                ]
            )
    none = (text(context, language, "hurt.none_button"), HurtWhich(hurt_id, None))
    await context.bot.send_message(
        chat_id,
        text(
            context,
            language,
            "hurt.question",
            title=hurt_title(data.content, hurt, language),
            change=hurt_change(data.content, hurt, language, "hurt.change"),
        )
        # Only what can be tapped is offered: the others done so far, if any.
        + "\n"
        + text(context, language, "hurt.tap_other" if others else "hurt.tap_none"),
        reply_markup=keyboard([*others, [none]]),
    )


# text_only: the answer edits the question.
@on_press(HurtWhich, text_only=True)
async def answer_hurt(press: Press, hurt_id: int, index: int | None) -> None:
    """Another exercise hurt (its place in the session), or none did (None): the answer, and so
    the next plan, changes."""
    changed = await outcomes.change_hurt(press.data, press.user_id, hurt_id, index)
    if not changed.found:
        await press.toast(STALE)
        return
    await press.toast()
    if changed.hurt is None:
        await press.edit(press.text("hurt.removed"))
        return
    await press.edit(
        press.text(
            "hurt.noted",
            title=hurt_title(press.data.content, changed.hurt, press.language),
            change=hurt_change(press.data.content, changed.hurt, press.language, "hurt.noted"),
        )
    )


HANDLERS = [*press_handlers(answer_peg, answer_hurt)]
