"""The buttons of a reminder message: Start, Snooze, Skip today."""

from __future__ import annotations

import logging

from background.reminder_job import schedule_dispatch
from handlers.common import Press, on_press, press_handlers
from handlers.safety import offer_session
from services import reminders as units
from services.reminders import Outcome
from ui.payloads import Nudge, NudgeStart

logger = logging.getLogger(__name__)


@on_press(Nudge, NudgeStart)
async def answer_nudge(press: Press, reminder_id: int, op: str) -> None:
    """Start routine, Snooze or Skip today, on a reminder message."""
    data, user_id, now = press.data, press.user_id, press.data.now()
    if op == "start":
        normal = [r.id for r in data.content.routines.values() if not r.gentle]
        routine_id = await units.routine_to_start(data.db, user_id, reminder_id, normal)
        if routine_id is None:
            await press.toast("reminders.old")
            return
        await press.toast()
        await press.query.edit_message_reply_markup(reply_markup=None)
        await offer_session(press.context, press.chat_id, user_id, press.language, routine_id)
        return
    minutes = data.settings.snooze_minutes
    if op == "snooze":
        changed = await units.snooze(data.db, user_id, reminder_id, now, minutes)
    else:
        changed = await units.skip_today(data.db, user_id, reminder_id, now)
    if changed.outcome is not Outcome.DONE:
        await press.toast(TOASTS[changed.outcome])
        return
    schedule_dispatch(press.context.application, changed.earliest)
    key = "reminders.snoozed" if op == "snooze" else "reminders.skipped"
    toast = press.text(key, minutes=minutes, count=minutes)
    await press.query.answer(toast)
    await press.query.edit_message_reply_markup(reply_markup=None)
    await press.context.bot.send_message(press.chat_id, toast)


TOASTS = {
    Outcome.NOT_FOUND: "reminders.old",
    Outcome.ALREADY_SNOOZED: "reminders.already_snoozed",
    Outcome.HELD: "reminders.toast_held",  # nothing to snooze or skip: the hold pauses them
}

HANDLERS = [*press_handlers(answer_nudge)]
