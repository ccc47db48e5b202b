"""The audio guide's phrase library (content/audio/phrases/<code>.yaml) and its clips
(content/audio/clips/), validated like the rest of the content: file, field, reason.

A phrase is what the voice says; its clip is named by a hash of its spoken text and the voice
that reads it, so a changed phrase needs a new clip (`make voices`), and a recording of a person
replaces a clip when dropped in under the same name.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import field_validator

from content.fields import NonEmptyText, Strict, invalid
from content.problems import Collector, ContentError, Problem
from content.schema import Exercise, Routine

STRESS = "+"  # put before the stressed vowel of a word: "В+ыдох"; the text shown has none
VOWELS = set("аеёиоуыэюяaeiouy")  # of the languages that mark stress (Russian; Latin for names)
WORD = re.compile(r"\+?[^\W\d_]+(?:\+[^\W\d_]+)*")  # letters, with the marks inside
VOICE = re.compile(r"^[a-z0-9-]+/[A-Za-z0-9_+-]+$")
CLIP_SUFFIX = ".opus"
# Phrases every language has; "next" is followed by the next exercise's name.
PHRASE_KEYS = (
    "stop_if_it_hurts",
    "breathe_in",
    "breathe_out",
    "hold",
    "switch_sides",
    "rest",
    "relax",
    "last_breath",
    "well_done",
    "next",
)


class ExerciseWords(Strict):
    """How the voice names an exercise and reminds of its steps in one short sentence."""

    name: NonEmptyText
    reminder: NonEmptyText


class ExercisePhrases(ExerciseWords):
    easier: ExerciseWords | None = None  # required when the exercise has an easier version


class PhraseFile(Strict):
    """One language's phrase file."""

    voice: str  # engine/voice: espeak-ng/ru
    stress_marks: bool = False
    phrases: dict[str, NonEmptyText]
    numbers: dict[int, NonEmptyText]
    exercises: dict[str, ExercisePhrases]

    @field_validator("voice")
    @classmethod
    def _engine_and_voice(cls, value: str) -> str:
        if not VOICE.match(value):
            raise invalid(f"should be engine/voice, like espeak-ng/en-gb (got {value!r})")
        return value


@dataclass(frozen=True)
class Phrase:
    """One thing the voice says, in one language."""

    key: str  # "breathe_in", "numbers.3", "exercises.cat_cow.name", "exercises.x.easier.name"
    spoken: str  # what the speech engine reads, stress marks included
    voice: str  # "espeak-ng/ru"

    @property
    def shown(self) -> str:
        """The text as a person reads it (no stress marks)."""
        return self.spoken.replace(STRESS, "")

    @property
    def clip_name(self) -> str:
        """The clip's file name: a hash of the voice and the spoken text."""
        digest = hashlib.sha256(f"{self.voice}\n{self.spoken}".encode()).hexdigest()
        return digest[:16] + CLIP_SUFFIX


@dataclass(frozen=True)
class PhraseBook:
    """Every phrase of one language, by key."""

    language: str
    voice: str
    phrases: dict[str, Phrase]

    def __getitem__(self, key: str) -> Phrase:
        return self.phrases[key]

    def number(self, count: int) -> Phrase:
        return self.phrases[f"numbers.{count}"]

    def exercise(self, exercise_id: str, part: str, easier: bool = False) -> Phrase:
        """An exercise's `name` or `reminder` (of its easier version with `easier`)."""
        middle = ".easier" if easier else ""
        return self.phrases[f"exercises.{exercise_id}{middle}.{part}"]


@dataclass(frozen=True)
class Phrases:
    """The phrase books of every language and the folder of their clips."""

    books: dict[str, PhraseBook]
    clips: Path

    def clip_path(self, phrase: Phrase) -> Path:
        return self.clips / phrase.clip_name

    def all(self) -> Iterable[Phrase]:
        for book in self.books.values():
            yield from book.phrases.values()


def stress_problem(text: str) -> str | None:
    """Why a text's stress marks are wrong: each word of two or more syllables marks its
    stressed vowel with one "+" (a word with "ё" needs none), and "+" stands only before a
    vowel."""
    for match in WORD.finditer(text):
        word = match.group()
        plain = word.replace(STRESS, "").lower()
        marks = word.count(STRESS)
        if marks > 1:
            return f"{word!r}: one '+' per word"
        for position in [i for i, char in enumerate(word) if char == STRESS]:
            after = word[position + 1 : position + 2].lower()
            if after not in VOWELS:
                return f"{word!r}: '+' must stand right before a vowel"
        syllables = sum(char in VOWELS for char in plain)
        if marks == 0 and syllables > 1 and "ё" not in plain:
            return f"{word!r}: mark its stressed vowel with '+' (like В+ыдох)"
    return None


def _book(
    collector: Collector, path: Path, code: str, data: PhraseFile, needs: Needs
) -> PhraseBook:
    """Check one language's phrases against what the guide says; its book."""
    phrases: dict[str, str] = {}
    for key in PHRASE_KEYS:
        if key not in data.phrases:
            collector.add(path, f"phrases.{key}", "required phrase is missing")
    for key, text in data.phrases.items():
        if key not in PHRASE_KEYS:
            collector.add(
                path, f"phrases.{key}", f"unknown phrase (known: {', '.join(PHRASE_KEYS)})"
            )
        phrases[key] = text
    for count in range(1, needs.counts + 1):
        if count not in data.numbers:
            collector.add(
                path, f"numbers.{count}", f"missing: the guide counts up to {needs.counts}"
            )
    phrases.update({f"numbers.{count}": text for count, text in data.numbers.items()})
    for exercise_id, easier in needs.exercises.items():
        words = data.exercises.get(exercise_id)
        if words is None:
            collector.add(path, f"exercises.{exercise_id}", "missing: every exercise is named")
            continue
        if easier and words.easier is None:
            collector.add(
                path,
                f"exercises.{exercise_id}.easier",
                "missing: this exercise has an easier version",
            )
    for exercise_id, words in data.exercises.items():
        if exercise_id not in needs.exercises:
            collector.add(path, f"exercises.{exercise_id}", "unknown exercise")
        phrases[f"exercises.{exercise_id}.name"] = words.name
        phrases[f"exercises.{exercise_id}.reminder"] = words.reminder
        if words.easier is not None:
            phrases[f"exercises.{exercise_id}.easier.name"] = words.easier.name
            phrases[f"exercises.{exercise_id}.easier.reminder"] = words.easier.reminder
    for key, text in phrases.items():
        if data.stress_marks:
            reason = stress_problem(text)
            if reason:
                collector.add(path, key, reason)
        elif STRESS in text:
            collector.add(path, key, "'+' marks stress only in a file with stress_marks: true")
    return PhraseBook(
        code, data.voice, {key: Phrase(key, text, data.voice) for key, text in phrases.items()}
    )


@dataclass(frozen=True)
class Needs:
    """What the guide says, from the content: counts up to `counts`; each exercise by id
    (True: it has an easier version)."""

    counts: int
    exercises: dict[str, bool]


def needs_of(exercises: dict[str, Exercise], routines: dict[str, Routine]) -> Needs:
    """The counts and exercises the guide needs for this content (counts: breaths and reps per
    round at the highest level; a timed hold is not counted aloud)."""
    amounts = [e.dose.amount.max for e in exercises.values() if e.dose.unit != "seconds"]
    for routine in routines.values():
        for item in routine.items:
            override = item.amount_override()
            exercise = exercises.get(item.exercise)
            if override and exercise and exercise.dose.unit != "seconds":
                amounts.append(override.max)
    easier = {exercise.id: exercise.easier is not None for exercise in exercises.values()}
    return Needs(max(amounts, default=0), easier)


def load_phrases(
    root: Path, languages: Iterable[str], needs: Needs, *, clips: bool = True
) -> tuple[list[Problem], Phrases]:
    """Read content/audio/phrases/<code>.yaml of every language; with `clips`, check that each
    phrase has its clip. The problems found, and what could be read."""
    collector = Collector(root)
    folder = root / "audio" / "phrases"
    books: dict[str, PhraseBook] = {}
    codes = list(languages)
    for stray in sorted(folder.glob("*.yaml")):
        if stray.stem not in codes:
            collector.add(stray, "", f"{stray.stem!r} is not a language of languages.yaml")
    for code in codes:
        path = folder / f"{code}.yaml"
        if not path.is_file():
            collector.add(path, "", f"missing: every language needs its spoken phrases ({code})")
            continue
        data = collector.model(path, PhraseFile, collector.read(path), set())
        if data is not None:
            books[code] = _book(collector, path, code, data, needs)
    phrases = Phrases(books, root / "audio" / "clips")
    if clips:
        for book in books.values():
            for phrase in book.phrases.values():
                clip = phrases.clip_path(phrase)
                if not clip.is_file():
                    collector.add(
                        folder / f"{book.language}.yaml",
                        phrase.key,
                        f"no clip {collector.name(clip)} for {phrase.shown!r}: run make voices",
                    )
    return collector.problems, phrases


def load_checked_phrases(root: Path, languages: Iterable[str], needs: Needs) -> Phrases:
    """The phrase library with every clip, or ContentError listing every problem."""
    problems, phrases = load_phrases(root, languages, needs)
    if problems:
        raise ContentError(problems)
    return phrases
