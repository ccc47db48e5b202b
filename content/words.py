"""The words people type for times and days (content/words/<code>.yaml), checked per language and
merged into one `TimeWords` table: places/timeparse.py reads it, and knows no language itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from content.problems import UNREADABLE, Collector
from content.schema import Languages
from content.wordfiles import (
    DAY_SETS,
    WEEKDAY_FIELDS,
    LanguageWords,
    fold,
    hour_map,
    period_key,
)

__all__ = ["DAY_SETS", "TimeWords", "fold", "load_words", "merge_words"]

SAID_KINDS = ("past", "to", "into")  # how a said time's minutes count: after, before, into


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
    # Times said in words: "half past seven", «без четверти восемь», «полвосьмого».
    numbers: dict[str, int]  # "seven" -> 7, «пяти» -> 5 (any form of a number)
    fractions: dict[str, int]  # "quarter" -> 15: parts of an hour, as minutes
    ordinals: dict[str, int]  # «восьмого» -> 8: the hour named as "the eighth"
    minute_words: tuple[str, ...]
    said: tuple[tuple[str, str], ...]  # (kind: past | to | into, template), every language
    # One-off reminders: "tomorrow" -> 1 day from today; how a date is shown, per language.
    dates: dict[str, int]
    date_shown: dict[str, str]
    months: dict[str, tuple[str, ...]]

    @staticmethod
    def fold(text: str) -> str:
        """What people type, folded as the words are (`fold`)."""
        return fold(text)


def _unique(words: Iterable[str]) -> tuple[str, ...]:
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


class _Merge:
    """The tables being built from every language's file, each word claimed once."""

    def __init__(self, collector: Collector) -> None:
        self.collector = collector
        self.named: dict[str, time] = {}
        self.periods: dict[str, dict[int, int]] = {}
        self.day_forms: dict[str, int] = {}
        self.day_sets: dict[str, str] = {}
        self.counts: dict[str, dict[str, int]] = {"numbers": {}, "fractions": {}, "ordinals": {}}
        self.dates: dict[str, int] = {}
        self.times_claims = _Claims(collector, "the time")
        self.period_claims = _Claims(collector, "the period word of")
        self.day_claims = _Claims(collector, "a form of")
        self.set_claims = _Claims(collector, "the set")
        self.count_claims = _Claims(collector, "the number")
        self.date_claims = _Claims(collector, "the day")

    def add(self, path: Path, words: LanguageWords) -> None:
        for word, shown in words.times.named.items():
            hour, minute = str(shown).split(":")
            if self.times_claims.claim(path, f"times.named.{word}", fold(word), shown, str(shown)):
                self.named[fold(word)] = time(int(hour), int(minute))
        for number, period in enumerate(words.times.periods, 1):
            mapped = hour_map(period.hours)
            for word in period.words:
                where = f"times.periods.{number}.words"
                key = period_key(word)
                if self.period_claims.claim(path, where, key, mapped, f"other hours ({word})"):
                    self.periods[key] = mapped
        for field, table in self.counts.items():
            for word, value in getattr(words.times, field).items():
                meaning, shown = (field, value), f"{value} ({field})"
                if self.count_claims.claim(path, f"times.{field}", fold(word), meaning, shown):
                    table[fold(word)] = value
        for word, ahead in words.dates.typed.items():
            if self.date_claims.claim(path, "dates.typed", fold(word), ahead, f"+{ahead}"):
                self.dates[fold(word)] = ahead
        for day in range(7):
            for form in words.days.forms.of(day):
                where = f"days.forms.{WEEKDAY_FIELDS[day]}"
                if self.day_claims.claim(path, where, fold(form), day, WEEKDAY_FIELDS[day]):
                    self.day_forms[fold(form)] = day
        for name in DAY_SETS:
            day_set = words.days.day_set(name)
            for phrase in (day_set.shown, *day_set.typed):
                if self.set_claims.claim(path, f"days.{name}", fold(phrase), name, name):
                    self.day_sets[fold(phrase)] = name

    def check_day_words(self, path: Path, words: LanguageWords) -> None:
        """A filler or range word may not be a day too (after every language's days are in)."""
        for field in ("fillers", "range_from", "range_to"):
            for word in getattr(words.days, field):
                if fold(word) in self.day_forms:
                    weekday = WEEKDAY_FIELDS[self.day_forms[fold(word)]]
                    self.collector.add(
                        path,
                        f"days.{field}",
                        f"{word!r} is also a form of {weekday}: it cannot be both",
                    )


def merge_words(
    collector: Collector, languages: Languages, per_language: dict[str, LanguageWords]
) -> TimeWords:
    """One table of the words of every language; a word with two meanings is a problem."""
    folder = collector.root / "words"
    merge = _Merge(collector)
    for code, words in per_language.items():
        merge.add(folder / f"{code}.yaml", words)
    for code, words in per_language.items():
        merge.check_day_words(folder / f"{code}.yaml", words)
    every = list(per_language.values())

    def all_of(pick: str) -> Iterator[str]:
        for words in every:
            yield from getattr(words.times, pick)

    return TimeWords(
        default_language=languages.default,
        named_times=merge.named,
        before=_unique(all_of("before")),
        hour_marks=_unique(all_of("hour_marks")),
        hour_words=_unique(all_of("hour_words")),
        period_words=_unique(
            word for words in every for period in words.times.periods for word in period.words
        ),
        periods=merge.periods,
        day_forms=merge.day_forms,
        day_sets=merge.day_sets,
        fillers=frozenset(_unique(word for words in every for word in words.days.fillers)),
        range_from=_unique(word for words in every for word in words.days.range_from),
        range_to=_unique(word for words in every for word in words.days.range_to),
        short_names={code: tuple(words.days.short) for code, words in per_language.items()},
        set_names={
            code: {name: words.days.day_set(name).shown for name in DAY_SETS}
            for code, words in per_language.items()
        },
        numbers=merge.counts["numbers"],
        fractions=merge.counts["fractions"],
        ordinals=merge.counts["ordinals"],
        minute_words=_unique(all_of("minute_words")),
        said=tuple(
            dict.fromkeys(
                (kind, fold(template))
                for words in every
                for kind in SAID_KINDS
                for template in getattr(words.times.said, kind)
            )
        ),
        dates=merge.dates,
        date_shown={code: words.dates.shown for code, words in per_language.items()},
        months={code: tuple(words.dates.months) for code, words in per_language.items()},
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
