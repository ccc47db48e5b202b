"""Typed times, days and zones in English and Russian."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminders.timeparse import format_days, parse_days, parse_time
from reminders.zones import emergency_number, resolve_zone, suggest_zones, zone_from_location


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)),
        ("07:30", time(7, 30)),
        ("19:30", time(19, 30)),
        ("7.30", time(7, 30)),
        ("7.30pm", time(19, 30)),
        ("7:30 PM", time(19, 30)),
        ("7pm", time(19)),
        ("7 am", time(7)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("730", time(7, 30)),
        ("1930", time(19, 30)),
        ("7h30", time(7, 30)),
        ("19ч30", time(19, 30)),
        ("7 утра", time(7)),
        ("7:30 вечера", time(19, 30)),
        ("в 8", time(8)),
        ("8 вечера", time(20)),
        ("noon", time(12)),
        ("полночь", time(0)),
        ("  ７:３０ ", time(7, 30)),
    ],
)
def test_times_people_type(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    ["25:99", "24:00", "7:60", "tomorrow-ish", "🙂", "", "13pm", "0am", "-7", "7" * 50, "7:3"],
)
def test_garbage_is_refused(text: str) -> None:
    assert parse_time(text) is None


@given(st.integers(0, 23), st.integers(0, 59))
def test_24_hour_round_trip(hour: int, minute: int) -> None:
    assert parse_time(f"{hour}:{minute:02d}") == time(hour, minute)


@given(st.integers(1, 12), st.integers(0, 59), st.sampled_from(["am", "pm"]))
def test_12_hour_equals_24_hour(hour: int, minute: int, half: str) -> None:
    expected = (hour % 12) + (12 if half == "pm" else 0)
    assert parse_time(f"{hour}:{minute:02d} {half}") == time(expected, minute)


@given(st.text(max_size=60))
def test_random_text_never_raises(text: str) -> None:
    parse_time(text)
    parse_days(text)
    resolve_zone(text)


def test_days() -> None:
    assert parse_days("every day") == parse_days("ежедневно") == frozenset(range(7))
    assert parse_days("weekdays") == parse_days("будни") == parse_days("mon-fri")
    assert parse_days("Mon Wed Fri") == parse_days("пн, ср, пт") == frozenset({0, 2, 4})
    assert parse_days("fri-mon") == frozenset({4, 5, 6, 0})
    assert parse_days("someday") is None
    assert format_days(frozenset({0, 2, 4}), "en") == "Mon, Wed, Fri"
    assert format_days(frozenset(range(5)), "ru") == "по будням"


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe berlin", "Europe/Berlin"),
        ("America/New York", "America/New_York"),
        ("new york", "America/New_York"),
        ("sao paulo", "America/Sao_Paulo"),
        ("Москва", "Europe/Moscow"),
        ("Питер", "Europe/Moscow"),
        ("Екатеринбург", "Asia/Yekaterinburg"),
        ("Berlinn", "Europe/Berlin"),
        ("UTC+3", "UTC+03:00"),
        ("+3", "UTC+03:00"),
        ("GMT-4", "UTC-04:00"),
        ("UTC+05:30", "UTC+05:30"),
        ("+0545", "UTC+05:45"),
        ("utc", "UTC"),
    ],
)
def test_zones_typed(text: str, zone: str) -> None:
    assert resolve_zone(text) == zone


@pytest.mark.parametrize("text", ["asdfgh", "Atlantis", "UTC+15", "UTC+3:20", "🙂", "x"])
def test_unknown_zones(text: str) -> None:
    assert resolve_zone(text) is None


def test_zone_from_location_and_suggestions() -> None:
    assert zone_from_location(52.52, 13.405) == "Europe/Berlin"
    assert zone_from_location(40.71, -74.0) == "America/New_York"
    assert zone_from_location(95, 0) is None
    assert suggest_zones("ru")[0] == "Europe/Moscow"
    assert "UTC" in suggest_zones(None)
    assert emergency_number("America/Chicago", "en") == "911"
    assert emergency_number("Europe/Berlin", "de") == "112"
    assert emergency_number("Asia/Kathmandu", "en") is None
