"""The flare-up questions before a session after a pain report: how is it, could you consult,
the gentle plan or the normal one."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler

from background.context import Context
from guided.engine.routines import gentle_routine, routine_exists
from handlers.checkin import ask_check_in
from handlers.common import STALE, Press, button, on_press, press_handlers, reply, text
from handlers.safety import offer_session
from services import safety
from ui.payloads import FlareConsulted, FlareHow, FlarePlan


@on_press(FlareHow, FlareConsulted, FlarePlan, text_only=True)
async def answer_flare(press: Press, step: str, routine_id: str, *answers: str) -> None:
    """How is it now, could you consult, then the gentle plan or back to the normal plan."""
    query, context, data, language = press.query, press.context, press.data, press.language
    chat_id, user_id = press.chat_id, press.user_id
    if not routine_exists(data.content, routine_id):
        await press.toast(STALE)
        return
    await query.answer()
    if step == "h":
        trend = answers[0]
        await query.edit_message_text(
            text(context, language, "flare.consulted"),
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            text(context, language, f"flare.consulted_{answer}"),
                            callback_data=FlareConsulted("c", routine_id, trend, answer).pack(),
                        )
                        for answer in ("y", "n")
                    ]
                ]
            ),
        )
        return
    if step == "c":
        trend, consulted = answers
        lines = []
        if trend == "w":
            lines.append(text(context, language, "flare.worse"))
        elif consulted == "n":
            lines.append(text(context, language, "flare.not_yet"))
        lines.append(text(context, language, "flare.offer"))
        rows = [button(text(context, language, "flare.gentle_button"), FlarePlan("g", routine_id))]
        if trend != "w":
            rows.append(
                button(text(context, language, "flare.normal_button"), FlarePlan("n", routine_id))
            )
        await query.edit_message_text("\n\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))
        return
    await query.edit_message_reply_markup(reply_markup=None)
    if step == "n":
        await safety.end_flare(data.db, user_id, data.now())
        await reply(context, chat_id, text(context, language, "flare.back_to_normal"))
        await offer_session(context, chat_id, user_id, language, routine_id)
        return
    gentle = gentle_routine(data.content)
    await ask_check_in(context, chat_id, language, gentle or routine_id)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    *press_handlers(answer_flare),
]
