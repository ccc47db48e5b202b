"""Reading a time of day and a set of weekdays the way people type them (English and Russian),
and writing them back for display.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import time

MAX_TIME_INPUT = 40
MAX_DAYS_INPUT = 80

_NAMED_TIMES = {
    "noon": time(12),
    "midday": time(12),
    "полдень": time(12),
    "midnight": time(0),
    "полночь": time(0),
}
_TIME = re.compile(
    r"^(?:(?:at|в|во|к)\s*)?"
    r"(?P<hour>\d{1,2})"
    r"(?:\s*(?:[:.]|h|ч)\s*(?P<minute>\d{2})|(?P<compact_minute>\d{2}))?"  # 7:30 7.30 7h30 730
    r"\s*(?:h|ч|час|часа|часов|o'?clock)?"  # 7h, 19ч, 7 часов
    r"\s*(?P<suffix>a\.?\s?m\.?|p\.?\s?m\.?|утра|дня|вечера|ночи)?$"
)
# For each period word, the hours it accepts and the 24-hour time they mean: '12am' is midnight,
# '11 ночи' is 23:00, '19 вечера' is redundant but clear. Anything else ('13pm', '0am') is refused.
_PERIODS: dict[str, dict[int, int]] = {
    "am": {12: 0} | {hour: hour for hour in range(1, 12)},
    "pm": {12: 12} | {hour: hour + 12 for hour in range(1, 12)},
    "утра": {hour: hour for hour in range(1, 12)},
    "дня": {12: 12} | {hour: hour + 12 for hour in range(1, 7)} | {h: h for h in range(13, 19)},
    "вечера": {hour: hour + 12 for hour in range(3, 12)} | {h: h for h in range(15, 24)},
    "ночи": {12: 0} | {hour: hour for hour in range(1, 6)} | {h: h + 12 for h in range(9, 12)},
}

EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
WEEKENDS = frozenset({5, 6})
_DAY_FORMS = (  # index = weekday; abbreviations, names, plurals, Russian cases
    "mo mon monday mondays пн пон понедельник понедельникам понедельника",
    "tu tue tues tuesday tuesdays вт вто вторник вторникам вторника",
    "we wed weds wednesday wednesdays ср сре среда среду средам среды",
    "th thu thur thurs thursday thursdays чт чет четв четверг четвергам четверга",
    "fr fri friday fridays пт пят пятница пятницу пятницам пятницы",
    "sa sat saturday saturdays сб суб суббота субботу субботам субботы",
    "su sun sunday sundays вс вос воскр воскресенье воскресеньям воскресенья",
)
_DAY_BY_NAME = {form: day for day, forms in enumerate(_DAY_FORMS) for form in forms.split()}
_FULL_DAY_NAMES = {form: day for form, day in _DAY_BY_NAME.items() if len(form) >= 6}
_DAY_SETS = {
    "every day": EVERY_DAY,
    "everyday": EVERY_DAY,
    "each day": EVERY_DAY,
    "all days": EVERY_DAY,
    "all week": EVERY_DAY,
    "daily": EVERY_DAY,
    "ежедневно": EVERY_DAY,
    "каждый день": EVERY_DAY,
    "все дни": EVERY_DAY,
    "всю неделю": EVERY_DAY,
    "weekdays": WEEKDAYS,
    "weekday": WEEKDAYS,
    "every weekday": WEEKDAYS,
    "workdays": WEEKDAYS,
    "work days": WEEKDAYS,
    "working days": WEEKDAYS,
    "будни": WEEKDAYS,
    "по будням": WEEKDAYS,
    "рабочие дни": WEEKDAYS,
    "по рабочим дням": WEEKDAYS,
    "weekends": WEEKENDS,
    "weekend": WEEKENDS,
    "выходные": WEEKENDS,
    "по выходным": WEEKENDS,
}
_FILLERS = frozenset({"and", "on", "every", "each", "и", "по", "в", "во", "каждый", "каждую"})
# "mon to fri", "from mon till fri", "с пн по пт" all mean the range "mon-fri".
_WORDED_RANGE = re.compile(
    r"(?:\b(?:from|с|со)\s+)?\b(\w+)\s+(?:to|till|until|through|thru|по|до)\s+(\w+)\b"
)
_SHORT_NAMES = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
}
_NAMED_SETS = {
    "en": {EVERY_DAY: "every day", WEEKDAYS: "weekdays", WEEKENDS: "weekends"},
    "ru": {EVERY_DAY: "каждый день", WEEKDAYS: "по будням", WEEKENDS: "по выходным"},
}


def _normalise(text: str) -> str:
    """Full-width digits to ASCII, one case, single spaces, 'ё' as 'е'."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return " ".join(folded.split())


def parse_time(text: str) -> time | None:
    """A time of day from '7:30', '19:30', '7.30pm', '7 утра', 'в 8', 'noon'...; None otherwise."""
    if not isinstance(text, str) or len(text) > MAX_TIME_INPUT:
        return None
    value = _normalise(text)
    if value in _NAMED_TIMES:
        return _NAMED_TIMES[value]
    match = _TIME.match(value)
    if match is None:
        return None
    hour = int(match["hour"])
    minute = int(match["minute"] or match["compact_minute"] or 0)
    suffix = match["suffix"]
    if suffix:
        period = suffix.replace(".", "").replace(" ", "")
        mapped = _PERIODS[period].get(hour)
        if mapped is None:
            return None
        hour = mapped
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _day(token: str) -> int | None:
    """A weekday from a name or an unambiguous start of one ('thurs', 'понед')."""
    token = token.rstrip(".")
    if token in _DAY_BY_NAME:
        return _DAY_BY_NAME[token]
    if len(token) < 3:
        return None
    matches = {day for name, day in _FULL_DAY_NAMES.items() if name.startswith(token)}
    return matches.pop() if len(matches) == 1 else None


def _day_range(first: int, last: int) -> set[int]:
    """Days from `first` to `last` inclusive, wrapping over the weekend ('fri-mon')."""
    return {(first + step) % 7 for step in range((last - first) % 7 + 1)}


def parse_days(text: str) -> frozenset[int] | None:
    """Weekdays (0 = Monday) from 'every day', 'weekdays', 'mon, wed, fri', 'пн ср пт', 'mon-fri',
    'с пн по пт', 'weekends and wed'; None if any part is not understood.
    """
    if not isinstance(text, str) or len(text) > MAX_DAYS_INPUT:
        return None
    value = _normalise(text).replace("–", "-").replace("—", "-")
    if value.rstrip(".") in _DAY_SETS:
        return _DAY_SETS[value.rstrip(".")]
    days: set[int] = set()
    for phrase in _DAY_SETS:  # named sets inside a list: "пн и по выходным"
        if " " in phrase and re.search(rf"\b{phrase}\b", value):
            days |= _DAY_SETS[phrase]
            value = re.sub(rf"\b{phrase}\b", " ", value)
    value = _WORDED_RANGE.sub(r"\1-\2", value)
    value = re.sub(r"\s*-\s*", "-", value)
    for token in re.split(r"[\s,;/&+]+", value):
        if not token or token in _FILLERS:
            continue
        if token in _DAY_SETS:
            days |= _DAY_SETS[token]
            continue
        first_name, dash, last_name = token.partition("-")
        first = _day(first_name)
        if dash:
            last = _day(last_name)
            if first is None or last is None:
                return None
            days |= _day_range(first, last)
        elif first is not None:
            days.add(first)
        else:
            return None
    return frozenset(days) or None


def _language(lang: str) -> str:
    base = (lang or "").casefold().replace("_", "-").split("-")[0]
    return base if base in _SHORT_NAMES else "en"


def format_time(t: time, lang: str) -> str:
    """'07:30': the 24-hour form reads the same in both languages."""
    return f"{t.hour:02d}:{t.minute:02d}"


def format_days(days: frozenset[int], lang: str) -> str:
    """'every day', 'weekdays', 'Mon, Wed, Fri'; Russian 'каждый день', 'по будням', 'пн, ср, пт'.

    An empty set (no day chosen) gives an empty string.
    """
    language = _language(lang)
    chosen = frozenset(days)
    named = _NAMED_SETS[language].get(chosen)
    if named:
        return named
    return ", ".join(_SHORT_NAMES[language][day] for day in sorted(chosen))
