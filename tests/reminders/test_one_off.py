"""One-off reminders and the restart after a safety hold, across zones and DST changes: a
one-off fires on its local day at its wall time, or is refused once that has passed; after a
hold a daily reminder starts again on a later local day, never the same one."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from reminders.schedule import (
    after_today,
    local_date,
    mask_from_days,
    next_due,
    occurrence_on,
    one_off_due,
)
from tests.reminders.strategies import day_sets, local, wall_times, zone_and_instant


def hhmm(wall: time) -> str:
    return f"{wall.hour:02d}:{wall.minute:02d}"


@settings(max_examples=200, deadline=None)
@given(wall_times, st.integers(0, 6), zone_and_instant)
def test_a_one_off_is_on_its_local_day_or_refused(
    wall: time, in_days: int, zone_instant: tuple[str, datetime]
) -> None:
    zone, now = zone_instant
    day = local_date(now, zone) + timedelta(days=in_days)
    due = one_off_due(hhmm(wall), zone, now, in_days)
    expected = occurrence_on(day, wall, zone)
    if expected > now:
        assert due == expected
        assert local(due, zone).date() == day
    else:
        assert due is None  # "today at 7" at 9: passed, not moved to another day


@settings(max_examples=200, deadline=None)
@given(wall_times, zone_and_instant)
def test_just_once_is_the_next_time_it_comes(
    wall: time, zone_instant: tuple[str, datetime]
) -> None:
    zone, now = zone_instant
    due = one_off_due(hhmm(wall), zone, now, None)
    assert due is not None and now < due <= now + timedelta(days=2)
    assert due == next_due(wall, frozenset(range(7)), zone, now)


@settings(max_examples=200, deadline=None)
@given(wall_times, day_sets, zone_and_instant)
def test_after_a_hold_the_first_occurrence_is_on_a_later_day(
    wall: time, days: frozenset[int], zone_instant: tuple[str, datetime]
) -> None:
    zone, now = zone_instant
    due = after_today(hhmm(wall), mask_from_days(days), zone, now)
    assert local_date(due, zone) > local_date(now, zone)
    assert local(due, zone).weekday() in days
    # The first occurrence after today's, if there is one today.
    first = next_due(wall, days, zone, now)
    today = local_date(first, zone) == local_date(now, zone)
    assert due == (next_due(wall, days, zone, first) if today else first)
