"""Each kind of mistake in the time and day words (content/words/) is named by file, field and
reason; a word may mean one thing only, across every language (all are read in every chat)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from content import Problem, load_content
from content.words import DAY_SETS
from places.timeparse import NAMED_DAYS, parse_days, parse_time
from tests.content.conftest import edit, problems_in

EN = "content/words/en.yaml"
RU = "content/words/ru.yaml"


def periods(data: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = data["times"]["periods"]
    return found


MISTAKES: list[tuple[str, str, Callable[[Any], object], Problem]] = [
    (
        "a weekday without forms",
        "ru.yaml",
        lambda d: d["days"]["forms"].pop("tuesday"),
        Problem(RU, "days.forms.tuesday", "required field is missing"),
    ),
    (
        "a weekday with an empty list",
        "ru.yaml",
        lambda d: d["days"]["forms"].update(tuesday=[]),
        Problem(RU, "days.forms.tuesday", "must have at least one item"),
    ),
    (
        "an hour of the day out of range",
        "en.yaml",
        lambda d: periods(d)[1]["hours"].update({"1-11": "14-24"}),
        Problem(
            EN,
            "times.periods.2.hours",
            "'14-24': hours run from 0 to 23, the first one first",
        ),
    ),
    (
        "ranges of different lengths",
        "ru.yaml",
        lambda d: periods(d)[0]["hours"].update({"1-11": "1-10"}),
        Problem(RU, "times.periods.1.hours", "1-11: 1-10: the two ranges must have as many hours"),
    ),
    (
        "an hour given twice",
        "ru.yaml",
        lambda d: periods(d)[3]["hours"].update({"1-5": "1-5", "5": "17"}),
        Problem(RU, "times.periods.4.hours", "5: the hour 5 is given twice"),
    ),
    (
        "not an hour",
        "en.yaml",
        lambda d: periods(d)[0]["hours"].update({"noon": "12"}),
        Problem(
            EN,
            "times.periods.1.hours",
            "'noon' is not an hour or a range of hours (like 7 or '1-11')",
        ),
    ),
    (
        "a named time YAML read as a number",
        "en.yaml",
        lambda d: d["times"]["named"].update(noon=720),
        Problem(EN, "times.named.noon", 'write the time in quotes, like "12:00"'),
    ),
    (
        "a named time that is no time",
        "ru.yaml",
        lambda d: d["times"]["named"].update(полдень="25:00"),
        Problem(RU, "times.named.полдень", "'25:00' is not a time of day like \"12:00\""),
    ),
    (
        "a form claimed by two days in two languages",
        "ru.yaml",
        lambda d: d["days"]["forms"]["tuesday"].append("Mon"),
        Problem(RU, "days.forms.tuesday", f"'mon' is also a form of monday in {EN}"),
    ),
    (
        "a form claimed by two days in one language",
        "en.yaml",
        lambda d: d["days"]["forms"]["sunday"].append("sa"),
        Problem(EN, "days.forms.sunday", f"'sa' is also a form of saturday in {EN}"),
    ),
    (
        "a short name that does not read back as its day",
        "en.yaml",
        lambda d: d["days"]["short"].__setitem__(1, "Di"),
        Problem(
            EN,
            "days.short.2",
            "'Di' is not one of the forms of tuesday (it must be read back as that day)",
        ),
    ),
    (
        "six short names",
        "ru.yaml",
        lambda d: d["days"]["short"].pop(),
        Problem(RU, "days.short", "List should have at least 7 items after validation, not 6"),
    ),
    (
        "a period word with other hours in another language",
        "ru.yaml",
        lambda d: periods(d).append({"words": ["pm"], "hours": {"1-11": "1-11"}}),
        Problem(
            RU,
            "times.periods.5.words",
            f"'pm' is also the period word of other hours (p.m.) in {EN}",
        ),
    ),
    (
        "a phrase claimed by two sets of days",
        "ru.yaml",
        lambda d: d["days"]["weekends"]["typed"].append("будни"),
        Problem(RU, "days.weekends", f"'будни' is also the set weekdays in {RU}"),
    ),
    (
        "a named time claimed with two times",
        "ru.yaml",
        lambda d: d["times"]["named"].update(noon="13:00"),
        Problem(RU, "times.named.noon", f"'noon' is also the time 12:00 in {EN}"),
    ),
    (
        "a blank that does not exist in a time said in words",
        "en.yaml",
        lambda d: d["times"]["said"]["past"].append("{minute} past {hour}"),
        Problem(
            EN,
            "times.said.past.6",
            "'{minute} past {hour}': {minute} is not a blank "
            "(use {hour} or {ordinal}, and {minutes} or {fraction})",
        ),
    ),
    (
        "a time said in words with no hour",
        "ru.yaml",
        lambda d: d["times"]["said"]["to"].append("без {minutes}"),
        Problem(RU, "times.said.to.2", "'без {minutes}' needs one {hour} or one {ordinal}"),
    ),
    (
        "minutes before the hour that are not said",
        "en.yaml",
        lambda d: d["times"]["said"]["to"].append("quarter to {hour}"),
        Problem(EN, "times.said.to.5", "'quarter to {hour}' needs {minutes} or {fraction}"),
    ),
    (
        "a brace without its pair",
        "en.yaml",
        lambda d: d["times"]["said"]["past"].append("{hour past"),
        Problem(EN, "times.said.past.6", "'{hour past': a brace without its pair"),
    ),
    (
        "a number that is no minute",
        "en.yaml",
        lambda d: d["times"]["numbers"].update(sixty=60),
        Problem(EN, "times.numbers.sixty", "60 is not from 0 to 59"),
    ),
    (
        "a number word with two values in two languages",
        "ru.yaml",
        lambda d: d["times"]["fractions"].update(half=15),
        Problem(RU, "times.fractions", f"'half' is also the number 30 (fractions) in {EN}"),
    ),
    (
        "a word that is a number and a fraction",
        "en.yaml",
        lambda d: d["times"]["numbers"].update(quarter=15),
        Problem(EN, "times.fractions", f"'quarter' is also the number 15 (numbers) in {EN}"),
    ),
    (
        "a one-off day word with two meanings",
        "ru.yaml",
        lambda d: d["dates"]["typed"].update(tomorrow=2),
        Problem(RU, "dates.typed", f"'tomorrow' is also the day +1 in {EN}"),
    ),
    (
        "eleven months",
        "ru.yaml",
        lambda d: d["dates"]["months"].pop(),
        Problem(RU, "dates.months", "List should have at least 12 items after validation, not 11"),
    ),
    (
        "a date shown without its day",
        "en.yaml",
        lambda d: d["dates"].update(shown="{weekday} {month}"),
        Problem(
            EN,
            "dates.shown",
            "'{weekday} {month}': use {day} and {month}, and {weekday} if you like",
        ),
    ),
    (
        "a filler that is also a day",
        "en.yaml",
        lambda d: d["days"]["fillers"].append("sun"),
        Problem(EN, "days.fillers", "'sun' is also a form of sunday: it cannot be both"),
    ),
    (
        "a range word that is also a day",
        "ru.yaml",
        lambda d: d["days"]["range_to"].append("пт"),
        Problem(RU, "days.range_to", "'пт' is also a form of friday: it cannot be both"),
    ),
]


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [pytest.param(file, change, expected, id=name) for name, file, change, expected in MISTAKES],
)
def test_mistake_is_reported(
    root: Path, file: str, change: Callable[[Any], object], expected: Problem
) -> None:
    edit(root / "words" / file, change)
    assert problems_in(root) == [expected]


def test_every_language_needs_its_words(root: Path) -> None:
    (root / "words" / "ru.yaml").unlink()
    assert problems_in(root) == [
        Problem(RU, "", "missing: every language needs its time words (ru)")
    ]


def test_a_file_of_no_language_is_reported(root: Path) -> None:
    (root / "words" / "de.yaml").write_text("times: {}\n", encoding="utf-8")
    assert problems_in(root) == [
        Problem("content/words/de.yaml", "", "'de' is not a language of languages.yaml")
    ]


def test_the_sets_of_days_are_the_schedules() -> None:
    assert set(DAY_SETS) == set(NAMED_DAYS)


def test_the_same_word_with_the_same_meaning_in_two_languages_is_fine(root: Path) -> None:
    edit(root / "words" / "ru.yaml", lambda d: d["days"]["forms"]["monday"].append("mo"))
    load_content(root)


def test_words_change_what_is_understood(root: Path) -> None:
    """The parser reads only the words of the content: a new word works, a removed one not."""
    edit(root / "words" / "ru.yaml", lambda d: d["times"]["before"].append("около"))
    edit(root / "words" / "en.yaml", lambda d: d["days"]["weekends"]["typed"].remove("weekend"))
    words = load_content(root).time_words
    assert parse_time("около 7:30", words) is not None
    assert parse_days("weekend", words) is None
    assert parse_days("weekends", words) == NAMED_DAYS["weekends"]


def test_a_new_way_of_saying_a_time_is_data_only(root: Path) -> None:
    """Said times are templates of content: one added to a file is understood at once."""
    edit(
        root / "words" / "en.yaml",
        lambda d: (
            d["times"]["fractions"].update({"three quarters": 45}),
            d["times"]["said"]["past"].append("{fraction} after {hour} sharp"),
        ),
    )
    words = load_content(root).time_words
    assert parse_time("three quarters after nine sharp", words) == time(9, 45)
    assert parse_time("three quarters after nine sharp", load_content().time_words) is None
