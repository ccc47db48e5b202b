"""Reminders end to end: time zone by location and by name, delivery once, snooze, skip, 403."""

from __future__ import annotations

from datetime import UTC, datetime

from core.runner import running
from db.models import Reminder, ReminderDelivery
from emulator.render import plain
from tests.e2e.helpers import (
    FakeClock,
    bot_on,
    daily_reminder_in_utc,
    dispatch_now,
    reach_check_in,
    rows,
)


async def test_zone_by_location_and_by_name(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await user.send("/timezone")
    await user.wait_text("Which time zone are you in?")
    await user.tap_reply_button("📍 Share my location")
    assert "Europe/Berlin" in plain((await user.wait_text("Time zone set")).message)
    await user.send("/timezone new york")
    assert "America/New_York" in plain((await user.wait_text("Time zone set")).message)
    await user.send("/timezone")
    await user.send("Москва")  # typed at once: updates of one chat are handled in order
    assert "Europe/Moscow" in plain((await user.wait_text("Time zone set")).message)
    await user.send("/timezone Atlantis")
    await user.wait_text("I could not find that place")


async def test_garbage_times_get_examples(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    for garbage in ("/remind 25:99", "/remind tomorrow-ish"):
        await user.send(garbage)
        assert "<code>" not in plain(await user.next_message())  # rendered, not raw
    await user.send("/remind")
    await user.wait_text("When should I remind you?")
    await user.send("🙂🙂")
    await user.wait_text("Try like this")
    await user.send_sticker()
    await user.wait_text("Try like this")
    await user.press("07:30")
    await user.wait_text("On which days?")
    await user.press("Weekdays")
    await user.wait_text("🌍")
    await user.press("Europe/London")
    await user.wait_text("Remind you at 07:30, weekdays (Europe/London)?")
    await user.press("Save")
    await user.wait_text("Done: I will remind you at 07:30, weekdays")
    [row] = await rows(app, Reminder)
    assert (row.local_time, row.days, row.zone) == ("07:30", 0b0011111, "Europe/London")


async def test_a_reminder_arrives_once_snoozes_and_skips(app, make_user) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime(2026, 11, 24, 7, 29, 10, tzinfo=UTC))
    app.bot_data.now = clock
    user = make_user()
    await user.send("/timezone UTC")
    await user.wait_text("Time zone set")
    await user.send("/remind 7:30")
    await user.wait_text(
        "Done: I will remind you at <b>07:30</b>".replace("<b>", "").replace("</b>", "")
    )
    await dispatch_now(app)
    await user.expect_silence(0.2)  # not due yet
    clock.advance(seconds=60)
    await dispatch_now(app)
    nudge = await user.next_message()
    assert user.buttons(nudge["message_id"]) == [
        "▶ Start routine",
        "⏰ Snooze 30 min",
        "Skip today",
    ]
    await dispatch_now(app)
    await user.expect_silence(0.3)  # sent once, not again
    await user.press("Snooze")
    await user.wait_text("again in 30 minutes")
    await user.press_data(
        nudge["message_id"], nudge["reply_markup"]["inline_keyboard"][1][0]["callback_data"]
    )
    clock.advance(minutes=29)
    await dispatch_now(app)
    await user.expect_silence(0.3)
    clock.advance(minutes=1, seconds=5)
    await dispatch_now(app)
    again = await user.next_message()
    assert again["reply_markup"]["inline_keyboard"][0][0]["text"] == "▶ Start routine"
    await user.press("Start routine", message_id=again["message_id"])
    await reach_check_in(user)
    [row] = await rows(app, Reminder)
    assert row.next_due == datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
    await user.press("Skip today", message_id=again["message_id"]) if "Skip today" in user.buttons(
        again["message_id"]
    ) else None
    deliveries = await rows(app, ReminderDelivery)
    assert sorted(d.status for d in deliveries) == ["sent", "sent"]


async def test_missed_while_down_is_sent_once_late_or_skipped(app, make_user) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime(2026, 11, 24, 6, 0, tzinfo=UTC))
    app.bot_data.now = clock
    user = make_user()
    await daily_reminder_in_utc(user, "7:00")
    clock.advance(hours=3, minutes=30)  # "down" from 06:00 to 09:30: 07:00 is 2.5 h late
    await dispatch_now(app)
    await user.expect_silence(0.3)  # beyond the 2-hour grace: skipped, not sent
    [row] = await rows(app, Reminder)
    assert row.next_due == datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    assert app.bot_data.dispatcher.stats.missed_stale == 1
    clock.advance(hours=23)  # 08:30 next day: 1.5 h late, within grace
    await dispatch_now(app)
    await user.next_message()
    await dispatch_now(app)
    await user.expect_silence(0.3)


async def test_blocked_user_reminders_are_disabled(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime(2026, 11, 24, 7, 59, tzinfo=UTC))
    app.bot_data.now = clock
    user = make_user()
    await daily_reminder_in_utc(user, "8:00")
    user.block()
    clock.advance(minutes=2)
    await dispatch_now(app)
    [row] = await rows(app, Reminder)
    assert row.enabled is False and row.next_due is None
    [delivery] = await rows(app, ReminderDelivery)
    assert delivery.status == "blocked"
    user.unblock()
    clock.advance(days=1)
    await dispatch_now(app)
    await user.expect_silence(0.3)  # not retried


async def test_list_pause_resume_delete(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await user.send("/timezone Europe/Berlin")
    await user.wait_text("Time zone set")
    await user.send("/remind 7:30")
    await user.wait_text("Done:")
    await user.send("/remind 19:30")
    await user.press("Add 19:30 as another")
    await user.wait_text("Done:")
    await user.send("/reminders")
    listing = await user.next_message()
    assert "07:30 · every day" in plain(listing) and "19:30 · every day" in plain(listing)
    await user.press("⏸ 07:30")
    await user.wait_text("07:30 · every day · paused")
    await user.press("▶ 07:30")
    await user.press("🗑 19:30")
    await user.wait_for(lambda e: e.kind == "edit" and "19:30" not in plain(e.message))
    assert len(await rows(app, Reminder)) == 1
    await user.press("Pause all")
    await user.wait_text("All reminders are paused")


async def test_reminders_are_bounded_merged_and_paginated(app, make_user) -> None:  # type: ignore[no-untyped-def]
    app.bot_data.settings.max_reminders_per_user = 7
    user = make_user()
    await daily_reminder_in_utc(user, "7:30")
    await user.send("/remind 7:30")  # the same again: merged, not a second row
    await user.wait_text("You already have a reminder at 07:30, every day. Nothing changed.")
    assert len(await rows(app, Reminder)) == 1
    for hour in range(8, 14):
        await user.send(f"/remind {hour}:00")
        await user.press(f"Add {hour:02d}:00 as another")
        await user.wait_text(f"Done: I will remind you at {hour:02d}:00")
    await user.send("/remind 14:00")
    await user.press("Add 14:00 as another")
    await user.wait_text("You already have 7 reminders")
    assert len(await rows(app, Reminder)) == 7
    await user.send("/reminders")
    first = await user.wait_text("Page 1 of 2")
    assert len([b for b in user.buttons(first.message_id) if b.startswith("🗑")]) == 5
    await user.press("Next", message_id=first.message_id)
    second = await user.wait_for(lambda e: e.kind == "edit" and "Page 2 of 2" in plain(e.message))
    assert len([b for b in user.buttons(second.message_id) if b.startswith("🗑")]) == 2
    forged = await user.press_data(first.message_id, "v1.rl:²:delete")
    assert await user.answer_for(forged) == "This button is no longer active."
    assert len(await rows(app, Reminder)) == 7


async def test_a_forged_time_button_is_refused(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await user.send("/remind")
    ask = await user.wait_text("When should I remind you?")
    forged = await user.press_data(ask.message_id, "v1.rm:t:0311")  # never offered
    assert await user.answer_for(forged) == "This button is no longer active."
    await user.press("07:30", message_id=ask.message_id)
    await user.wait_text("On which days?")


async def test_a_failed_dispatch_re_arms_and_the_next_reminder_is_on_time(app, make_user) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime(2026, 3, 10, 7, 0, tzinfo=UTC))
    app.bot_data.now = clock
    user = make_user()
    await daily_reminder_in_utc(user, "7:30")
    dispatcher = app.bot_data.dispatcher
    real, calls = dispatcher.dispatch, []

    async def failing_once():  # type: ignore[no-untyped-def]
        calls.append(clock())
        if len(calls) == 1:
            raise OSError("database is gone for a moment")
        return await real()

    dispatcher.dispatch = failing_once
    clock.advance(minutes=30)  # 07:30: due
    await dispatch_now(app)  # this run fails; the job must re-arm itself (1 s backoff)
    assert len(calls) == 1
    clock.advance(seconds=1)
    nudge = await user.wait_for(lambda e: e.kind == "send", timeout=3)
    assert "Start routine" in str(nudge.message)
    assert len(calls) >= 2 and app.bot_data.job_failures == {"reminders:dispatch": 1}


async def test_a_flow_left_open_is_not_carried_into_the_next_application(
    emulator, settings, content, make_user
) -> None:  # type: ignore[no-untyped-def]
    """Found by tests/fuzz: the /remind conversation (its states and timeout jobs) belongs to
    one Application; a second one built in the same process starts with no flow open."""

    user = make_user()
    async with running(bot_on(emulator, settings, content)):
        await user.send("/remind")
        await user.wait_text("When should I remind you?")
    async with running(bot_on(emulator, settings, content)):
        await user.send("7:30")
        reply = await user.next_message()
    assert plain(reply).startswith("I work with commands and buttons"), plain(reply)


async def test_forged_day_and_list_buttons_get_a_toast_or_nothing(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    """Found by tests/fuzz: '²' passed str.isdigit() before int(); only the days offered
    (0-6) and ids in ASCII digits are read."""
    user = make_user()
    await user.send("/remind")
    ask = await user.wait_text("When should I remind you?")
    await user.press("07:30", message_id=ask.message_id)
    days = await user.wait_text("On which days?")
    await user.answer_for(await user.press_data(days.message_id, "v1.rm:d:²"))
    await user.answer_for(await user.press_data(days.message_id, "v1.rm:d:٣"))
    forged = await user.press_data(days.message_id, "v1.rl:٣:delete")
    assert await user.answer_for(forged) == "This button is no longer active."
    await user.press("Weekdays", message_id=days.message_id)  # the flow goes on as before
    await user.wait_text("Which time zone are you in?")
    assert [e for e in user.events if e.kind == "send" and "went wrong" in plain(e.message)] == []
    assert not emulator.stats.errors


async def test_forged_reminder_buttons_get_the_toast(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await user.send("/help")
    message = await user.next_message()
    for data in ("v1.rn:²:start", "v1.rn:99999999999999999999:skip", "v1.rn:1:explode"):
        forged = await user.press_data(message["message_id"], data)
        assert await user.answer_for(forged) == "This button is no longer active."
