"""Data retention: people gone for RETENTION_DAYS are erased, active people are kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from background.sweeps import sweep
from core.activity import Activity
from db.models import Reminder, ReminderDelivery, User
from emulator.render import plain
from tests.e2e.helpers import FakeClock, daily_reminder_in_utc, rows


async def test_inactive_people_are_erased_and_active_ones_kept(app, make_user) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime.now(UTC))
    app.bot_data.now = clock
    ann, bob = make_user("en", "Ann"), make_user("en", "Bob")
    for user in (ann, bob):
        await user.send("/start")
        await user.next_message()
        await user.press("I agree")
        await user.next_message()
    await daily_reminder_in_utc(ann, "7:30")
    await bob.send("/privacy")
    assert "If you do not write to me for 12 months, all your data is deleted" in plain(
        await bob.next_message()
    )

    assert await sweep(app) == 0
    clock.advance(days=200)
    await bob.send("/help")  # Bob is still around; Ann is not
    await bob.next_message()
    assert await sweep(app) == 0
    clock.advance(days=200)
    assert await sweep(app) == 1

    assert [user.id for user in await rows(app, User)] == [bob.user_id]
    assert await rows(app, Reminder) == []
    # Ann comes back: she starts afresh, as /privacy promised.
    await ann.send("/start")
    assert "Hello, Ann!" in plain(await ann.next_message())


def test_activity_is_written_once_a_day_per_person() -> None:
    activity = Activity()
    monday, tuesday = date(2026, 11, 23), date(2026, 11, 24)
    activity.note(1, monday)
    activity.note(1, monday)
    activity.note(2, monday)
    assert activity.take() == {1, 2}
    activity.note(1, monday)
    assert activity.take() == set()
    activity.note(1, tuesday)
    assert activity.take() == {1}


async def test_old_settled_delivery_records_are_pruned(app, make_user) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    app.bot_data.now = FakeClock(now)
    user = make_user()
    await daily_reminder_in_utc(user, "7:30")
    [reminder] = await rows(app, Reminder)
    async with app.bot_data.db.begin() as tx:
        for key, status, age in [
            ("old-sent", "sent", 31),
            ("old-open", "sending", 31),
            ("recent", "sent", 29),
        ]:
            tx.add(
                ReminderDelivery(
                    key=key,
                    reminder_id=reminder.id,
                    user_id=user.user_id,
                    due=now - timedelta(days=age),
                    status=status,
                    claimed_at=now - timedelta(days=age),
                )
            )
    await sweep(app)
    assert sorted(row.key for row in await rows(app, ReminderDelivery)) == ["old-open", "recent"]
