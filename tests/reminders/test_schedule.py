"""Next-due examples on the days that matter: DST changes in Berlin, New York, Lord Howe,
Chatham and São Paulo, odd offsets, weekday sets; plus keys and local dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from reminders.schedule import latest_due, local_date, next_due, occurrence_key, occurrence_on
from tests.reminders.strategies import local

EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)  # type: ignore[misc]


def run(wall: time, days: frozenset[int], zone: str, start: datetime, end: datetime) -> list:
    """Every occurrence in [start, end), by iterating next_due as the dispatcher does."""
    found, moment = [], start
    while (moment := next_due(wall, days, zone, moment)) < end:
        found.append(moment)
    return found


# --- Berlin, 2026: spring forward 29 March 02:00 -> 03:00, fall back 25 October 03:00 -> 02:00


def test_berlin_eight_stays_eight_across_spring_forward() -> None:
    found = run(time(8), EVERY_DAY, "Europe/Berlin", utc(2026, 3, 28), utc(2026, 3, 31))
    assert found == [utc(2026, 3, 28, 7), utc(2026, 3, 29, 6), utc(2026, 3, 30, 6)]


def test_berlin_time_in_the_spring_gap_fires_when_the_gap_ends() -> None:
    due = next_due(time(2, 30), EVERY_DAY, "Europe/Berlin", utc(2026, 3, 28, 12))
    assert due == utc(2026, 3, 29, 1)  # 03:00 CEST
    assert local(due, "Europe/Berlin").replace(tzinfo=None) == datetime(2026, 3, 29, 3, 0)
    # The days around it keep their 02:30.
    assert next_due(time(2, 30), EVERY_DAY, "Europe/Berlin", due) == utc(2026, 3, 30, 0, 30)


def test_berlin_ambiguous_time_fires_once_at_its_first_occurrence() -> None:
    found = run(time(2, 30), EVERY_DAY, "Europe/Berlin", utc(2026, 10, 24), utc(2026, 10, 27))
    assert found == [
        utc(2026, 10, 24, 0, 30),  # 02:30 CEST
        utc(2026, 10, 25, 0, 30),  # 02:30 CEST, the first of the two 02:30s
        utc(2026, 10, 26, 1, 30),  # 02:30 CET
    ]
    # Even asked between the two readings, it does not fire at the second one.
    between = utc(2026, 10, 25, 1, 0)
    assert next_due(time(2, 30), EVERY_DAY, "Europe/Berlin", between) == utc(2026, 10, 26, 1, 30)


def test_berlin_eight_stays_eight_across_fall_back() -> None:
    found = run(time(8), EVERY_DAY, "Europe/Berlin", utc(2026, 10, 24), utc(2026, 10, 27))
    assert found == [utc(2026, 10, 24, 6), utc(2026, 10, 25, 7), utc(2026, 10, 26, 7)]


# --- New York, 2026: 8 March 02:00 -> 03:00, 1 November 02:00 -> 01:00


def test_new_york_changes() -> None:
    zone = "America/New_York"
    assert next_due(time(2, 30), EVERY_DAY, zone, utc(2026, 3, 7, 12)) == utc(2026, 3, 8, 7)
    eights = run(time(8), EVERY_DAY, zone, utc(2026, 3, 7), utc(2026, 3, 10))
    assert eights == [utc(2026, 3, 7, 13), utc(2026, 3, 8, 12), utc(2026, 3, 9, 12)]
    assert [local(due, zone).time() for due in eights] == [time(8)] * 3
    assert run(time(1, 30), EVERY_DAY, zone, utc(2026, 10, 31, 12), utc(2026, 11, 2)) == [
        utc(2026, 11, 1, 5, 30)  # 01:30 EDT, not again at 01:30 EST
    ]


# --- Lord Howe: DST is half an hour; 2026-10-04 02:00 -> 02:30, 2026-04-05 02:00 -> 01:30


def test_lord_howe_half_hour_gap_and_overlap() -> None:
    zone = "Australia/Lord_Howe"
    due = next_due(time(2, 15), EVERY_DAY, zone, utc(2026, 10, 3))
    assert local(due, zone).replace(tzinfo=None) == datetime(2026, 10, 4, 2, 30)
    assert due == utc(2026, 10, 3, 15, 30)
    overlap = run(time(1, 45), EVERY_DAY, zone, utc(2026, 4, 4), utc(2026, 4, 5))
    assert overlap == [utc(2026, 4, 4, 14, 45)]  # 01:45 at +11:00; not again at +10:30


def test_kathmandu_chatham_and_fixed_offsets() -> None:
    assert next_due(time(7), EVERY_DAY, "Asia/Kathmandu", utc(2026, 5, 1)) == utc(2026, 5, 1, 1, 15)
    # Chatham springs forward 02:45 -> 03:45 on 2026-09-27.
    due = next_due(time(3), EVERY_DAY, "Pacific/Chatham", utc(2026, 9, 26))
    assert due == utc(2026, 9, 26, 14)
    assert local(due, "Pacific/Chatham").replace(tzinfo=None) == datetime(2026, 9, 27, 3, 45)
    assert next_due(time(7), EVERY_DAY, "UTC+05:30", utc(2026, 5, 1)) == utc(2026, 5, 1, 1, 30)
    assert next_due(time(7), EVERY_DAY, "UTC-04:00", utc(2026, 5, 1)) == utc(2026, 5, 1, 11)
    assert next_due(time(7), EVERY_DAY, "UTC", utc(2026, 5, 1, 7)) == utc(2026, 5, 2, 7)


def test_sao_paulo_changed_at_midnight() -> None:
    zone = "America/Sao_Paulo"
    # 2018-11-04 00:00 -> 01:00: a 00:30 reminder fires at 01:00.
    assert next_due(time(0, 30), EVERY_DAY, zone, utc(2018, 11, 3, 12)) == utc(2018, 11, 4, 3)
    # 2019-02-17 00:00 -> 2019-02-16 23:00: 23:30 on the 16th fires once, at -02:00.
    found = run(time(23, 30), EVERY_DAY, zone, utc(2019, 2, 16, 12), utc(2019, 2, 17, 12))
    assert found == [utc(2019, 2, 17, 1, 30)]


# --- weekdays, boundaries, arguments


def test_weekday_reminder_skips_the_weekend() -> None:
    friday_evening = utc(2026, 1, 9, 19, 0)  # 20:00 in Berlin, after the 19:30 one
    assert friday_evening.weekday() == 4
    due = next_due(time(19, 30), WEEKDAYS, "Europe/Berlin", friday_evening)
    assert due == utc(2026, 1, 12, 18, 30)  # Monday 19:30 CET
    sunday = next_due(time(7, 30), frozenset({6}), "Europe/Berlin", friday_evening)
    assert local_date(sunday, "Europe/Berlin") == date(2026, 1, 11)


def test_strictly_after() -> None:
    at = utc(2026, 1, 1, 8)
    assert next_due(time(8), EVERY_DAY, "UTC", at) == utc(2026, 1, 2, 8)
    assert next_due(time(8), EVERY_DAY, "UTC", at - timedelta(microseconds=1)) == at
    assert latest_due(time(8), EVERY_DAY, "UTC", at) == at
    assert latest_due(time(8), EVERY_DAY, "UTC", at - timedelta(microseconds=1)) == at - timedelta(
        days=1
    )


def test_after_in_another_zone_is_the_same_instant() -> None:
    moment = utc(2026, 6, 1, 22)
    elsewhere = moment.astimezone(timezone(timedelta(hours=-7)))
    assert next_due(time(8), EVERY_DAY, "Europe/Berlin", moment) == next_due(
        time(8), EVERY_DAY, "Europe/Berlin", elsewhere
    )


def test_seconds_and_fold_of_the_local_time_are_respected_or_ignored() -> None:
    # A time(fold=1) must not pick the second reading of an ambiguous time.
    first = occurrence_on(date(2026, 10, 25), time(2, 30, fold=1), "Europe/Berlin")
    assert first == utc(2026, 10, 25, 0, 30)
    assert occurrence_on(date(2026, 1, 1), time(8, 0, 30), "UTC") == utc(2026, 1, 1, 8, 0, 30)


@pytest.mark.parametrize(
    ("days", "after", "zone"),
    [
        (EVERY_DAY, datetime(2026, 1, 1), "UTC"),  # naive
        (frozenset(), utc(2026, 1, 1), "UTC"),  # no day
        (frozenset({7}), utc(2026, 1, 1), "UTC"),  # not a weekday
        (EVERY_DAY, utc(2026, 1, 1), "Mars/Olympus_Mons"),
        (EVERY_DAY, utc(2026, 1, 1), "UTC+25:00"),
    ],
)
def test_bad_arguments_raise_value_error(days: frozenset[int], after: datetime, zone: str) -> None:
    with pytest.raises(ValueError):
        next_due(time(8), days, zone, after)


def test_occurrence_key_is_stable_and_distinct() -> None:
    due = utc(2026, 1, 1, 8)
    assert occurrence_key(7, due) == "7@1767254400"  # the format db/reminders.py writes
    assert occurrence_key(7, due.astimezone(timezone(timedelta(hours=3)))) == occurrence_key(7, due)
    assert occurrence_key(8, due) != occurrence_key(7, due)
    assert occurrence_key(7, due + timedelta(days=1)) != occurrence_key(7, due)
    with pytest.raises(ValueError):
        occurrence_key(7, datetime(2026, 1, 1, 8))


def test_local_date() -> None:
    late_evening_utc = utc(2026, 1, 1, 23)
    assert local_date(late_evening_utc, "Asia/Tokyo") == date(2026, 1, 2)
    assert local_date(late_evening_utc, "America/New_York") == date(2026, 1, 1)
    assert local_date(late_evening_utc, "UTC+05:30") == date(2026, 1, 2)
    with pytest.raises(ValueError):
        local_date(datetime(2026, 1, 1), "UTC")
