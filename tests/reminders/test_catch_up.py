"""After downtime: at most one late reminder, only within the grace period, and the next one after
now; never a burst of stale reminders."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminders.schedule import catch_up, is_stale, latest_due, next_due
from tests.reminders.strategies import day_sets, wall_times, zone_and_instant

EVERY_DAY = frozenset(range(7))
GRACE = timedelta(hours=2)


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)  # type: ignore[misc]


def test_short_outage_sends_the_missed_one_late() -> None:
    due = utc(2026, 1, 5, 8)
    now = due + timedelta(minutes=40)
    assert catch_up(time(8), EVERY_DAY, "UTC", due, now, GRACE) == (due, utc(2026, 1, 6, 8))


def test_outage_beyond_grace_sends_nothing() -> None:
    due = utc(2026, 1, 5, 8)
    now = due + GRACE + timedelta(seconds=1)
    assert catch_up(time(8), EVERY_DAY, "UTC", due, now, GRACE) == (None, utc(2026, 1, 6, 8))


def test_long_outage_sends_only_the_newest_if_it_is_fresh() -> None:
    first_missed = utc(2026, 1, 1, 8)
    now = utc(2026, 1, 5, 9)  # four days and an hour later: 02..05 January were missed too
    assert catch_up(time(8), EVERY_DAY, "UTC", first_missed, now, GRACE) == (
        utc(2026, 1, 5, 8),
        utc(2026, 1, 6, 8),
    )
    stale_now = utc(2026, 1, 5, 11)
    assert catch_up(time(8), EVERY_DAY, "UTC", first_missed, stale_now, GRACE) == (
        None,
        utc(2026, 1, 6, 8),
    )


def test_months_of_downtime_are_quick_and_quiet() -> None:
    send, following = catch_up(
        time(8), frozenset({0}), "Europe/Berlin", utc(2025, 1, 6, 7), utc(2026, 6, 3, 12), GRACE
    )
    assert send is None
    assert following == utc(2026, 6, 8, 6)  # Monday 08:00 CEST


def test_catch_up_across_a_dst_change_uses_local_time() -> None:
    # Down from Saturday to Sunday 28-29 March 2026 in Berlin; 08:00 on Sunday is 06:00 UTC.
    send, following = catch_up(
        time(8), EVERY_DAY, "Europe/Berlin", utc(2026, 3, 28, 7), utc(2026, 3, 29, 6, 30), GRACE
    )
    assert (send, following) == (utc(2026, 3, 29, 6), utc(2026, 3, 30, 6))


def test_future_due_is_left_alone() -> None:
    skipped_to = utc(2026, 1, 7, 8)  # e.g. "skip today" moved it on a day
    now = utc(2026, 1, 5, 9)
    assert catch_up(time(8), EVERY_DAY, "UTC", skipped_to, now, GRACE) == (None, skipped_to)


def test_due_exactly_now_is_sent() -> None:
    now = utc(2026, 1, 5, 8)
    assert catch_up(time(8), EVERY_DAY, "UTC", now, now, timedelta(0)) == (now, utc(2026, 1, 6, 8))


def test_is_stale_boundaries() -> None:
    due = utc(2026, 1, 5, 8)
    assert not is_stale(due, due + GRACE, GRACE)
    assert is_stale(due, due + GRACE + timedelta(microseconds=1), GRACE)
    assert not is_stale(due, due - timedelta(hours=1), GRACE)  # not due yet
    with pytest.raises(ValueError):
        is_stale(datetime(2026, 1, 5, 8), due, GRACE)


def test_bad_arguments() -> None:
    due = utc(2026, 1, 5, 8)
    with pytest.raises(ValueError):
        catch_up(time(8), EVERY_DAY, "UTC", due, datetime(2026, 1, 5, 9), GRACE)
    with pytest.raises(ValueError):
        catch_up(time(8), EVERY_DAY, "UTC", due, due, -GRACE)


@settings(max_examples=150, deadline=None)
@given(
    wall_times,
    day_sets,
    zone_and_instant,
    st.integers(0, 60 * 24 * 40),
    st.integers(0, 60 * 12).map(lambda minutes: timedelta(minutes=minutes)),
)
def test_at_most_the_newest_missed_one_within_grace(
    wall: time,
    days: frozenset[int],
    zone_instant: tuple[str, datetime],
    down_minutes: int,
    grace: timedelta,
) -> None:
    zone, moment = zone_instant
    last_due = next_due(wall, days, zone, moment)  # a real occurrence that was not sent
    now = last_due + timedelta(minutes=down_minutes)
    send, following = catch_up(wall, days, zone, last_due, now, grace)
    assert following == next_due(wall, days, zone, now) and following > now
    newest_missed = latest_due(wall, days, zone, now)
    assert last_due <= newest_missed <= now
    if now - newest_missed <= grace:
        assert send == newest_missed
    else:
        assert send is None
