"""Content as data: exercises, routines, texts and pictures, validated once at start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rapidfuzz import fuzz, process

from content.loader import ROOT, ContentError, Problem, load_all
from content.schema import Exercise, Language, Progression, Routine

T = TypeVar("T", str, list[str])
FIND_CUTOFF = 72


@dataclass(frozen=True)
class Content:
    """Everything under content/, typed; handlers take texts from here by key."""

    root: Path
    default_language: str
    languages: dict[str, Language]
    exercises: dict[str, Exercise]
    routines: dict[str, Routine]
    progression: Progression
    texts: dict[str, dict[str, str]]

    def text(self, language: str, key: str, /, **params: object) -> str:
        """A UI text in the language (falling back to the default one), filled in."""
        table = self.texts.get(language) or self.texts[self.default_language]
        template = table[key] if key in table else self.texts[self.default_language][key]
        return template.format(**params) if params else template

    def localize(self, value: dict[str, T], language: str) -> T:
        """One language's version of a localized field."""
        return value[language] if language in value else value[self.default_language]

    def media_path(self, name: str) -> Path:
        """The file of a picture or animation named in the content."""
        return self.root / "media" / name

    def find_exercise(self, query: str, language: str) -> Exercise | None:
        """An exercise by id or title in any language, tolerant of case and small typos."""
        wanted = " ".join(query.lower().replace("-", " ").replace("_", " ").split())
        if not wanted:
            return None
        choices: dict[str, str] = {}
        for exercise in self.exercises.values():
            choices[exercise.id.replace("_", " ")] = exercise.id
            for title in exercise.title.values():
                choices[title.lower().replace("-", " ").replace("/", " ")] = exercise.id
        match = process.extractOne(
            wanted, list(choices), scorer=fuzz.WRatio, score_cutoff=FIND_CUTOFF
        )
        return self.exercises[choices[match[0]]] if match else None


def load_content(root: Path | None = None) -> Content:
    """Load and validate content/; raises ContentError listing every problem."""
    folder = root or ROOT
    collector, loaded = load_all(folder)
    if collector.problems:
        raise ContentError(collector.problems)
    languages = loaded["languages"]
    return Content(
        root=folder,
        default_language=languages.default,
        languages=dict(languages.languages),
        exercises=loaded["exercises"],
        routines=loaded["routines"],
        progression=loaded["progression"],
        texts=loaded["texts"],
    )


__all__ = ["Content", "ContentError", "Exercise", "Problem", "Routine", "load_content"]
