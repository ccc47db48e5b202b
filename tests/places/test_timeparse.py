"""Times and days as people type them in English and Russian, and how they are shown back.

The words are the shipped ones (content/words/); the parser itself knows no language.
"""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content import load_content
from places import timeparse
from places.timeparse import format_time

WORDS = load_content().time_words


def parse_time(text: str) -> time | None:
    return timeparse.parse_time(text, WORDS)


def parse_days(text: str) -> frozenset[int] | None:
    return timeparse.parse_days(text, WORDS)


def format_days(days: frozenset[int], lang: str) -> str:
    return timeparse.format_days(days, lang, WORDS)


EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
WEEKENDS = frozenset({5, 6})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)),
        ("07:30", time(7, 30)),
        ("19:30", time(19, 30)),
        ("0:05", time(0, 5)),
        ("7.30", time(7, 30)),
        ("7.30pm", time(19, 30)),
        ("7:30 PM", time(19, 30)),
        ("7:30 p.m.", time(19, 30)),
        ("7pm", time(19)),
        ("7 am", time(7)),
        ("7 A.M.", time(7)),
        ("12am", time(0)),
        ("12:30am", time(0, 30)),
        ("12pm", time(12)),
        ("730", time(7, 30)),
        ("0730", time(7, 30)),
        ("1930", time(19, 30)),
        ("930pm", time(21, 30)),
        ("7h30", time(7, 30)),
        ("7h", time(7)),
        ("at 7pm", time(19)),
        ("19ч30", time(19, 30)),
        ("19ч", time(19)),
        ("7 утра", time(7)),
        ("7:30 вечера", time(19, 30)),
        ("в 8", time(8)),
        ("в 7 часов утра", time(7)),
        ("8 вечера", time(20)),
        ("19 вечера", time(19)),
        ("3 дня", time(15)),
        ("12 дня", time(12)),
        ("11 ночи", time(23)),
        ("12 ночи", time(0)),
        ("2 ночи", time(2)),
        ("полдень", time(12)),
        ("noon", time(12)),
        ("Midnight", time(0)),
        ("полночь", time(0)),
        ("ПОЛНОЧЬ", time(0)),
        ("  ７:３０ ", time(7, 30)),  # full-width digits
        ("７：３０", time(7, 30)),  # and a full-width colon
        ("\t19:30\n", time(19, 30)),
    ],
)
def test_times_people_type(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "25:99",
        "24:00",
        "7:60",
        "7:3",
        "7:300",
        "tomorrow-ish",
        "🙂",
        "⏰ 7",
        "",
        "   ",
        "13pm",
        "0am",
        "19:30 pm",
        "12 вечера",
        "-7",
        "-7:30",
        "7:30:00:00",
        "seventy",
        "half past",
        "без четверти",
        "пол тринадцатого",
        "7 30 45",
        "7" * 41,
        "7:30" + " " * 40,
    ],
)
def test_garbage_is_refused(text: str) -> None:
    assert parse_time(text) is None


@given(st.integers(0, 23), st.integers(0, 59), st.booleans())
def test_24_hour_strings_round_trip(hour: int, minute: int, padded: bool) -> None:
    text = f"{hour:02d}:{minute:02d}" if padded else f"{hour}:{minute:02d}"
    assert parse_time(text) == time(hour, minute)
    assert format_time(time(hour, minute), "en") == f"{hour:02d}:{minute:02d}"
    assert parse_time(format_time(time(hour, minute), "ru")) == time(hour, minute)


@given(
    st.integers(1, 12),
    st.integers(0, 59),
    st.sampled_from(["am", "pm"]),
    st.sampled_from(["{h}:{m:02d} {p}", "{h}:{m:02d}{p}", "{h}.{m:02d} {P}"]),
)
def test_12_hour_equals_24_hour(hour: int, minute: int, half: str, template: str) -> None:
    expected = time(hour % 12 + (12 if half == "pm" else 0), minute)
    assert parse_time(template.format(h=hour, m=minute, p=half, P=half.upper())) == expected


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_random_text_never_raises(text: str) -> None:
    parsed = parse_time(text)
    assert parsed is None or isinstance(parsed, time)
    days = parse_days(text)
    assert days is None or (days and days <= EVERY_DAY)


@given(st.from_regex(r"\A\s*(в\s)?\d{1,4}([:.hч]\d{1,3})?\s?(am|pm|утра|вечера)?\s*\Z"))
def test_time_like_text_never_raises(text: str) -> None:
    parsed = parse_time(text)
    assert parsed is None or isinstance(parsed, time)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("every day", EVERY_DAY),
        ("Every Day", EVERY_DAY),
        ("daily", EVERY_DAY),
        ("ежедневно", EVERY_DAY),
        ("каждый день", EVERY_DAY),
        ("weekdays", WEEKDAYS),
        ("будни", WEEKDAYS),
        ("по будням", WEEKDAYS),
        ("weekends", WEEKENDS),
        ("выходные", WEEKENDS),
        ("mon,wed,fri", frozenset({0, 2, 4})),
        ("Mon Wed Fri", frozenset({0, 2, 4})),
        ("mon, wed and fri", frozenset({0, 2, 4})),
        ("пн ср пт", frozenset({0, 2, 4})),
        ("Пн, Ср, Пт", frozenset({0, 2, 4})),
        ("mon-fri", WEEKDAYS),
        ("Mon – Fri", WEEKDAYS),
        ("пн-пт", WEEKDAYS),
        ("с пн по пт", WEEKDAYS),
        ("monday to friday", WEEKDAYS),
        ("fri-mon", frozenset({4, 5, 6, 0})),
        ("sat-sat", frozenset({5})),
        ("Tuesdays and Thursdays", frozenset({1, 3})),
        ("thurs", frozenset({3})),
        ("по понедельникам и средам", frozenset({0, 2})),
        ("вторник, четверг", frozenset({1, 3})),
        ("пн и по выходным", frozenset({0, 5, 6})),
        ("weekends, wed", frozenset({2, 5, 6})),
        ("ｍｏｎ", frozenset({0})),
    ],
)
def test_days_people_type(text: str, expected: frozenset[int]) -> None:
    assert parse_days(text) == expected


@pytest.mark.parametrize(
    "text", ["", "someday", "mon, blah", "month", "mon-", "-fri", "t", "s", "x" * 81, "🙂", ","]
)
def test_days_not_understood(text: str) -> None:
    assert parse_days(text) is None


@given(st.frozensets(st.integers(0, 6), min_size=1), st.sampled_from(["en", "ru"]))
def test_formatted_days_parse_back(days: frozenset[int], lang: str) -> None:
    assert parse_days(format_days(days, lang)) == days


@pytest.mark.parametrize(
    ("days", "lang", "shown"),
    [
        (EVERY_DAY, "en", "every day"),
        (WEEKDAYS, "en", "weekdays"),
        (WEEKENDS, "en", "weekends"),
        (frozenset({0, 2, 4}), "en", "Mon, Wed, Fri"),
        (frozenset({6, 0}), "en", "Mon, Sun"),
        (EVERY_DAY, "ru", "каждый день"),
        (WEEKDAYS, "ru", "по будням"),
        (WEEKENDS, "ru", "по выходным"),
        (frozenset({0, 2, 4}), "ru", "пн, ср, пт"),
        (frozenset({3}), "ru-RU", "чт"),
        (frozenset({3}), "de", "Thu"),
        (frozenset(), "en", ""),
    ],
)
def test_format_days(days: frozenset[int], lang: str, shown: str) -> None:
    assert format_days(days, lang) == shown


def test_format_time_ignores_seconds_and_language() -> None:
    assert format_time(time(7, 5, 59), "en") == format_time(time(7, 5), "ru") == "07:05"
