"""Next-due computation across zones and DST changes: examples and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminders.schedule import catch_up, local_date, next_due, occurrence_key
from reminders.zones import zone_info

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/Sao_Paulo",
    "UTC",
    "UTC+05:30",
]
EVERY_DAY = frozenset(range(7))
times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 1, 15, 30, 45, 59]))
instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 1, 1)).map(
    lambda moment: moment.replace(tzinfo=UTC)
)
day_sets = st.frozensets(st.integers(0, 6), min_size=1)


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(zone_info(zone))


def test_berlin_fall_back_fires_once_at_first_occurrence() -> None:
    after = datetime(2026, 10, 24, 12, tzinfo=UTC)
    first = next_due(time(2, 30), EVERY_DAY, "Europe/Berlin", after)
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    second = next_due(time(2, 30), EVERY_DAY, "Europe/Berlin", first)
    assert second == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)  # next day, 02:30 CET


def test_berlin_spring_forward_fires_at_the_end_of_the_gap() -> None:
    due = next_due(time(2, 30), EVERY_DAY, "Europe/Berlin", datetime(2026, 3, 28, 12, tzinfo=UTC))
    assert local(due, "Europe/Berlin").replace(tzinfo=None) == datetime(2026, 3, 29, 3, 0)


def test_eight_stays_eight_across_the_change() -> None:
    after = datetime(2026, 3, 27, 12, tzinfo=UTC)
    seen = []
    for _ in range(4):
        after = next_due(time(8), EVERY_DAY, "America/New_York", after)
        seen.append(local(after, "America/New_York").time())
    assert seen == [time(8)] * 4


def test_lord_howe_half_hour_shift_and_kathmandu() -> None:
    # Lord Howe springs forward 02:00 -> 02:30 on 2026-10-04.
    due = next_due(
        time(2, 15), EVERY_DAY, "Australia/Lord_Howe", datetime(2026, 10, 3, 6, tzinfo=UTC)
    )
    assert local(due, "Australia/Lord_Howe").replace(tzinfo=None) == datetime(2026, 10, 4, 2, 30)
    kathmandu = next_due(time(7), EVERY_DAY, "Asia/Kathmandu", datetime(2026, 5, 1, tzinfo=UTC))
    assert kathmandu == datetime(2026, 5, 1, 1, 15, tzinfo=UTC)


def test_rejects_naive_and_empty_days() -> None:
    with pytest.raises(ValueError):
        next_due(time(8), EVERY_DAY, "UTC", datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        next_due(time(8), frozenset(), "UTC", datetime(2026, 1, 1, tzinfo=UTC))


@given(times, day_sets, st.sampled_from(ZONES), instants)
def test_next_due_is_after_on_a_chosen_day_at_the_wall_time(
    wall: time, days: frozenset[int], zone: str, after: datetime
) -> None:
    due = next_due(wall, days, zone, after)
    assert due > after
    assert due - after <= timedelta(days=8)
    here = local(due, zone)
    assert here.weekday() in days
    if here.time() != wall:  # only in a spring-forward gap, and then just after it
        assert here.time() > wall
        before = local(due - timedelta(minutes=1), zone)
        assert before.replace(tzinfo=None) < datetime.combine(here.date(), wall)


@settings(max_examples=12)
@given(times, day_sets, st.sampled_from(ZONES), st.integers(2025, 2027))
def test_a_year_has_exactly_one_occurrence_per_chosen_local_day(
    wall: time, days: frozenset[int], zone: str, year: int
) -> None:
    start = datetime(year, 1, 1, tzinfo=UTC)
    moment, seen = start, []
    while True:
        moment = next_due(wall, days, zone, moment)
        if moment >= datetime(year + 1, 1, 1, tzinfo=UTC):
            break
        seen.append(local_date(moment, zone))
    assert len(seen) == len(set(seen))
    first, last = seen[0], seen[-1]
    expected = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    assert seen == [day for day in expected if day.weekday() in days]


@given(times, st.sampled_from(ZONES), instants, st.integers(0, 60 * 24 * 20))
def test_catch_up_sends_at_most_the_newest_missed_within_grace(
    wall: time, zone: str, last_due: datetime, down_minutes: int
) -> None:
    grace = timedelta(hours=2)
    now = last_due + timedelta(minutes=down_minutes)
    send, following = catch_up(wall, EVERY_DAY, zone, last_due, now, grace)
    assert following > now
    if send is not None:
        assert now - grace <= send <= now
        assert next_due(wall, EVERY_DAY, zone, send) > now  # it is the newest one


def test_catch_up_skips_stale_and_key_is_stable() -> None:
    last = datetime(2026, 1, 1, 8, tzinfo=UTC)
    assert catch_up(
        time(8), EVERY_DAY, "UTC", last, datetime(2026, 1, 5, 11, tzinfo=UTC), timedelta(hours=2)
    ) == (None, datetime(2026, 1, 6, 8, tzinfo=UTC))
    assert occurrence_key(7, last) == occurrence_key(7, last) != occurrence_key(8, last)
    assert local_date(datetime(2026, 1, 1, 23, tzinfo=UTC), "Asia/Tokyo") == date(2026, 1, 2)
