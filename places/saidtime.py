"""Times said in words ("half past seven", "quarter to eight", «без четверти восемь»,
«полвосьмого»): the templates of content/words/ turned into patterns, and their reading.

A template names an hour ({hour}: 7 or "seven"; {ordinal}: «восьмого», "the eighth") and
minutes ({minutes}: 10, "ten", "quarter", «пол»; {fraction}: only "half", "quarter", «пол»).
`past` templates count the minutes after the hour, `to` templates before it, `into` templates
into the hour named (the hour before it plus the minutes: «полвосьмого» is 7:30).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from content.words import TimeWords

BLANK = re.compile(r"\{(hour|ordinal|minutes|fraction)\}")
SEP, GAP = r"[\s-]+", r"[\s-]*"  # words apart; a word joined to a blank ("пол{ordinal}")
DAY_MINUTES = 24 * 60


def either(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternative of words, longest first; one that never matches if there are none."""
    ordered = sorted(words, key=lambda word: (-len(word), word))
    return "|".join(re.escape(word) for word in ordered) or "(?!)"


def twelve_hour(hour: int) -> int:
    """An hour from 1 to 12 said in words with no morning or evening word: 7 to 11 are the
    morning, 12 is noon, 1 to 6 the afternoon or evening (few set a reminder for 2 at night)."""
    return hour + 12 if 1 <= hour <= 6 else hour


class SaidTime(NamedTuple):
    at: time
    guessed: bool  # the 12-hour rule chose morning or evening


@dataclass(frozen=True)
class SaidGrammar:
    templates: tuple[tuple[str, re.Pattern[str]], ...]  # (kind, pattern), in the files' order
    period_last: re.Pattern[str]


def _template_pattern(template: str, blanks: dict[str, str]) -> str:
    """'{minutes} past {hour}' as a pattern: words apart by spaces or hyphens, a word written
    against a blank ('пол{ordinal}') joined to it or not ('полвосьмого', 'пол восьмого')."""
    pieces = BLANK.split(template)
    last = len(pieces) - 1
    pattern: list[str] = []
    for index, piece in enumerate(pieces):
        if index % 2:
            pattern.append(blanks[piece])
            continue
        words = piece.split()
        if not words:
            if 0 < index < last:
                pattern.append(SEP if piece else GAP)
            continue
        if index > 0:
            pattern.append(SEP if piece.startswith(" ") else GAP)
        pattern.append(SEP.join(re.escape(word) for word in words))
        if index < last:
            pattern.append(SEP if piece.endswith(" ") else GAP)
    return "".join(pattern)


def said_grammar(words: TimeWords, period_words: str) -> SaidGrammar:
    """The patterns of every template of the table; `period_words`: the period alternative."""
    tens = [word for word, value in words.numbers.items() if value in (20, 30, 40, 50)]
    units = [word for word, value in words.numbers.items() if 1 <= value <= 9]
    compound = rf"(?:{either(tens)}){SEP}(?:{either(units)})"  # "twenty-five", «двадцать пять»
    number = rf"{compound}|{either(tuple(words.numbers))}|[0-9]{{1,2}}"
    blanks = {
        "hour": rf"(?P<hour>{number})(?:{SEP}(?:{either(words.hour_words)}))?",
        "minutes": (
            rf"(?P<minutes>{either(tuple(words.fractions))}|{number})"
            rf"(?:{SEP}(?:{either(words.minute_words)}))?"
        ),
        "fraction": rf"(?P<minutes>{either(tuple(words.fractions))})",  # only "half", «пол»
        "ordinal": rf"(?P<ordinal>{either(tuple(words.ordinals))})",
    }
    return SaidGrammar(
        templates=tuple(
            (kind, re.compile(rf"^(?:{_template_pattern(template, blanks)})$"))
            for kind, template in words.said
        ),
        period_last=re.compile(rf"^(?P<body>.+?)\s+(?P<period>{period_words})$"),
    )


def _count(text: str, words: TimeWords) -> int | None:
    """7 from '7', 'seven', «семи»; 15 from 'quarter'; 25 from 'twenty-five'."""
    if text.isascii() and text.isdigit():
        return int(text)
    if text in words.numbers:
        return words.numbers[text]
    if text in words.fractions:
        return words.fractions[text]
    parts = re.split(SEP, text)
    if all(part in words.numbers for part in parts):
        return sum(words.numbers[part] for part in parts)
    return None


def _reading(
    kind: str, match: re.Match[str], period: str | None, words: TimeWords
) -> SaidTime | None:
    """The time one matched template means, or None if its numbers make no time."""
    found = match.groupdict()
    ordinal, minutes_said = found.get("ordinal"), found.get("minutes")
    named = words.ordinals.get(ordinal) if ordinal else _count(found.get("hour") or "", words)
    minutes = _count(minutes_said, words) if minutes_said else 0
    if named is None or minutes is None or named > 23:
        return None
    guessed = False
    if period is not None:
        mapped = words.periods[period.replace(".", "").replace(" ", "")].get(named)
        if mapped is None:
            return None
        named = mapped
    elif 1 <= named <= 12 and any(char.isalpha() for char in match.group(0)):
        named, guessed = twelve_hour(named), named != 12
    if kind == "past" and minutes <= 59:
        total = named * 60 + minutes
    elif kind == "to" and 1 <= minutes <= 59:
        total = named * 60 - minutes
    elif kind == "into" and minutes <= 59 and named >= 1:
        total = (named - 1) * 60 + minutes
    else:
        return None
    total %= DAY_MINUTES
    return SaidTime(time(total // 60, total % 60), guessed)


def read_said(value: str, grammar: SaidGrammar, words: TimeWords) -> SaidTime | None:
    """A time said in words, from folded text without its 'at' ('half past seven pm')."""
    body, period = value, None
    found = grammar.period_last.match(value)
    if found is not None:
        body, period = found["body"], found["period"]
    for kind, pattern in grammar.templates:
        match = pattern.match(body)
        if match is not None and (said := _reading(kind, match, period, words)) is not None:
            return said
    return None
