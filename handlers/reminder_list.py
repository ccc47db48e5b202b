"""/reminders: the list, a page at a time, with pause, resume, change and delete; under an
emergency safety hold, every reminder shown as paused for safety."""

from __future__ import annotations

from functools import partial

from background.context import Context
from background.reminder_job import schedule_dispatch
from db.models import Reminder
from handlers.common import Press, Said, on_message, on_press, text
from handlers.remind import ask_time
from handlers.reminder_draft import TIME, describe, draft
from services import reminders as units
from services.reminders import Outcome
from ui.keyboards import Choice, keyboard
from ui.payloads import ReminderAll, ReminderOp, ReminderPage

PAGE_SIZE = 5  # reminders per page of /reminders: 3 buttons each, well within Telegram's limits


@on_message()
async def list_reminders(said: Said) -> None:
    """/reminders: each reminder with pause/resume, change and delete buttons."""
    context, message, user, language = said.context, said.message, said.user, said.language
    await send_list(context, message.chat_id, user.id, language)


async def send_list(
    context: Context,
    chat_id: int,
    user_id: int,
    language: str,
    edit_message_id: int | None = None,
    page: int = 0,
) -> None:
    """The list, PAGE_SIZE reminders a page, so it always fits Telegram's limits."""
    data = context.bot_data
    found = await units.listing(data.db, user_id)
    all_rows = found.rows
    pages = max(1, -(-len(all_rows) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    rows = all_rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    if not rows:
        body, markup = text(context, language, "reminders.list_empty"), None
    else:
        zone = found.zone or data.settings.default_timezone
        lines = [text(context, language, "reminders.list_title", zone=zone)]
        if found.held:  # an emergency hold: paused for safety, never "Resume" as if all were well
            lines.append(text(context, language, "reminders.held_title"))
        buttons = []
        for row in rows:
            lines.append(list_line(context, language, row, found.held))
            buttons.append(row_buttons(context, language, row, found.held))
        if pages > 1:
            lines.append(text(context, language, "reminders.page", page=page + 1, pages=pages))
            buttons.append(
                [
                    (
                        text(context, language, f"reminders.page_{name}"),
                        ReminderPage("page", target % pages),
                    )
                    for name, target in (("prev", page - 1), ("next", page + 1))
                ]
            )
        if found.paused and not found.held:
            lines.append(text(context, language, "reminders.all_paused"))
        if not found.held:
            everything = "resume_all" if found.paused else "pause_all"
            buttons.append(
                [
                    (
                        text(context, language, f"reminders.button_{everything}"),
                        ReminderAll("all", everything),
                    )
                ]
            )
        body, markup = "\n".join(lines), keyboard(buttons)
    if edit_message_id is not None:
        await context.bot.edit_message_text(body, chat_id, edit_message_id, reply_markup=markup)
    else:
        await context.bot.send_message(chat_id, body, reply_markup=markup)


def list_line(context: Context, language: str, row: Reminder, held: bool) -> str:
    """'07:30 · every day', '07:30 · weekdays · paused', '19:30 · once, Wed 25 Nov'."""
    if held:
        state = text(context, language, "reminders.state_held")
    elif not row.enabled:
        state = text(context, language, "reminders.state_paused")
    else:
        state = ""
    return describe(context, language, row) + state


def row_buttons(context: Context, language: str, row: Reminder, held: bool) -> list[Choice]:
    """Pause or resume (a daily reminder, when no hold pauses it), change, delete."""
    ops = ["change", "delete"]
    if not held and not units.one_off(row):
        ops.insert(0, "resume" if not row.enabled else "pause")
    return [
        (
            text(context, language, f"reminders.button_{op}", time=row.local_time),
            ReminderOp(row.id, op),
        )
        for op in ops
    ]


# text_only: the list is edited.
@on_press(ReminderOp, ReminderPage, ReminderAll, text_only=True)
async def manage(press: Press, target: int | str, op: int | str) -> int | None:
    """Buttons of the /reminders list; 'change' re-enters the /remind flow."""
    assert press.query.message is not None
    # The list again, in the same message.
    again = partial(
        send_list,
        press.context,
        press.chat_id,
        press.user_id,
        press.language,
        press.query.message.message_id,
    )
    if target == "page":
        await press.query.answer()
        await again(int(op))
        return None
    if target == "all":
        held = await units.pause_all(press.data.db, press.user_id, op == "pause_all")
        toast = "reminders.paused" if op == "pause_all" else "reminders.resumed"
        await press.toast("reminders.toast_held" if held and op == "resume_all" else toast)
        await again()
        return None
    assert isinstance(target, int)
    if op == "change":
        if not await units.owned(press.data.db, press.user_id, target):
            await press.toast("reminders.old")
            return None
        await press.query.answer()
        state = draft(press.context)
        state.clear()
        state["editing"] = target
        await ask_time(press.context, press.chat_id, press.language)
        return TIME
    changed = await units.change(press.data.db, press.user_id, target, str(op), press.data.now())
    if changed.outcome is not Outcome.DONE:
        await press.toast("reminders.old")
        return None
    schedule_dispatch(press.context.application, changed.earliest)
    held = changed.held and op == "resume"
    await press.toast("reminders.toast_held" if held else CHANGED_TOASTS[str(op)])
    await send_list(
        press.context, press.chat_id, press.user_id, press.language, press.query.message.message_id
    )
    return None


CHANGED_TOASTS = {
    "delete": "reminders.deleted",
    "pause": "reminders.paused",
    "resume": "reminders.resumed",
}
