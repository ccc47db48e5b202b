"""What one content/words/<code>.yaml holds: the words of a time of day, of days of the week and
of a one-off reminder's day, each checked with the field at fault (content/words.py merges them).
"""

from __future__ import annotations

import re
import unicodedata

from pydantic import Field, field_validator, model_validator

from content.fields import NonEmptyText, Strict, invalid

WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The named sets of days a language gives words for (their days: places.timeparse.NAMED_DAYS).
DAY_SETS = ("every_day", "weekdays", "weekends")
CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
HOURS = re.compile(r"^(\d{1,2})(?:-(\d{1,2}))?$")
# The blanks of a time said in words ("{minutes} past {hour}") and of a date as shown.
BLANK = re.compile(r"\{([^{}]*)\}")
SAID_BLANKS = ("hour", "ordinal", "minutes", "fraction")
DATE_BLANKS = ("weekday", "day", "month")


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


def said_problem(template: str, kind: str) -> str | None:
    """Why a time-in-words template cannot be read, or None: one {hour} or {ordinal}, and the
    {minutes} (or a {fraction}: "half", «пол») wherever they are counted back or into the hour."""
    names = BLANK.findall(template)
    unknown = [name for name in names if name not in SAID_BLANKS]
    if unknown:
        return (
            f"{template!r}: {{{unknown[0]}}} is not a blank "
            "(use {hour} or {ordinal}, and {minutes} or {fraction})"
        )
    if "{" in BLANK.sub("", template) or "}" in BLANK.sub("", template):
        return f"{template!r}: a brace without its pair"
    if len(names) != len(set(names)):
        return f"{template!r}: a blank is given twice"
    if len([name for name in names if name in ("hour", "ordinal")]) != 1:
        return f"{template!r} needs one {{hour}} or one {{ordinal}}"
    if {"minutes", "fraction"} <= set(names):
        return f"{template!r}: {{minutes}} or {{fraction}}, not both"
    if kind != "past" and not {"minutes", "fraction"} & set(names):
        return f"{template!r} needs {{minutes}} or {{fraction}}"
    return None


def _counts(table: dict[str, int], low: int, high: int) -> dict[str, int]:
    for word, value in table.items():
        if not low <= value <= high:
            raise invalid(f"{value} is not from {low} to {high}", at=word)
    return table


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


class Said(Strict):
    """Times said in words, as templates of {hour} (or {ordinal}) and {minutes}."""

    past: list[NonEmptyText] = Field(default_factory=list)  # the minutes after the hour
    to: list[NonEmptyText] = Field(default_factory=list)  # the minutes before the hour
    into: list[NonEmptyText] = Field(default_factory=list)  # the minutes into the named hour

    @model_validator(mode="after")
    def _templates(self) -> Said:
        for kind in ("past", "to", "into"):
            for number, template in enumerate(getattr(self, kind), 1):
                reason = said_problem(template, kind)
                if reason is not None:
                    raise invalid(reason, at=f"{kind}.{number}")
        return self


class Times(Strict):
    """The words of a time of day."""

    named: dict[str, str | int] = Field(default_factory=dict)
    before: list[NonEmptyText] = Field(default_factory=list)
    hour_marks: list[NonEmptyText] = Field(default_factory=list)
    hour_words: list[NonEmptyText] = Field(default_factory=list)
    periods: list[Period] = Field(default_factory=list)
    numbers: dict[str, int] = Field(default_factory=dict)
    fractions: dict[str, int] = Field(default_factory=dict)
    ordinals: dict[str, int] = Field(default_factory=dict)
    minute_words: list[NonEmptyText] = Field(default_factory=list)
    said: Said = Field(default_factory=Said)

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

    @field_validator("numbers")
    @classmethod
    def _numbers(cls, value: dict[str, int]) -> dict[str, int]:
        return _counts(value, 0, 59)

    @field_validator("fractions")
    @classmethod
    def _fractions(cls, value: dict[str, int]) -> dict[str, int]:
        return _counts(value, 1, 59)

    @field_validator("ordinals")
    @classmethod
    def _ordinals(cls, value: dict[str, int]) -> dict[str, int]:
        return _counts(value, 1, 23)


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


class Dates(Strict):
    """The day of a one-off reminder: how it is typed ("tomorrow") and shown ("Tue 25 Nov")."""

    typed: dict[str, int] = Field(default_factory=dict)  # word -> days from today
    shown: NonEmptyText
    months: list[NonEmptyText] = Field(min_length=12, max_length=12)

    @field_validator("typed")
    @classmethod
    def _days_ahead(cls, value: dict[str, int]) -> dict[str, int]:
        return _counts(value, 0, 6)

    @field_validator("shown")
    @classmethod
    def _blanks(cls, value: str) -> str:
        names = set(BLANK.findall(value))
        if not names <= set(DATE_BLANKS) or not {"day", "month"} <= names:
            raise invalid(f"{value!r}: use {{day}} and {{month}}, and {{weekday}} if you like")
        return value


class LanguageWords(Strict):
    """content/words/<code>.yaml."""

    times: Times
    days: Days
    dates: Dates
