"""Reading a time of day, days of the week and a one-off reminder's day the way people type them
("7:30", "half past seven", «полвосьмого», "every day at 8", "tomorrow at 7pm"), in the words of
every language of content/words/, and writing them back for display.

It knows no language: every word, and every way of saying a time in words, comes from the
`TimeWords` table (content/words.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING

from places.saidtime import SaidGrammar, either, read_said, said_grammar

if TYPE_CHECKING:
    from content.words import TimeWords

EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
WEEKENDS = frozenset({5, 6})
# The named sets of days, by the names content/words/<code>.yaml gives their words under.
NAMED_DAYS = {"every_day": EVERY_DAY, "weekdays": WEEKDAYS, "weekends": WEEKENDS}

MAX_TIME_INPUT = 40
MAX_DAYS_INPUT = 80
MAX_WHEN_INPUT = 100
EDGES = " ,;"  # what may stand around the parts of a phrase: "tomorrow, 7:30"


@dataclass(frozen=True)
class Clock:
    """A time of day read from text; `guessed`: said in words on the 12-hour clock with no
    morning or evening word ("half past seven"), so morning or evening was chosen by the rule."""

    at: time
    guessed: bool = False


@dataclass(frozen=True)
class When:
    """A reminder as typed: its time, the days named (if any), and for a one-off its day."""

    at: time
    days: frozenset[int] | None = None  # the days said ("every day", "пн-пт"); None: not said
    in_days: int | None = None  # a one-off: days from today (0 today, 1 tomorrow); None: daily
    guessed: bool = False


def _period_pattern(word: str) -> str:
    """'a.m.' as a pattern: each dot optional, and a space may follow one ('am', 'a. m.')."""
    parts = [re.escape(part) for part in word.rstrip(".").split(".")]
    return r"\.?\s?".join(parts) + (r"\.?" if word.endswith(".") else "")


@dataclass(frozen=True)
class _Grammar:
    """The patterns built from one table of words."""

    time: re.Pattern[str]
    period_first: re.Pattern[str]  # "in the evening at 7", «вечером в 7»
    worded_range: re.Pattern[str]
    set_phrases: tuple[tuple[re.Pattern[str], frozenset[int]], ...]  # phrases of several words
    dates: re.Pattern[str]
    said: SaidGrammar


@functools.lru_cache(maxsize=8)
def _grammar(words: TimeWords) -> _Grammar:
    marks = either(words.hour_marks)
    periods = sorted(words.period_words, key=lambda word: (-len(word), word))
    period_words = "|".join(map(_period_pattern, periods)) or "(?!)"
    time_pattern = re.compile(
        rf"^(?:(?:{either(words.before)})\s*)?"
        r"(?P<hour>\d{1,2})"
        # 7:30 7.30 7h30 730
        rf"(?:\s*(?:[:.]|{marks})\s*(?P<minute>\d{{2}})|(?P<compact_minute>\d{{2}}))?"
        rf"\s*(?:{either([*words.hour_marks, *words.hour_words])})?"  # 7h, 19ч, 7 o'clock
        rf"\s*(?P<suffix>{period_words})?$"
    )
    # "mon to fri", "from mon till fri", "с пн по пт" all mean the range "mon-fri".
    worded_range = re.compile(
        rf"(?:\b(?:{either(words.range_from)})\s+)?\b(\w+)\s+"
        rf"(?:{either(words.range_to)})\s+(\w+)\b"
    )
    phrases = sorted((p for p in words.day_sets if " " in p), key=lambda p: (-len(p), p))
    return _Grammar(
        time=time_pattern,
        period_first=re.compile(rf"^(?P<period>{period_words})\s+(?P<rest>.+)$"),
        worded_range=worded_range,
        set_phrases=tuple(
            (re.compile(rf"\b{re.escape(phrase)}\b"), NAMED_DAYS[words.day_sets[phrase]])
            for phrase in phrases
        ),
        dates=re.compile(rf"(?<![^\s,;])(?:{either(tuple(words.dates))})(?![^\s,;])"),
        said=said_grammar(words, period_words),
    )


def _digits(value: str, grammar: _Grammar, words: TimeWords) -> time | None:
    """'7:30', '19:30', '7.30pm', '7 утра', 'в 8': the hours in digits (the 24-hour clock)."""
    match = grammar.time.match(value)
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


def _clock(value: str, words: TimeWords) -> Clock | None:
    """A time of day from folded text: a named time, digits, or a time said in words."""
    grammar = _grammar(words)
    value = value.strip(EDGES)
    first = grammar.period_first.match(value)
    if first is not None:  # "in the evening at 7" is read as "at 7 in the evening"
        value = f"{first['rest']} {first['period']}"
    bare = re.sub(rf"^(?:{either(words.before)})\s+", "", value)
    if bare in words.named_times:
        return Clock(words.named_times[bare])
    digits = _digits(value, grammar, words)
    if digits is not None:
        return Clock(digits)
    said = read_said(bare, grammar.said, words)
    return Clock(said.at, said.guessed) if said is not None else None


def parse_time(text: str, words: TimeWords) -> time | None:
    """A time of day from '7:30', '19:30', '7.30pm', '7 утра', 'в 8', 'noon', 'half past
    seven', «без четверти восемь»...; None otherwise."""
    if not isinstance(text, str) or len(text) > MAX_TIME_INPUT:
        return None
    clock = _clock(words.fold(text), words)
    return clock.at if clock is not None else None


def parse_when(text: str, words: TimeWords) -> When | None:
    """A reminder as typed: a time, with days ("every day at 8", «в 8 утра по будням») or a
    one-off day ("tomorrow at 7:30pm", «в 19:30 завтра»), or neither; None if not understood.

    A day and days together ("tomorrow every day") are not understood.
    """
    if not isinstance(text, str) or len(text) > MAX_WHEN_INPUT:
        return None
    grammar = _grammar(words)
    value = words.fold(text).strip(EDGES)
    in_days = None
    said_days = grammar.dates.findall(value)
    if len(said_days) > 1:
        return None
    if said_days:
        in_days = words.dates[said_days[0]]
        value = " ".join(grammar.dates.sub(" ", value).split()).strip(EDGES)
    clock = _clock(value, words)
    if clock is not None:
        return When(clock.at, None, in_days, clock.guessed)
    if in_days is not None:
        return None
    tokens = value.split(" ")
    for cut in range(1, len(tokens)):
        head, tail = " ".join(tokens[:cut]), " ".join(tokens[cut:])
        for time_part, day_part in ((tail, head), (head, tail)):
            days = parse_days(day_part.strip(EDGES), words)
            clock = _clock(time_part, words) if days else None
            if days and clock is not None:
                return When(clock.at, days, None, clock.guessed)
    return None


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


def format_date(day: date, lang: str, words: TimeWords) -> str:
    """A one-off reminder's day: 'Tue 25 Nov', Russian 'вт, 25 ноября'."""
    language = _language(lang, words)
    return words.date_shown[language].format(
        weekday=words.short_names[language][day.weekday()],
        day=day.day,
        month=words.months[language][day.month - 1],
    )
