"""The words people type for times and days (content/words/<code>.yaml), checked per language and
merged into one `TimeWords` table: places/timeparse.py reads it, and knows no language itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from content.fields import NonEmptyText, Strict, invalid
from content.problems import UNREADABLE, Collector
from content.schema import Languages

WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The named sets of days a language gives words for (their days: reminders.schedule.NAMED_DAYS).
DAY_SETS = ("every_day", "weekdays", "weekends")
CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
HOURS = re.compile(r"^(\d{1,2})(?:-(\d{1,2}))?$")


def fold(text: str) -> str:
    """A word as it is compared: full-width forms to ASCII, one case, single spaces, 'ё' as 'е'.

    Applied alike to the words of content/words/ and to what people type.
    """
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return " ".join(folded.split())


def period_key(word: str) -> str:
    """A period word without its dots and spaces: "a.m.", "a. m." and "am" are one word."""
    return fold(word).replace(".", "").replace(" ", "")


def _hours(spec: int | str) -> range:
    """'1-11' or 7 (or '7') as a range of hours; ValueError with the reason if it is not one."""
    found = HOURS.match(str(spec).strip())
    if found is None:
        raise ValueError(f"{spec!r} is not an hour or a range of hours (like 7 or '1-11')")
    first = int(found[1])
    last = int(found[2]) if found[2] is not None else first
    if not 0 <= first <= last <= 23:
        raise ValueError(f"{spec!r}: hours run from 0 to 23, the first one first")
    return range(first, last + 1)


def hour_map(hours: dict[int | str, int | str]) -> dict[int, int]:
    """Typed hour -> hour of the day, from {"1-11": "13-23", 12: 12}; ValueError if broken."""
    mapped: dict[int, int] = {}
    for typed, meant in hours.items():
        typed_hours, meant_hours = _hours(typed), _hours(meant)
        if len(typed_hours) != len(meant_hours):
            raise ValueError(f"{typed}: {meant}: the two ranges must have as many hours")
        for hour, of_day in zip(typed_hours, meant_hours, strict=True):
            if hour in mapped:
                raise ValueError(f"{typed}: the hour {hour} is given twice")
            mapped[hour] = of_day
    return mapped


class Period(Strict):
    """A word after the time ("pm", "вечера") and the hours it turns into hours of the day."""

    words: list[NonEmptyText] = Field(min_length=1)
    hours: dict[int | str, int | str] = Field(min_length=1)

    @field_validator("hours")
    @classmethod
    def _hour_map(cls, value: dict[int | str, int | str]) -> dict[int | str, int | str]:
        try:
            hour_map(value)
        except ValueError as error:
            raise invalid(str(error)) from None
        return value


class Times(Strict):
    """The words of a time of day."""

    named: dict[str, str | int] = Field(default_factory=dict)
    before: list[NonEmptyText] = Field(default_factory=list)
    hour_marks: list[NonEmptyText] = Field(default_factory=list)
    hour_words: list[NonEmptyText] = Field(default_factory=list)
    periods: list[Period] = Field(default_factory=list)

    @field_validator("named")
    @classmethod
    def _clock_times(cls, value: dict[str, str | int]) -> dict[str, str | int]:
        for word, shown in value.items():
            if isinstance(shown, int):  # YAML reads an unquoted 12:00 as 720
                raise invalid('write the time in quotes, like "12:00"', at=word)
            found = CLOCK.match(shown)
            if found is None or int(found[1]) > 23 or int(found[2]) > 59:
                raise invalid(f'{shown!r} is not a time of day like "12:00"', at=word)
        return value


class DayForms(Strict):
    """Every form each weekday is typed in."""

    monday: list[NonEmptyText] = Field(min_length=1)
    tuesday: list[NonEmptyText] = Field(min_length=1)
    wednesday: list[NonEmptyText] = Field(min_length=1)
    thursday: list[NonEmptyText] = Field(min_length=1)
    friday: list[NonEmptyText] = Field(min_length=1)
    saturday: list[NonEmptyText] = Field(min_length=1)
    sunday: list[NonEmptyText] = Field(min_length=1)

    def of(self, day: int) -> list[str]:
        forms: list[str] = getattr(self, WEEKDAY_FIELDS[day])
        return forms


class DaySet(Strict):
    """A named set of days: how it is shown, and the other ways it is typed."""

    shown: NonEmptyText
    typed: list[NonEmptyText] = Field(default_factory=list)


class Days(Strict):
    """The words of days of the week."""

    forms: DayForms
    short: list[NonEmptyText] = Field(min_length=7, max_length=7)
    every_day: DaySet
    weekdays: DaySet
    weekends: DaySet
    fillers: list[NonEmptyText] = Field(default_factory=list)
    range_from: list[NonEmptyText] = Field(default_factory=list)
    range_to: list[NonEmptyText] = Field(default_factory=list)

    @model_validator(mode="after")
    def _short_names_are_forms(self) -> Days:
        for day, shown in enumerate(self.short):
            if fold(shown) not in {fold(form) for form in self.forms.of(day)}:
                raise invalid(
                    f"{shown!r} is not one of the forms of {WEEKDAY_FIELDS[day]} "
                    "(it must be read back as that day)",
                    at=f"short.{day + 1}",
                )
        return self

    def day_set(self, name: str) -> DaySet:
        found: DaySet = getattr(self, name)
        return found


class LanguageWords(Strict):
    """content/words/<code>.yaml."""

    times: Times
    days: Days


@dataclass(frozen=True, eq=False)  # compared by identity: the parser caches a grammar per table
class TimeWords:
    """The words of every language, folded (see `fold`), for reading; per language for showing."""

    default_language: str
    named_times: dict[str, time]
    before: tuple[str, ...]
    hour_marks: tuple[str, ...]
    hour_words: tuple[str, ...]
    period_words: tuple[str, ...]  # as written, with their optional dots
    periods: dict[str, dict[int, int]]  # period_key(word) -> typed hour -> hour of the day
    day_forms: dict[str, int]  # form -> weekday, 0 = Monday
    day_sets: dict[str, str]  # phrase -> the name of a set of days (every_day, weekdays...)
    fillers: frozenset[str]
    range_from: tuple[str, ...]
    range_to: tuple[str, ...]
    short_names: dict[str, tuple[str, ...]]  # language -> Monday..Sunday as shown
    set_names: dict[str, dict[str, str]]  # language -> the name of a set of days -> as shown

    @staticmethod
    def fold(text: str) -> str:
        """What people type, folded as the words are (`fold`)."""
        return fold(text)


def _unique(words: Iterator[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(fold(word) for word in words))


class _Claims:
    """Who claimed each word first: a word with two meanings is reported where it comes second."""

    def __init__(self, collector: Collector, kind: str) -> None:
        self.collector, self.kind = collector, kind
        self.owner: dict[str, tuple[object, str, str]] = {}  # word -> (meaning, shown, file)

    def claim(self, path: Path, where: str, word: str, meaning: object, shown: str) -> bool:
        """Record the word; False (and a problem) if it already means something else."""
        first = self.owner.setdefault(word, (meaning, shown, self.collector.name(path)))
        if first[0] != meaning:
            self.collector.add(
                path, where, f"{word!r} is also {self.kind} {first[1]} in {first[2]}"
            )
            return False
        return True


def merge_words(
    collector: Collector, languages: Languages, per_language: dict[str, LanguageWords]
) -> TimeWords:
    """One table of the words of every language; a word with two meanings is a problem."""
    folder = collector.root / "words"
    named: dict[str, time] = {}
    periods: dict[str, dict[int, int]] = {}
    day_forms: dict[str, int] = {}
    day_sets: dict[str, str] = {}
    times_claims = _Claims(collector, "the time")
    period_claims = _Claims(collector, "the period word of")
    day_claims = _Claims(collector, "a form of")
    set_claims = _Claims(collector, "the set")
    for code, words in per_language.items():
        path = folder / f"{code}.yaml"
        for word, shown in words.times.named.items():
            hour, minute = str(shown).split(":")
            if times_claims.claim(path, f"times.named.{word}", fold(word), shown, str(shown)):
                named[fold(word)] = time(int(hour), int(minute))
        for number, period in enumerate(words.times.periods, 1):
            mapped = hour_map(period.hours)
            for word in period.words:
                where = f"times.periods.{number}.words"
                key = period_key(word)
                if period_claims.claim(path, where, key, mapped, f"other hours ({word})"):
                    periods[key] = mapped
        for day in range(7):
            for form in words.days.forms.of(day):
                where = f"days.forms.{WEEKDAY_FIELDS[day]}"
                if day_claims.claim(path, where, fold(form), day, WEEKDAY_FIELDS[day]):
                    day_forms[fold(form)] = day
        for name in DAY_SETS:
            day_set = words.days.day_set(name)
            for phrase in (day_set.shown, *day_set.typed):
                if set_claims.claim(path, f"days.{name}", fold(phrase), name, name):
                    day_sets[fold(phrase)] = name
    for code, words in per_language.items():
        path = folder / f"{code}.yaml"
        for field in ("fillers", "range_from", "range_to"):
            for word in getattr(words.days, field):
                if fold(word) in day_forms:
                    weekday = WEEKDAY_FIELDS[day_forms[fold(word)]]
                    collector.add(
                        path,
                        f"days.{field}",
                        f"{word!r} is also a form of {weekday}: it cannot be both",
                    )
    every = list(per_language.values())
    return TimeWords(
        default_language=languages.default,
        named_times=named,
        before=_unique(word for words in every for word in words.times.before),
        hour_marks=_unique(word for words in every for word in words.times.hour_marks),
        hour_words=_unique(word for words in every for word in words.times.hour_words),
        period_words=_unique(
            word for words in every for period in words.times.periods for word in period.words
        ),
        periods=periods,
        day_forms=day_forms,
        day_sets=day_sets,
        fillers=frozenset(_unique(word for words in every for word in words.days.fillers)),
        range_from=_unique(word for words in every for word in words.days.range_from),
        range_to=_unique(word for words in every for word in words.days.range_to),
        short_names={code: tuple(words.days.short) for code, words in per_language.items()},
        set_names={
            code: {name: words.days.day_set(name).shown for name in DAY_SETS}
            for code, words in per_language.items()
        },
    )


def load_words(collector: Collector, languages: Languages) -> TimeWords:
    """content/words/<code>.yaml for every language, checked and merged."""
    folder = collector.root / "words"
    per_language: dict[str, LanguageWords] = {}
    if not folder.is_dir():
        collector.add(folder, "", "folder is missing (one <code>.yaml of time and day words)")
    else:
        for stray in sorted(folder.iterdir()):
            if stray.name.startswith("."):
                continue
            if stray.suffix != ".yaml" or stray.stem not in languages.languages:
                collector.add(stray, "", f"{stray.stem!r} is not a language of languages.yaml")
        for code in languages.languages:
            path = folder / f"{code}.yaml"
            if not path.is_file():
                collector.add(path, "", f"missing: every language needs its time words ({code})")
                continue
            data = collector.read(path)
            if data is UNREADABLE:
                continue
            words = collector.model(path, LanguageWords, data, set())
            if words is not None:
                per_language[code] = words
    return merge_words(collector, languages, per_language)
