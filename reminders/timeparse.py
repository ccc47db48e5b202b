"""Reading times and days the way people type them, in English and Russian."""

from __future__ import annotations

import re
import unicodedata
from datetime import time

MAX_LENGTH = 40
WORDS = {"noon": time(12, 0), "полдень": time(12, 0), "midnight": time(0, 0), "полночь": time(0, 0)}
MORNING = ("am", "a.m.", "утра", "ночи")
EVENING = ("pm", "p.m.", "вечера", "дня")
TIME = re.compile(
    r"^(?:at\s+|в\s+)?(?P<h>\d{1,2})(?:\s*[:.hч]\s*(?P<m>\d{2}))?\s*"
    r"(?P<suffix>am|a\.m\.|pm|p\.m\.|утра|ночи|вечера|дня)?$"
)
COMPACT = re.compile(r"^(?P<h>\d{1,2})(?P<m>\d{2})$")

DAY_NAMES = {
    0: ("mon", "monday", "пн", "пон", "понедельник"),
    1: ("tue", "tues", "tuesday", "вт", "вторник"),
    2: ("wed", "wednesday", "ср", "среда", "среду"),
    3: ("thu", "thur", "thurs", "thursday", "чт", "четверг"),
    4: ("fri", "friday", "пт", "пятница", "пятницу"),
    5: ("sat", "saturday", "сб", "суббота", "субботу"),
    6: ("sun", "sunday", "вс", "воскресенье"),
}
LOOKUP = {name: day for day, names in DAY_NAMES.items() for name in names}
EVERY_DAY = frozenset(range(7))
PHRASES = {
    "every day": EVERY_DAY,
    "daily": EVERY_DAY,
    "everyday": EVERY_DAY,
    "ежедневно": EVERY_DAY,
    "каждый день": EVERY_DAY,
    "weekdays": frozenset(range(5)),
    "workdays": frozenset(range(5)),
    "будни": frozenset(range(5)),
    "по будням": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
    "weekend": frozenset({5, 6}),
    "выходные": frozenset({5, 6}),
    "по выходным": frozenset({5, 6}),
}
SHORT = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
}
NAMED_SETS = {
    "en": {EVERY_DAY: "every day", frozenset(range(5)): "weekdays", frozenset({5, 6}): "weekends"},
    "ru": {
        EVERY_DAY: "каждый день",
        frozenset(range(5)): "по будням",
        frozenset({5, 6}): "по выходным",
    },
}


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).strip().lower().split())


def parse_time(text: str) -> time | None:
    """A time of day from '7:30', '19:30', '7.30pm', '7 утра', 'noon'...; None for garbage."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        return None
    value = _normalise(text)
    if value in WORDS:
        return WORDS[value]
    match = TIME.match(value) or COMPACT.match(value)
    if match is None:
        return None
    hour, minute = int(match.group("h")), int(match.group("m") or 0)
    suffix = match.groupdict().get("suffix")
    if minute > 59:
        return None
    if suffix in MORNING or suffix in EVENING:
        if not 1 <= hour <= 12:
            return None
        if suffix in ("ночи",) and hour == 12:
            hour = 0
        elif suffix in MORNING:
            hour = 0 if hour == 12 else hour
        else:
            hour = 12 if hour == 12 else hour + 12
    if hour > 23:
        return None
    return time(hour, minute)


def parse_days(text: str) -> frozenset[int] | None:
    """Days from 'every day', 'weekdays', 'mon, wed, fri', 'пн ср пт', 'mon-fri'; else None."""
    if not isinstance(text, str) or len(text) > 80:
        return None
    value = _normalise(text)
    if value in PHRASES:
        return PHRASES[value]
    days: set[int] = set()
    for token in re.split(r"[,\s;/]+", value):
        if not token or token in ("and", "и"):
            continue
        if "-" in token or "–" in token:
            first, _, last = token.replace("–", "-").partition("-")
            if first not in LOOKUP or last not in LOOKUP:
                return None
            day = LOOKUP[first]
            while True:
                days.add(day)
                if day == LOOKUP[last]:
                    break
                day = (day + 1) % 7
        elif token in LOOKUP:
            days.add(LOOKUP[token])
        else:
            return None
    return frozenset(days) or None


def format_time(value: time, language: str) -> str:
    """'07:30' in every language."""
    return value.strftime("%H:%M")


def format_days(days: frozenset[int], language: str) -> str:
    """'every day', 'weekdays' or 'Mon, Wed, Fri' (and the Russian equivalents)."""
    language = language if language in SHORT else "en"
    named = NAMED_SETS[language].get(frozenset(days))
    if named:
        return named
    return ", ".join(SHORT[language][day] for day in sorted(days))
