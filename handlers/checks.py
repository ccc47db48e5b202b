"""Answers to the checks that follow a painful day: the morning check and the daily check that
replaces the routine invitation after a pain report. They ask; they never push.

Worse than before (or 7 or more) starts the flare-up mode: the next /routine offers the gentle
plan, with advice to see a doctor if it persists. Better gets a kind word. One tap turns the
morning checks off, or pauses every reminder.
"""

from __future__ import annotations

import logging

from guided.engine.routines import gentle_routine
from handlers.common import Press, on_press, press_handlers
from handlers.holds import hold_advice
from safety.rules import Hold, Trend
from services import safety
from services.safety import load_state
from ui.keyboards import keyboard
from ui.payloads import Ask, FlarePlan

logger = logging.getLogger(__name__)

RATINGS = {str(n) for n in range(11)}


@on_press(Ask)
async def answer_check(press: Press, kind: str, reference: int | None, op: str) -> None:
    """A 0-10 answer, "stop these morning checks", or "pause all reminders"."""
    await press.query.answer()
    result = await safety.answer_check(
        press.data.db,
        user_id=press.user_id,
        language=press.language,
        kind=kind,
        reference=reference,
        op=op,
        now=press.data.now(),
    )
    await press.query.edit_message_reply_markup(reply_markup=None)
    state, user = await load_state(press.data, press.user_id)
    if state.hold is Hold.EMERGENCY and op not in ("off", "pause"):
        await hold_advice(
            press.context, press.chat_id, press.language, state, user
        )  # nothing else is offered
        return
    if op in ("off", "pause"):
        key = "checks.off" if op == "off" else "checks.paused"
        await press.reply(key)
        return
    markup = None
    gentle = gentle_routine(press.data.content)
    if kind == "d" and result is not Trend.HIGH and gentle is not None:
        # The daily check replaces the invitation: the gentle plan is offered, never pushed.
        markup = keyboard([[(press.text("flare.gentle_button"), FlarePlan("g", gentle))]])
    assert result is not None  # a rating was given (off and pause returned above)
    answer = {
        Trend.HIGH: "checks.high",
        Trend.WORSE: "checks.worse",
        Trend.SAME: "checks.same",
        Trend.UNKNOWN: "checks.same",
        Trend.BETTER: "checks.better",
    }[result]
    await press.reply(answer, markup=markup)


HANDLERS = [*press_handlers(answer_check)]
