"""Properties of next_due across many zones, with instants clustered around DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from places.zones import zone_info
from reminders.schedule import latest_due, local_date, next_due
from tests.reminders.strategies import (
    ZONES,
    day_sets,
    local,
    oracle_occurrence,
    wall_times,
    zone_and_instant,
)


def exists_on(moment: datetime, wall: time, zone: str) -> bool:
    """Whether `wall` is a real local time on the local day of `moment`."""
    naive = datetime.combine(local(moment, zone).date(), wall)
    round_trip = naive.replace(tzinfo=zone_info(zone)).astimezone(UTC).astimezone(zone_info(zone))
    return round_trip.replace(tzinfo=None) == naive


@settings(max_examples=300, deadline=None)
@given(wall_times, day_sets, zone_and_instant)
def test_next_due_is_later_on_a_chosen_day_at_the_wall_time(
    wall: time, days: frozenset[int], zone_instant: tuple[str, datetime]
) -> None:
    zone, after = zone_instant
    due = next_due(wall, days, zone, after)
    assert due.tzinfo is UTC
    assert after < due <= after + timedelta(days=8)
    here = local(due, zone)
    # No zone here has a gap across midnight, so even a shifted reminder stays on its day.
    assert here.weekday() in days
    if here.time() == wall:
        # An ambiguous wall time fires at its first reading: zoneinfo marks the second fold=1.
        assert here.fold == 0
    else:
        # Only a wall time lost to a spring-forward gap moves, to the first instant after the gap.
        assert not exists_on(due, wall, zone)
        assert here.time() > wall
        just_before = local(due - timedelta(seconds=1), zone)
        assert just_before.utcoffset() != here.utcoffset()
        assert just_before.replace(tzinfo=None) < datetime.combine(here.date(), wall)


@settings(max_examples=80, deadline=None)
@given(wall_times, day_sets, zone_and_instant)
def test_next_due_agrees_with_a_brute_force_scan(
    wall: time, days: frozenset[int], zone_instant: tuple[str, datetime]
) -> None:
    zone, after = zone_instant
    due = next_due(wall, days, zone, after)
    assert due == oracle_occurrence(local_date(due, zone), wall, zone)
    # Nothing was skipped: the chosen day before the found one fired at or before `after`.
    previous = latest_due(wall, days, zone, due - timedelta(seconds=1))
    assert previous <= after
    assert previous == oracle_occurrence(local_date(previous, zone), wall, zone)


@settings(max_examples=150, deadline=None)
@given(wall_times, day_sets, zone_and_instant)
def test_next_due_is_monotonic_and_stable(
    wall: time, days: frozenset[int], zone_instant: tuple[str, datetime]
) -> None:
    zone, after = zone_instant
    due = next_due(wall, days, zone, after)
    # Asking again from just before the answer, or from any instant in between, gives it again.
    assert next_due(wall, days, zone, due - timedelta(seconds=1)) == due
    assert next_due(wall, days, zone, after + (due - after) / 2) == due
    following = next_due(wall, days, zone, due)
    assert following > due
    assert latest_due(wall, days, zone, due) == due
    assert latest_due(wall, days, zone, following - timedelta(seconds=1)) == due


@settings(max_examples=25, deadline=None)
@given(wall_times, day_sets, st.sampled_from(ZONES), st.integers(2017, 2029))
def test_a_year_has_exactly_one_occurrence_per_chosen_local_day(
    wall: time, days: frozenset[int], zone: str, year: int
) -> None:
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    occurrences = []
    moment = start
    while (moment := next_due(wall, days, zone, moment)) < end:
        occurrences.append(moment)
    assert occurrences == sorted(occurrences)
    seen = [local_date(moment, zone) for moment in occurrences]
    assert len(seen) == len(set(seen)), "a day fired twice"
    first, last = seen[0], seen[-1]
    every_day = (first + timedelta(days=n) for n in range((last - first).days + 1))
    assert seen == [day for day in every_day if day.weekday() in days], "a day was skipped"
    assert first - local_date(start, zone) < timedelta(days=8)
