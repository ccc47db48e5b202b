"""Content as data: exercises, routines, UI texts and pictures, validated once at start.

`load_content()` returns a typed `Content` or raises `ContentError` listing every problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from content.loader import ROOT, load_checked
from content.lookup import Name, best_match, names_of
from content.problems import ContentError, Problem
from content.schema import Exercise, Language, Progression, Routine
from content.texts import TextCheck, plural_category
from content.words import TimeWords

LocalizedT = TypeVar("LocalizedT", str, list[str])


@dataclass(frozen=True)
class Content:
    """Everything under content/, typed; handlers take texts from here by key."""

    root: Path
    default_language: str
    languages: dict[str, Language]  # code -> names, in the order of languages.yaml
    exercises: dict[str, Exercise] = field(repr=False)  # id -> exercise, in library order
    routines: dict[str, Routine] = field(repr=False)  # id -> routine, in menu order
    progression: Progression = field(repr=False)
    texts: dict[str, dict[str, str]] = field(repr=False)  # language -> dotted key -> template
    # The words people type for times and days, of every language (read by places.timeparse)
    time_words: TimeWords = field(repr=False)
    # language -> dotted key -> plural category -> template (texts that depend on a count)
    plurals: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict, repr=False)

    def text(self, language: str, key: str, /, **params: object) -> str:
        """A UI text in the language (the default one for an unknown language), filled in.

        A text with plural forms takes the form for `count` (CLDR rules, through Babel).
        Raises KeyError for an unknown key (or a placeholder the template needs but was not given).
        """
        if language not in self.texts:
            language = self.default_language
        template = self.texts[language][key]
        forms = self.plurals.get(language, {}).get(key)
        if forms is not None:
            count = params.get("count")
            if not isinstance(count, int | float):
                raise KeyError(f"{key} has plural forms: give count=")
            template = forms.get(plural_category(language, count), template)
        return template.format(**params) if params else template

    def localize(self, value: dict[str, LocalizedT], language: str) -> LocalizedT:
        """One language's version of a localized field ({en: ..., ru: ...})."""
        return value[language] if language in value else value[self.default_language]

    def media_path(self, name: str) -> Path:
        """The file of a picture or animation named in the content."""
        return self.root / "media" / name

    @cached_property
    def _names(self) -> list[Name]:
        return names_of(self.exercises.values())

    def find_exercise(self, query: str, language: str) -> Exercise | None:
        """An exercise by id or title in any language, tolerant of case and small typos."""
        order = {exercise.id: exercise.order for exercise in self.exercises.values()}
        found = best_match(self._names, order, query, language)
        return self.exercises[found] if found else None


def load_content(root: Path | None = None, checks: Sequence[TextCheck] = ()) -> Content:
    """Load and validate content/ (or root), the UI texts with `checks` too (the pain words:
    bot.py passes them); raises ContentError listing every problem."""
    folder = root or ROOT
    loaded = load_checked(folder, checks)
    # No problems means languages.yaml was valid, and so the time words were read.
    assert loaded.languages is not None and loaded.time_words is not None
    return Content(
        root=folder,
        default_language=loaded.languages.default,
        languages=dict(loaded.languages.languages),
        exercises=loaded.exercises,
        routines=loaded.routines,
        progression=loaded.progression,
        texts=loaded.texts,
        plurals=loaded.plurals,
        time_words=loaded.time_words,
    )


__all__ = [
    "Content",
    "ContentError",
    "Exercise",
    "Language",
    "Problem",
    "Progression",
    "Routine",
    "TextCheck",
    "TimeWords",
    "load_content",
]
