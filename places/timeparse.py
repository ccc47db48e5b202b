"""Reading a time of day and a set of weekdays the way people type them, in the words of every
language of content/words/, and writing them back for display.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from content.words import TimeWords

EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
WEEKENDS = frozenset({5, 6})
# The named sets of days, by the names content/words/<code>.yaml gives their words under.
NAMED_DAYS = {"every_day": EVERY_DAY, "weekdays": WEEKDAYS, "weekends": WEEKENDS}

MAX_TIME_INPUT = 40
MAX_DAYS_INPUT = 80


def _either(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternative of words, longest first; one that never matches if there are none."""
    ordered = sorted(words, key=lambda word: (-len(word), word))
    return "|".join(re.escape(word) for word in ordered) or "(?!)"


def _period_pattern(word: str) -> str:
    """'a.m.' as a pattern: each dot optional, and a space may follow one ('am', 'a. m.')."""
    parts = [re.escape(part) for part in word.rstrip(".").split(".")]
    return r"\.?\s?".join(parts) + (r"\.?" if word.endswith(".") else "")


@dataclass(frozen=True)
class _Grammar:
    """The patterns built from one table of words."""

    time: re.Pattern[str]
    worded_range: re.Pattern[str]
    set_phrases: tuple[tuple[re.Pattern[str], frozenset[int]], ...]  # phrases of several words


@functools.lru_cache(maxsize=8)
def _grammar(words: TimeWords) -> _Grammar:
    marks = _either(words.hour_marks)
    periods = sorted(words.period_words, key=lambda word: (-len(word), word))
    time_pattern = re.compile(
        rf"^(?:(?:{_either(words.before)})\s*)?"
        r"(?P<hour>\d{1,2})"
        # 7:30 7.30 7h30 730
        rf"(?:\s*(?:[:.]|{marks})\s*(?P<minute>\d{{2}})|(?P<compact_minute>\d{{2}}))?"
        rf"\s*(?:{_either([*words.hour_marks, *words.hour_words])})?"  # 7h, 19ч, 7 o'clock
        rf"\s*(?P<suffix>{'|'.join(map(_period_pattern, periods)) or '(?!)'})?$"
    )
    # "mon to fri", "from mon till fri", "с пн по пт" all mean the range "mon-fri".
    worded_range = re.compile(
        rf"(?:\b(?:{_either(words.range_from)})\s+)?\b(\w+)\s+"
        rf"(?:{_either(words.range_to)})\s+(\w+)\b"
    )
    phrases = sorted((p for p in words.day_sets if " " in p), key=lambda p: (-len(p), p))
    return _Grammar(
        time=time_pattern,
        worded_range=worded_range,
        set_phrases=tuple(
            (re.compile(rf"\b{re.escape(phrase)}\b"), NAMED_DAYS[words.day_sets[phrase]])
            for phrase in phrases
        ),
    )


def parse_time(text: str, words: TimeWords) -> time | None:
    """A time of day from '7:30', '19:30', '7.30pm', '7 утра', 'в 8', 'noon'...; None otherwise."""
    if not isinstance(text, str) or len(text) > MAX_TIME_INPUT:
        return None
    value = words.fold(text)
    if value in words.named_times:
        return words.named_times[value]
    match = _grammar(words).time.match(value)
    if match is None:
        return None
    hour = int(match["hour"])
    minute = int(match["minute"] or match["compact_minute"] or 0)
    suffix = match["suffix"]
    if suffix:
        # The hours a period word accepts, and the 24-hour time they mean: '12am' is midnight,
        # '11 ночи' is 23:00, '19 вечера' is redundant but clear; '13pm', '0am' are refused.
        mapped = words.periods[suffix.replace(".", "").replace(" ", "")].get(hour)
        if mapped is None:
            return None
        hour = mapped
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _day(token: str, words: TimeWords) -> int | None:
    """A weekday from a form or an unambiguous start of one ('thurs', 'понед')."""
    token = token.rstrip(".")
    if token in words.day_forms:
        return words.day_forms[token]
    if len(token) < 3:
        return None
    matches = {day for form, day in words.day_forms.items() if form.startswith(token)}
    return matches.pop() if len(matches) == 1 else None


def _day_range(first: int, last: int) -> set[int]:
    """Days from `first` to `last` inclusive, wrapping over the weekend ('fri-mon')."""
    return {(first + step) % 7 for step in range((last - first) % 7 + 1)}


def parse_days(text: str, words: TimeWords) -> frozenset[int] | None:
    """Weekdays (0 = Monday) from 'every day', 'weekdays', 'mon, wed, fri', 'пн ср пт', 'mon-fri',
    'с пн по пт', 'weekends and wed'; None if any part is not understood.
    """
    if not isinstance(text, str) or len(text) > MAX_DAYS_INPUT:
        return None
    grammar = _grammar(words)
    value = words.fold(text).replace("–", "-").replace("—", "-")
    if value.rstrip(".") in words.day_sets:
        return NAMED_DAYS[words.day_sets[value.rstrip(".")]]
    days: set[int] = set()
    for phrase, named in grammar.set_phrases:  # named sets inside a list: "пн и по выходным"
        if phrase.search(value):
            days |= named
            value = phrase.sub(" ", value)
    value = grammar.worded_range.sub(r"\1-\2", value)
    value = re.sub(r"\s*-\s*", "-", value)
    for token in re.split(r"[\s,;/&+]+", value):
        if not token or token in words.fillers:
            continue
        if token in words.day_sets:
            days |= NAMED_DAYS[words.day_sets[token]]
            continue
        first_name, dash, last_name = token.partition("-")
        first = _day(first_name, words)
        if dash:
            last = _day(last_name, words)
            if first is None or last is None:
                return None
            days |= _day_range(first, last)
        elif first is not None:
            days.add(first)
        else:
            return None
    return frozenset(days) or None


def _language(lang: str, words: TimeWords) -> str:
    base = (lang or "").casefold().replace("_", "-").split("-")[0]
    return base if base in words.short_names else words.default_language


def format_time(t: time, lang: str) -> str:
    """'07:30': the 24-hour form reads the same in every language."""
    return f"{t.hour:02d}:{t.minute:02d}"


def format_days(days: frozenset[int], lang: str, words: TimeWords) -> str:
    """'every day', 'weekdays', 'Mon, Wed, Fri'; Russian 'каждый день', 'по будням', 'пн, ср, пт'.

    An unknown language is shown in the default one; an empty set (no day chosen) is ''.
    """
    language = _language(lang, words)
    chosen = frozenset(days)
    for name, named_days in NAMED_DAYS.items():
        if chosen == named_days:
            return words.set_names[language][name]
    return ", ".join(words.short_names[language][day] for day in sorted(chosen))
