"""Reminders under an emergency safety hold, end to end: a reminder set under the hold is stored
and says it is paused for safety; /reminders shows every reminder paused for safety and offers
no Resume; nothing is sent and no reply invites to exercise while the hold lasts; when it is
lifted, daily reminders start again the next day."""

from __future__ import annotations

from datetime import UTC, datetime

from background.reminder_job import schedule_dispatch
from db.models import Reminder, ReminderDelivery
from emulator.render import plain
from services import reminders, safety
from tests.e2e.helpers import FakeClock, dispatch_now, rows
from tests.e2e.test_pain import report_with_emergency_signs

NOW = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # Tuesday 24 November, 06:00 UTC
INVITING = ("Start routine", "/routine", "routine", "stretch", "exercise")


async def put_on_emergency_hold(user) -> None:  # type: ignore[no-untyped-def]
    """As people do: a pain report, then yes to an emergency sign."""
    await report_with_emergency_signs(user)
    await user.wait_text("Please get emergency care now")


async def user_in_utc(app, make_user):  # type: ignore[no-untyped-def]
    """A person in UTC, with the bot's clock at NOW (the clock, the person)."""
    clock = FakeClock(NOW)
    app.bot_data.now = clock
    user = make_user()
    await user.send("/timezone UTC")
    await user.wait_text("Time zone set")
    return clock, user


def said_since(user, mark: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Every text and button label the bot sent or edited in since `mark`, and every toast."""
    said = []
    for event in user.events[mark:]:
        if event.kind in ("send", "edit") and event.message is not None:
            said.append(plain(event.message))
            said.extend(user.buttons(event.message_id))
        elif event.kind == "answer" and event.answer:
            said.append(event.answer)
    return said


async def test_a_reminder_set_under_a_hold_is_paused_and_says_so(app, make_user) -> None:  # type: ignore[no-untyped-def]
    clock, user = await user_in_utc(app, make_user)
    await user.send("/remind 8:00")
    await user.wait_text("Done: I will remind you at 08:00")
    await put_on_emergency_hold(user)
    mark = user.mark()
    await user.send("/remind 7:30")
    await user.press("Add 07:30 as another")
    saved = await user.wait_text("Saved: 07:30, every day.")
    assert "paused, like all your reminders, for your safety" in plain(saved.message)
    assert "start again once the hold is lifted" in plain(saved.message)
    assert "I will remind you" not in plain(saved.message)
    await user.send("/remind tomorrow at 9")
    once = await user.wait_text("Saved: once, at 09:00 on Wed 25 Nov.")
    assert "It comes only if the hold is lifted before then." in plain(once.message)
    await user.send("/reminders")
    listing = await user.wait_text("Your reminders are paused for your safety while the hold lasts")
    assert "07:30 · every day · paused for safety" in plain(listing.message)
    assert "08:00 · every day · paused for safety" in plain(listing.message)
    assert "09:00 · once, Wed 25 Nov · paused for safety" in plain(listing.message)
    shown = user.buttons(listing.message_id)
    assert shown == ["✏ 07:30", "🗑 07:30", "✏ 08:00", "🗑 08:00", "✏ 09:00", "🗑 09:00"]
    assert {
        (r.local_time, r.enabled) for r in await rows(app, Reminder) if r.kind != "next_day"
    } == {
        ("07:30", True),
        ("08:00", True),
        ("09:00", True),
    }
    for hours in (1.5, 1, 24):  # 07:30, 08:00, and the next day's 07:30, 08:00 and the one-off
        clock.advance(hours=hours)
        await dispatch_now(app)
        await user.expect_silence(0.3)
    assert not [line for line in said_since(user, mark) for word in INVITING if word in line]


async def test_old_buttons_under_a_hold_say_it_is_paused_for_safety(app, make_user) -> None:  # type: ignore[no-untyped-def]
    clock, user = await user_in_utc(app, make_user)
    await user.send("/remind 6:30")
    await user.wait_text("Done:")
    clock.advance(minutes=30)
    await dispatch_now(app)
    nudge = await user.next_message()
    await user.send("/reminders")
    listing = await user.wait_text("06:30 · every day")
    await user.press("Pause all", message_id=listing.message_id)
    await user.wait_text("All reminders are paused")
    await put_on_emergency_hold(user)
    mark = user.mark()
    held = "Your reminders are paused for your safety until the hold is lifted."
    resume_all = await user.press("Resume all", message_id=listing.message_id)
    assert await user.answer_for(resume_all) == held
    for label in ("Snooze", "Skip today"):
        pressed = await user.press(label, message_id=nudge["message_id"])
        assert await user.answer_for(pressed) == held
    await user.send("/reminders")
    again = await user.wait_text("paused for your safety while the hold lasts")
    assert "All reminders are paused" not in plain(again.message)
    assert user.buttons(again.message_id) == ["✏ 06:30", "🗑 06:30"]
    said = said_since(user, mark)
    assert not [line for line in said for word in INVITING if word in line]
    assert not [line for line in said if "again in 30 minutes" in line or "tomorrow" in line]


async def test_when_the_hold_is_lifted_daily_reminders_start_the_next_day(app, make_user) -> None:  # type: ignore[no-untyped-def]
    clock, user = await user_in_utc(app, make_user)
    await put_on_emergency_hold(user)
    await user.send("/remind 7:30")
    await user.wait_text("Saved: 07:30, every day.")
    await user.send("/remind today at 20:00")
    await user.wait_text("Saved: once, at 20:00 on Tue 24 Nov.")
    # The safety handler lifts the hold (services.safety.lift_hold), then resumes reminders.
    await safety.lift_hold(app.bot_data.db, user.user_id, clock())
    resumed = await reminders.resume_after_hold(app.bot_data.db, user.user_id, clock())
    assert resumed.times == ("07:30",) and resumed.paused is False
    schedule_dispatch(app, resumed.earliest)
    await user.send("/reminders")
    listing = await user.wait_text("07:30 · every day")
    assert "paused for safety" not in plain(listing.message)
    assert "⏸ 07:30" in user.buttons(listing.message_id)
    clock.advance(hours=1, minutes=30)  # 07:30 today, an hour and a half after the lift
    await dispatch_now(app)
    await user.expect_silence(0.3)
    clock.advance(hours=12, minutes=30)  # 20:00 today: the one-off, set for then, comes
    await dispatch_now(app)
    await user.next_message()  # after a pain report it asks how the back is (safety rules)
    clock.advance(hours=11, minutes=30)  # 07:30 tomorrow
    await dispatch_now(app)
    await user.next_message()
    sent = sorted((d.due, d.status) for d in await rows(app, ReminderDelivery))
    assert sent == [
        (datetime(2026, 11, 24, 20, 0, tzinfo=UTC), "sent"),
        (datetime(2026, 11, 25, 7, 30, tzinfo=UTC), "sent"),
    ]


async def test_resuming_after_a_hold_changes_nothing_while_it_lasts(app, make_user) -> None:  # type: ignore[no-untyped-def]
    _, user = await user_in_utc(app, make_user)
    await user.send("/remind 7:30")
    await user.wait_text("Done:")
    [before] = await rows(app, Reminder)
    await put_on_emergency_hold(user)
    resumed = await reminders.resume_after_hold(app.bot_data.db, user.user_id, NOW)
    assert resumed.times == ()
    [after] = [r for r in await rows(app, Reminder) if r.kind == "routine"]
    assert after.next_due == before.next_due
