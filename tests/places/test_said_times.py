"""Times said in words, days and one-off days in one phrase, as people type them in English and
Russian: "half past seven", «без четверти восемь», "tomorrow at 7:30pm", «каждый день в 8 утра».

The words are the shipped ones (content/words/); the parser knows no language. The spellings
below are the tests' own, so they check the word files too.
"""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from content import load_content
from places.saidtime import twelve_hour
from places.timeparse import EVERY_DAY, WEEKDAYS, When, format_date, parse_time, parse_when

WORDS = load_content().time_words

EN_NUMBERS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
EN_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty"}
RU_HOURS = [
    "ноль",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
    "десять",
    "одиннадцать",
    "двенадцать",
]
RU_ORDINALS = [
    "-",
    "первого",
    "второго",
    "третьего",
    "четвёртого",
    "пятого",
    "шестого",
    "седьмого",
    "восьмого",
    "девятого",
    "десятого",
    "одиннадцатого",
    "двенадцатого",
]


def english(number: int, joiner: str = "-") -> str:
    """1..59 in English words: 'seven', 'twenty-five' (or 'twenty five')."""
    if number < 20:
        return EN_NUMBERS[number]
    tens, units = divmod(number, 10)
    return EN_TENS[tens * 10] + (joiner + EN_NUMBERS[units] if units else "")


def when(text: str) -> When | None:
    return parse_when(text, WORDS)


def said(hour: int, minute: int) -> time:
    """The time meant by an hour said in words with no morning or evening word."""
    return time(twelve_hour(hour) % 24, minute)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("half past seven", When(time(7, 30), guessed=True)),
        ("Half past 7", When(time(7, 30), guessed=True)),
        ("half-past seven", When(time(7, 30), guessed=True)),
        ("half seven", When(time(7, 30), guessed=True)),
        ("quarter past eight", When(time(8, 15), guessed=True)),
        ("a quarter past eight", When(time(8, 15), guessed=True)),
        ("quarter to eight", When(time(7, 45), guessed=True)),
        ("ten to eight", When(time(7, 50), guessed=True)),
        ("ten minutes to eight", When(time(7, 50), guessed=True)),
        ("twenty-five past nine", When(time(9, 25), guessed=True)),
        ("seven thirty", When(time(7, 30), guessed=True)),
        ("seven forty five", When(time(7, 45), guessed=True)),
        ("seven o'clock", When(time(7, 0), guessed=True)),
        ("at seven", When(time(7, 0), guessed=True)),
        ("at two", When(time(14, 0), guessed=True)),  # the rule: 1 to 6 are afternoon
        ("half past twelve", When(time(12, 30))),  # noon, not a guess
        ("quarter to one", When(time(12, 45), guessed=True)),
        ("half past seven pm", When(time(19, 30))),
        ("half past seven in the evening", When(time(19, 30))),
        ("7 in the morning", When(time(7, 0))),
        ("in the evening at 7", When(time(19, 0))),
        ("10 at night", When(time(22, 0))),
        ("at 8pm", When(time(20, 0))),
        ("noon", When(time(12, 0))),
        ("at noon", When(time(12, 0))),
        ("tomorrow 7:30", When(time(7, 30), in_days=1)),
        ("7:30pm tomorrow", When(time(19, 30), in_days=1)),
        ("tomorrow at 7:30pm", When(time(19, 30), in_days=1)),
        ("Tomorrow, half past seven", When(time(7, 30), in_days=1, guessed=True)),
        ("today at 9pm", When(time(21, 0), in_days=0)),
        ("the day after tomorrow at 9", When(time(9, 0), in_days=2)),
        ("every day at 8", When(time(8, 0), EVERY_DAY)),
        ("8am every day", When(time(8, 0), EVERY_DAY)),
        ("weekdays at half past six", When(time(18, 30), WEEKDAYS, guessed=True)),
        ("mon, wed, fri at 7", When(time(7, 0), frozenset({0, 2, 4}))),
        ("7:30 on weekdays", When(time(7, 30), WEEKDAYS)),
        ("в полвосьмого", When(time(7, 30), guessed=True)),
        ("полвосьмого", When(time(7, 30), guessed=True)),
        ("пол восьмого", When(time(7, 30), guessed=True)),
        ("пол-первого", When(time(12, 30), guessed=True)),
        ("в половине восьмого вечера", When(time(19, 30))),
        ("четверть восьмого", When(time(7, 15), guessed=True)),
        ("десять минут восьмого", When(time(7, 10), guessed=True)),
        ("без четверти восемь", When(time(7, 45), guessed=True)),
        ("без пятнадцати восемь", When(time(7, 45), guessed=True)),
        ("без двадцати пяти восемь", When(time(7, 35), guessed=True)),
        ("без 15 8", When(time(7, 45), guessed=True)),
        ("в восемь вечера", When(time(20, 0))),
        ("в восемь", When(time(8, 0), guessed=True)),
        ("в семь тридцать", When(time(7, 30), guessed=True)),
        ("в девятнадцать тридцать", When(time(19, 30))),
        ("в 7 часов 30 минут", When(time(7, 30), guessed=True)),
        ("вечером в 7", When(time(19, 0))),
        ("в 8 утра", When(time(8, 0))),
        ("каждый день в 8 утра", When(time(8, 0), EVERY_DAY)),
        ("в 8 утра каждый день", When(time(8, 0), EVERY_DAY)),
        ("по будням в полвосьмого", When(time(7, 30), WEEKDAYS, guessed=True)),
        ("завтра в 19:30", When(time(19, 30), in_days=1)),
        ("в 19:30 завтра", When(time(19, 30), in_days=1)),
        ("завтра утром в 7", When(time(7, 0), in_days=1)),
        ("послезавтра в 9", When(time(9, 0), in_days=2)),
        ("сегодня без четверти десять вечера", When(time(21, 45), in_days=0)),
    ],
)
def test_phrases_people_type(text: str, expected: When) -> None:
    assert when(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "tomorrow every day",  # a one-off day and days together
        "tomorrow today 7:30",
        "every day",  # no time
        "tomorrow",
        "half past",
        "quarter to",
        "без четверти",
        "seventy past eight",
        "61 minutes past 7",
        "half past twenty-five",
        "mon, blah at 7",
        "13 pm tomorrow",
        "x" * 101,
    ],
)
def test_phrases_not_understood(text: str) -> None:
    assert when(text) is None


@given(st.integers(1, 12), st.sampled_from(["{h}", "{w}"]))
def test_half_past_and_quarters_round_trip(hour: int, form: str) -> None:
    name = form.format(h=hour, w=english(hour))
    assert when(f"half past {name}") == When(said(hour, 30), guessed=hour != 12)
    assert when(f"quarter past {name}") == When(said(hour, 15), guessed=hour != 12)
    before = (twelve_hour(hour) * 60 - 15) % (24 * 60)
    assert parse_time(f"quarter to {name}", WORDS) == time(*divmod(before, 60))


@given(st.integers(1, 12), st.sampled_from(["a.m.", "pm", "PM"]))
def test_a_period_word_decides_the_half_of_the_day(hour: int, period: str) -> None:
    evening = period.casefold().startswith("p")
    expected = hour % 12 + (12 if evening else 0)
    assert when(f"half past {english(hour)} {period}") == When(time(expected, 30))


@given(st.integers(1, 59), st.integers(1, 12), st.booleans(), st.booleans())
def test_minutes_past_and_to_round_trip(minutes: int, hour: int, spelt: bool, spaced: bool) -> None:
    said_minutes = english(minutes, " " if spaced else "-") if spelt else str(minutes)
    named = twelve_hour(hour) * 60
    for template, total in (("{m} past {h}", named + minutes), ("{m} to {h}", named - minutes)):
        text = template.format(m=said_minutes, h=english(hour))
        assert parse_time(text, WORDS) == time(*divmod(total % (24 * 60), 60)), text


@given(st.integers(0, 23), st.integers(1, 59))
def test_hours_and_minutes_in_words_round_trip(hour: int, minutes: int) -> None:
    # "twenty one" is 21:00, not 20:01 (people say "eight oh one pm"): see the test below.
    assume(not (hour >= 20 and minutes < 10))
    text = f"{english(hour) if hour else 'zero'} {english(minutes)}"
    expected = time(twelve_hour(hour), minutes) if hour else None  # no word for nought
    assert parse_time(text, WORDS) == expected


def test_a_twenty_with_a_single_digit_is_one_hour() -> None:
    assert parse_time("twenty one", WORDS) == time(21, 0)
    assert parse_time("twenty three", WORDS) == time(23, 0)


@given(st.integers(1, 12))
def test_russian_halves_and_quarters_round_trip(hour: int) -> None:
    before = (twelve_hour(hour) - 1) % 24  # «полвосьмого»: half into the eighth hour
    ordinal = RU_ORDINALS[hour]
    assert when(f"пол{ordinal}") == When(time(before, 30), guessed=hour != 12)
    assert when(f"в половине {ordinal}") == When(time(before, 30), guessed=hour != 12)
    assert when(f"четверть {ordinal}") == When(time(before, 15), guessed=hour != 12)
    cardinal = RU_HOURS[hour]
    assert when(f"без четверти {cardinal}") == When(time(before, 45), guessed=hour != 12)


@given(st.integers(0, 23), st.integers(0, 59), st.sampled_from(["", "tomorrow ", "завтра в "]))
def test_every_digital_time_round_trips_with_a_day(hour: int, minute: int, day: str) -> None:
    expected = When(time(hour, minute), in_days=1 if day else None)
    assert when(f"{day}{hour}:{minute:02d}") == expected
    assert when(f"{hour:02d}:{minute:02d} {day.split()[0] if day else ''}") == expected


VOCABULARY = sorted(
    {
        *WORDS.numbers,
        *WORDS.fractions,
        *WORDS.ordinals,
        *WORDS.dates,
        *WORDS.before,
        *WORDS.period_words,
        *WORDS.day_forms,
        *WORDS.day_sets,
        *WORDS.minute_words,
        "past",
        "to",
        "без",
        "пол",
        "7",
        "30",
        "7:30",
        "-",
        ",",
    }
)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=8))
def test_any_mix_of_the_words_never_raises(tokens: list[str]) -> None:
    found = when(" ".join(tokens))
    assert found is None or (isinstance(found.at, time) and (found.days or EVERY_DAY) <= EVERY_DAY)


@settings(max_examples=300)
@given(st.text(max_size=110))
def test_random_text_never_raises(text: str) -> None:
    found = when(text)
    assert found is None or isinstance(found.at, time)


@pytest.mark.parametrize(
    ("day", "lang", "shown"),
    [
        ("2026-11-25", "en", "Wed 25 Nov"),
        ("2026-11-25", "ru", "ср, 25 ноября"),
        ("2027-01-01", "ru-RU", "пт, 1 января"),
        ("2027-01-01", "xx", "Fri 1 Jan"),
    ],
)
def test_a_one_off_day_is_shown_in_the_language(day: str, lang: str, shown: str) -> None:
    assert format_date(date.fromisoformat(day), lang, WORDS) == shown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("в час дня", time(13, 0)),
        ("на 8 утра", time(8, 0)),
    ],
)
def test_russian_times_added_by_the_native_review(text: str, expected: time) -> None:
    found = when(text)
    assert found is not None and found.at == expected


@pytest.mark.parametrize(
    "text", ["каждое воскресенье в 9", "каждые выходные в 9", "в будние дни в 9", "на выходных в 9"]
)
def test_russian_day_phrases_added_by_the_native_review(text: str) -> None:
    found = when(text)
    assert found is not None and found.at == time(9, 0) and found.days is not None
