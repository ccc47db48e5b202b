"""Reminders people can type, end to end: times in words, days and one-off days in one phrase,
in the user's zone; a one-off fires once and is gone; "Another time…" asks; /remind with
reminders set offers to add another or change one; a merge is said in words."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from db.models import Reminder
from emulator.render import plain
from tests.e2e.helpers import FakeClock, dispatch_now, rows

ZONE = "America/New_York"  # UTC-5 in November: local times differ from UTC
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # Tuesday 24 November, 10:00 in New York
EVERY_DAY, WEEKDAYS = 0b1111111, 0b0011111

# (typed after /remind, the local time, the days (a mask) or the one-off's local day)
PHRASES = [
    ("half past 7", "07:30", EVERY_DAY),
    ("half past seven", "07:30", EVERY_DAY),
    ("quarter past eight", "08:15", EVERY_DAY),
    ("quarter to eight", "07:45", EVERY_DAY),
    ("7 in the morning", "07:00", EVERY_DAY),
    ("at 8pm", "20:00", EVERY_DAY),
    ("noon", "12:00", EVERY_DAY),
    ("weekdays at half past six pm", "18:30", WEEKDAYS),
    ("tomorrow 7:30", "07:30", "2026-11-25"),
    ("7:30pm tomorrow", "19:30", "2026-11-25"),
    ("tomorrow at 7:30pm", "19:30", "2026-11-25"),
    ("в полвосьмого", "07:30", EVERY_DAY),
    ("без пятнадцати восемь", "07:45", EVERY_DAY),
    ("без четверти восемь", "07:45", EVERY_DAY),
    ("в восемь вечера", "20:00", EVERY_DAY),
    ("каждый день в 8 утра", "08:00", EVERY_DAY),
    ("в 8 утра каждый день", "08:00", EVERY_DAY),
    ("по будням в 7:15", "07:15", WEEKDAYS),
    ("в 19:30 завтра", "19:30", "2026-11-25"),
    ("завтра в 19:30", "19:30", "2026-11-25"),
    ("послезавтра в 9", "09:00", "2026-11-26"),
]


async def in_zone(user, zone: str = ZONE) -> None:  # type: ignore[no-untyped-def]
    await user.send(f"/timezone {zone}")
    await user.wait_text("Time zone set")


async def test_each_phrase_gives_the_right_reminder_in_the_users_zone(app, make_user) -> None:  # type: ignore[no-untyped-def]
    app.bot_data.now = FakeClock(NOW)
    local = ZoneInfo(ZONE)
    for typed, at, when in PHRASES:
        user = make_user()
        await in_zone(user)
        await user.send(f"/remind {typed}")
        reply = await user.wait_for(lambda e: e.kind == "send" and e.message is not None)
        if "I read it as" in plain(reply.message):  # said in words: shown before it is saved
            assert f"Remind you at {at}" in plain(reply.message), typed
            await user.press("Save", message_id=reply.message_id)
            reply = await user.wait_text("Done:")
        [row] = [r for r in await rows(app, Reminder) if r.user_id == user.user_id]
        assert (row.local_time, row.zone) == (at, ZONE), typed
        assert row.next_due is not None
        due = row.next_due.astimezone(local)
        assert f"{due:%H:%M}" == at, typed
        if isinstance(when, str):  # a one-off, on its day
            assert (row.kind, due.date().isoformat()) == ("once", when), typed
            assert "Done: I will remind you once, at" in plain(reply.message), typed
        else:
            assert (row.kind, row.days) == ("routine", when), typed
            assert f"Done: I will remind you at {at}" in plain(reply.message), typed


async def test_a_time_said_in_words_is_confirmed_and_can_be_the_evening(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await in_zone(user)
    await user.send("/remind half past seven")
    ask = await user.wait_text("Remind you at 07:30, every day (America/New_York)?")
    assert "If you meant 19:30, tap below." in plain(ask.message)
    await user.press("19:30 instead", message_id=ask.message_id)
    again = await user.wait_text("Remind you at 19:30, every day", kinds=("send",))
    assert "I read it as" not in plain(again.message)
    await user.press("Save", message_id=again.message_id)
    await user.wait_text("Done: I will remind you at 19:30, every day")
    assert [r.local_time for r in await rows(app, Reminder)] == ["19:30"]


async def test_a_one_off_fires_once_in_the_users_zone_and_is_gone(app, make_user) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(NOW)
    app.bot_data.now = clock
    user = make_user()
    await in_zone(user)
    await user.send("/remind tomorrow at 7:30pm")
    await user.wait_text("Done: I will remind you once, at 19:30 on Wed 25 Nov.")
    await user.send("/reminders")
    listing = await user.wait_text("19:30 · once, Wed 25 Nov")
    assert user.buttons(listing.message_id) == ["✏ 19:30", "🗑 19:30", "Pause all"]
    await user.send("/remind 8pm")  # moved to 20:00: still once, on its day
    await user.press("Change 19:30 to 20:00")
    await user.wait_text("Done: I will remind you once, at 20:00 on Wed 25 Nov.")
    clock.moment = datetime(2026, 11, 26, 0, 59, tzinfo=UTC)  # 19:59 in New York
    await dispatch_now(app)
    await user.expect_silence(0.3)
    clock.advance(minutes=1, seconds=5)
    await dispatch_now(app)
    nudge = await user.next_message()
    assert "Start routine" in user.buttons(nudge["message_id"])[0]
    for days in (0, 1, 7):  # never again: not the next day, not the next week
        clock.advance(days=days, seconds=1)
        await dispatch_now(app)
        await user.expect_silence(0.3)
    await user.send("/reminders")
    await user.wait_text("You have no reminders yet")
    [row] = await rows(app, Reminder)
    assert (row.kind, row.enabled, row.next_due) == ("once", False, None)
    await user.send("/remind 8:00")  # a save clears away one-offs already sent
    await user.wait_text("Done: I will remind you at 08:00")
    assert [(r.kind, r.local_time) for r in await rows(app, Reminder)] == [("routine", "08:00")]


async def test_a_one_off_whose_time_has_passed_is_refused(app, make_user) -> None:  # type: ignore[no-untyped-def]
    app.bot_data.now = FakeClock(NOW)  # 10:00 in New York
    user = make_user()
    await in_zone(user)
    await user.send("/remind today at 9")
    await user.wait_text("09:00 has already passed today. Try a later time, or tomorrow.")
    await user.send("/remind today at 11")
    await user.wait_text("Done: I will remind you once, at 11:00 on Tue 24 Nov.")


async def test_another_time_asks_for_a_time(app, make_user) -> None:  # type: ignore[no-untyped-def]
    app.bot_data.now = FakeClock(NOW)
    user = make_user()
    await in_zone(user)
    await user.send("/remind")
    ask = await user.wait_text("When should I remind you?")
    await user.press("Another time…", message_id=ask.message_id)
    typed = await user.next_message()
    assert plain(typed).startswith("Type the time, for example 7:30"), plain(typed)
    assert "could not read" not in plain(typed)
    await user.send("quarter to eight")
    await user.wait_text("On which days?")
    await user.press("Weekdays")
    await user.wait_text("Remind you at 07:45, weekdays (America/New_York)?")
    await user.press("Save")
    await user.wait_text("Done: I will remind you at 07:45, weekdays")
    await user.send("/remind")
    await user.press("Add another")
    await user.press("Another time…")
    await user.wait_text("Type the time")
    await user.send("каждый день в 8 утра")  # days said too: not asked again
    await user.wait_text("Remind you at 08:00, every day (America/New_York)?")
    await user.press("Save")
    await user.wait_text("Done: I will remind you at 08:00, every day")
    await user.send("/remind")
    await user.press("Add another")
    await user.press("Another time…")
    await user.send("tomorrow at noon")  # a one-off: no days asked
    await user.wait_text("Remind you once, at 12:00 on Wed 25 Nov")


async def test_remind_with_reminders_set_offers_to_add_or_change(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await in_zone(user)
    await user.send("/remind 7:30")
    await user.wait_text("Done: I will remind you at 07:30, every day")
    await user.send("/remind")
    ask = await user.wait_text("Add another reminder, or change one?")
    assert "07:30 · every day" in plain(ask.message)
    assert user.buttons(ask.message_id) == ["➕ Add another", "✏ Change 07:30"]
    await user.press("Change 07:30", message_id=ask.message_id)
    await user.press("08:00")
    await user.press("Weekdays")
    await user.press("Save")
    await user.wait_text("Changed: I will remind you at 08:00, weekdays")
    assert [(r.local_time, r.days) for r in await rows(app, Reminder)] == [("08:00", WEEKDAYS)]
    # A time typed with /remind: add it as another, or move one reminder to it.
    await user.send("/remind 19:00")
    ask = await user.wait_text("Add another reminder, or change one?")
    assert user.buttons(ask.message_id) == ["➕ Add 19:00 as another", "✏ Change 08:00 to 19:00"]
    await user.press("Add 19:00 as another", message_id=ask.message_id)
    await user.wait_text("Done: I will remind you at 19:00, every day")
    await user.send("/remind 7:00")
    ask = await user.wait_text("Add another reminder, or change one?")
    await user.press("Change 08:00 to 07:00", message_id=ask.message_id)
    await user.wait_text("Changed: I will remind you at 07:00, weekdays")  # its days kept
    assert sorted((r.local_time, r.days) for r in await rows(app, Reminder)) == [
        ("07:00", WEEKDAYS),
        ("19:00", EVERY_DAY),
    ]
    forged = await user.press_data(ask.message_id, "v1.rm:e:add")  # its buttons are gone
    assert await user.answer_for(forged) == "This button is no longer active."
    assert len(await rows(app, Reminder)) == 2


async def test_five_commands_no_longer_make_five_reminders(app, make_user) -> None:  # type: ignore[no-untyped-def]
    """What people found: /remind 7:00, 7:30, 8:00, 19:00, 19:30 made five daily reminders."""
    user = make_user()
    await in_zone(user)
    await user.send("/remind 7:00")
    await user.wait_text("Done:")
    before = "07:00"
    for typed in ("07:30", "08:00", "19:00", "19:30"):
        await user.send(f"/remind {typed}")
        ask = await user.wait_text("Add another reminder, or change one?")
        await user.press(f"Change {before} to {typed}", message_id=ask.message_id)
        await user.wait_text(f"Changed: I will remind you at {typed}")
        before = typed
    assert [r.local_time for r in await rows(app, Reminder)] == ["19:30"]


@pytest.mark.parametrize(
    ("first", "again", "said"),
    [
        (
            "weekdays at 7:30",
            "7:30",
            "You already had a reminder at 07:30, weekdays. Now it is every day.",
        ),
        ("7:30", "7:30", "You already have a reminder at 07:30, every day. Nothing changed."),
        (
            "mon, wed at 7:30",
            "fri at half past 7",
            "You already had a reminder at 07:30, Mon, Wed. Now it is Mon, Wed, Fri.",
        ),
    ],
)
async def test_a_merge_is_said_in_words(app, make_user, first: str, again: str, said: str) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await in_zone(user)
    await user.send(f"/remind {first}")
    await user.wait_text("Done:")
    await user.send(f"/remind {again}")
    reply = await user.wait_for(lambda e: e.kind == "send" and e.message is not None)
    if "I read it as" in plain(reply.message):
        await user.press("Save", message_id=reply.message_id)
        reply = await user.wait_for(lambda e: e.kind == "send" and e.message is not None)
    assert plain(reply.message).startswith(said), plain(reply.message)
    assert "Done" not in plain(reply.message)
    assert len(await rows(app, Reminder)) == 1


async def test_russian_words_and_dates_in_a_russian_chat(app, make_user) -> None:  # type: ignore[no-untyped-def]
    app.bot_data.now = FakeClock(NOW)
    user = make_user("ru", "Аня")
    await user.send("/timezone Europe/Moscow")
    await user.wait_text("Часовой пояс")
    await user.send("/remind завтра без четверти восемь вечера")
    await user.wait_text("Готово: напомню один раз — в 19:45, ср, 25 ноября.")
    await user.send("/remind полвосьмого")
    ask = await user.wait_text("Добавить ещё одно напоминание или изменить одно из этих?")
    assert "19:45 · один раз, ср, 25 ноября" in plain(ask.message)
    await user.press("Добавить 07:30", message_id=ask.message_id)
    confirm = await user.wait_text(
        "Я понял это как 07:30. Если вы имели в виду 19:30, нажмите кнопку ниже."
    )
    await user.press("Сохранить", message_id=confirm.message_id)
    await user.wait_text("Готово: напомню в 07:30, каждый день.")
