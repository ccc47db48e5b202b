"""The flare-up questions before a session after a pain report: how is it, could you consult,
the gentle plan or the normal one."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from background.context import Context
from guided.engine.routines import gentle_routine, routine_exists
from handlers.checkin import ask_check_in
from handlers.common import STALE, Press, button, on_press, press_handlers, reply
from handlers.safety import offer_session
from services import safety
from ui.keyboards import keyboard
from ui.payloads import FlareConsulted, FlareHow, FlarePlan


@on_press(FlareHow, FlareConsulted, FlarePlan, text_only=True)
async def answer_flare(press: Press, step: str, routine_id: str, *answers: str) -> None:
    """How is it now, could you consult, then the gentle plan or back to the normal plan."""
    if not routine_exists(press.data.content, routine_id):
        await press.toast(STALE)
        return
    await press.query.answer()
    if step == "h":
        trend = answers[0]
        await press.edit(
            press.text("flare.consulted"),
            keyboard(
                [
                    [
                        (
                            press.text(f"flare.consulted_{answer}"),
                            FlareConsulted("c", routine_id, trend, answer),
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
            lines.append(press.text("flare.worse"))
        elif consulted == "n":
            lines.append(press.text("flare.not_yet"))
        lines.append(press.text("flare.offer"))
        rows = [button(press.text("flare.gentle_button"), FlarePlan("g", routine_id))]
        if trend != "w":
            rows.append(button(press.text("flare.normal_button"), FlarePlan("n", routine_id)))
        await press.edit("\n\n".join(lines), keyboard(rows))
        return
    await press.query.edit_message_reply_markup(reply_markup=None)
    if step == "n":
        await safety.end_flare(press.data.db, press.user_id, press.data.now())
        await reply(press.context, press.chat_id, press.text("flare.back_to_normal"))
        await offer_session(press.context, press.chat_id, press.user_id, press.language, routine_id)
        return
    gentle = gentle_routine(press.data.content)
    await ask_check_in(press.context, press.chat_id, press.language, gentle or routine_id)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    *press_handlers(answer_flare),
]
