"""/exercises and /exercise NAME: the illustrated library, browsed in one edited message."""

from __future__ import annotations

import html
import logging

from telegram.error import BadRequest
from telegram.ext import CommandHandler

from background.context import BotData, Context
from content import Content
from guided.engine.routines import single
from handlers.common import (
    STALE,
    Press,
    Said,
    on_message,
    on_press,
    press_handlers,
    text,
)
from handlers.safety import offer_session
from ui.keyboards import Choice, Keyboard, Row, keyboard, open_app
from ui.listen import exercise_listen
from ui.payloads import Browse, BrowseListen

logger = logging.getLogger(__name__)


def dose_summary(content: Content, exercise_id: str, language: str) -> str:
    """'3–5 breaths, each side' from the exercise's own dose."""
    dose = content.exercises[exercise_id].dose
    amount = dose.amount
    unit = content.text(language, f"routine.unit_{dose.unit}", count=amount.max)
    span = f"{amount.start}" if amount.start == amount.max else f"{amount.start}–{amount.max}"
    summary = f"{span} {unit}"
    if dose.per_side:
        summary += ", " + content.text(language, "routine.per_side")
    return summary


def render(content: Content, language: str, index: int, view: str) -> tuple[str, str, bool]:
    """The caption, the media file name and whether it is an animation, for one view."""
    exercise = list(content.exercises.values())[index]
    title = content.localize(exercise.title, language)
    picture, animated = exercise.picture, False
    if view == "card" and exercise.animation:
        picture, animated = exercise.animation, True
    if view == "steps":
        steps = content.localize(exercise.steps, language)
        cautions = content.localize(exercise.cautions, language)
        cues = exercise.breathing
        caption = content.text(
            language,
            "exercises.steps",
            title=title,
            steps="\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1)),
            breathing=f"{content.localize(cues.inhale, language)} / "
            f"{content.localize(cues.exhale, language)}",
            cautions="\n".join(f"• {line}" for line in cautions),
        )
    elif view in ("easier", "harder"):
        variant = getattr(exercise, view)
        if variant is None:
            return render(content, language, index, "card")
        if variant.picture:
            picture, animated = variant.picture, False
        steps = content.localize(variant.steps, language)
        caption = content.text(
            language,
            "exercises.variant",
            label=content.text(language, f"exercises.{view}_label"),
            title=content.localize(variant.title, language),
            steps="\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1)),
        )
    else:
        caption = content.text(
            language,
            "exercises.card",
            title=title,
            purpose=content.localize(exercise.purpose, language),
            position=content.text(language, f"exercises.position_{exercise.position}"),
            dose=dose_summary(content, exercise.id, language),
            page=content.text(
                language, "exercises.page", number=index + 1, count=len(content.exercises)
            ),
        )
    return caption, picture, animated


def library_keyboard(
    content: Content, language: str, index: int, view: str, app_url: str | None = None
) -> Keyboard:
    """Previous/next, steps, easier/harder, 'try it' and Listen buttons (and Open in the app
    on a row of its own when the Mini App is served)."""
    exercise = list(content.exercises.values())[index]
    count = len(content.exercises)

    def button(key: str, target: int, target_view: str) -> Choice:
        return (content.text(language, f"exercises.button_{key}"), Browse(target, target_view))

    rows: list[Row] = [
        [button("prev", (index - 1) % count, "card"), button("next", (index + 1) % count, "card")]
    ]
    details = (
        [button("back", index, "card")] if view != "card" else [button("steps", index, "steps")]
    )
    if exercise.easier is not None and view != "easier":
        details.append(button("easier", index, "easier"))
    if exercise.harder is not None and view != "harder":
        details.append(button("harder", index, "harder"))
    rows.append(details)
    listen = (exercise_listen(content, language), BrowseListen(index))  # handlers/listen.py
    rows.append([button("try", index, "try"), listen])
    if app_url:
        rows.append([open_app(content.text(language, "app.open_in_app"), app_url)])
    return keyboard(rows)


async def send_card(context: Context, chat_id: int, language: str, index: int) -> None:
    """Send a new library message showing one exercise."""
    data = context.bot_data
    caption, picture, animated = render(data.content, language, index, "card")
    await data.media.send(
        context.bot,
        chat_id,
        picture,
        animation=animated,
        caption=caption,
        reply_markup=library_keyboard(
            data.content, language, index, "card", data.settings.mini_app_url
        ),
    )


@on_message()
async def browse(said: Said) -> None:
    """/exercises: the first exercise of the library."""
    context, message, language = said.context, said.message, said.language
    await send_card(context, message.chat_id, language, 0)


@on_message()
async def find(said: Said) -> None:
    """/exercise NAME: find one by name or id, tolerant of case and small typos."""
    context, message, language = said.context, said.message, said.language
    data = context.bot_data
    query = " ".join(context.args or []).strip()
    if not query:
        await message.reply_text(text(context, language, "exercises.usage"))
        return
    exercise = data.content.find_exercise(query, language)
    if exercise is None:
        await message.reply_text(
            text(context, language, "exercises.not_found", query=html.escape(query[:60])),
            reply_markup=exercise_list(data, language),
        )
        return
    index = list(data.content.exercises).index(exercise.id)
    await send_card(context, message.chat_id, language, index)


def exercise_list(data: BotData, language: str) -> Keyboard:
    """Every exercise as a button."""
    return keyboard(
        [
            [(data.content.localize(exercise.title, language), Browse(index, "open"))]
            for index, exercise in enumerate(data.content.exercises.values())
        ]
    )


@on_press(Browse, on_screen=True)
async def navigate(press: Press, index: int, view: str) -> None:
    """Edit the library message in place: another exercise or another view of it.

    Only a button of the message pressed is honoured: the edit replaces its picture, which a
    forged payload on another message (a text has none) would ask Telegram to do in vain.
    """
    assert press.query.message is not None  # on_press passes only presses on a message
    if index >= len(press.data.content.exercises):
        await press.toast(STALE)
        return
    if view == "open":
        await press.query.answer()
        await send_card(press.context, press.chat_id, press.language, index)
        return
    if view == "try":
        await press.query.answer()
        await offer_session(
            press.context,
            press.chat_id,
            press.query.from_user.id,
            press.language,
            single_exercise_routine(press.data, index),
        )
        return
    await press.query.answer()
    caption, picture, animated = render(press.data.content, press.language, index, view)
    try:
        await press.data.media.edit(
            press.context.bot,
            press.chat_id,
            press.query.message.message_id,
            picture,
            animation=animated,
            caption=caption,
            reply_markup=library_keyboard(
                press.data.content, press.language, index, view, press.data.settings.mini_app_url
            ),
        )
    except BadRequest as error:
        if "not modified" not in error.message.lower():  # a double tap on the same view
            raise


def single_exercise_routine(data: BotData, index: int) -> str:
    """The id of the one-exercise routine for the library's exercise at this index."""
    return single(list(data.content.exercises)[index])


HANDLERS = [
    CommandHandler("exercises", browse),
    CommandHandler("exercise", find),
    *press_handlers(navigate),
]
