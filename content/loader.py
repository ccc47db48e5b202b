"""Reads content/ once at start into typed models, collecting every problem across all files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from content.pictures import media_problems
from content.problems import UNREADABLE, Collector, ContentError, Problem
from content.schema import Exercise, Languages, Progression, Routine
from content.steps import check_exercise_steps, check_routine_steps
from content.texts import (
    TextCheck,
    compare_keys,
    flatten,
    html_problem,
    is_plural,
    odd_keys,
    plural_problems,
    template_problem,
)
from content.words import TimeWords, load_words

ROOT = Path(__file__).resolve().parent


class Ordered(Protocol):
    """A model with an id and a library position (exercises and routines)."""

    @property
    def id(self) -> str: ...

    @property
    def order(self) -> int: ...


OrderedT = TypeVar("OrderedT", bound=Ordered)


@dataclass
class Loaded:
    """What could be read; complete only when the collector found no problem."""

    languages: Languages | None = None
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    # language -> key -> plural category -> template, for texts with plural forms
    plurals: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    progression: Progression = field(default_factory=Progression)
    exercises: dict[str, Exercise] = field(default_factory=dict)
    routines: dict[str, Routine] = field(default_factory=dict)
    time_words: TimeWords | None = None


def load_locales(
    collector: Collector,
    languages: Languages,
    plurals: dict[str, dict[str, dict[str, str]]],
    checks: Sequence[TextCheck] = (),
) -> dict[str, dict[str, str]]:
    """content/locales/<code>.yaml for every language: flat keys -> templates, all checked,
    `checks` too.

    Texts with plural forms are also put in `plurals` (their "other" form is the template).
    """
    may_be_empty = frozenset().union(*(check.may_be_empty for check in checks))
    folder = collector.root / "locales"
    if not folder.is_dir():
        collector.add(folder, "", "folder is missing (one <code>.yaml of UI texts per language)")
        return {}
    for stray in sorted(folder.glob("*.yaml")):
        if stray.stem not in languages.languages:
            collector.add(stray, "", f"{stray.stem!r} is not a language of languages.yaml")
    texts: dict[str, dict[str, str]] = {}
    for code in languages.languages:
        path = folder / f"{code}.yaml"
        if not path.is_file():
            collector.add(path, "", f"missing: every language needs its UI texts ({code})")
            continue
        data = collector.read(path)
        if data is UNREADABLE:
            continue
        if not isinstance(data, dict):
            collector.add(path, "", "must be a mapping of keys to texts")
            continue
        for odd in odd_keys(data):
            collector.add(path, odd, 'this key is not read as text: put it in quotes ("off":)')
        flat: dict[str, str] = {}
        forms_of: dict[str, dict[str, str]] = {}
        for key, value in flatten(data):
            if is_plural(value):
                for reason in plural_problems(code, value):
                    collector.add(path, key, reason)
                forms_of[key] = {str(k): str(v) for k, v in value.items()}
                value = value["other"]  # checked as the text's template below
            if not isinstance(value, str) or not (value.strip() or key in may_be_empty):
                collector.add(path, key, f"must be a non-empty text (got {value!r}; quote it?)")
                continue
            problem = template_problem(value) or html_problem(value)
            if problem:
                collector.add(path, key, problem)
            flat[key] = value
        texts[code] = flat
        plurals[code] = forms_of
    reference = texts.get(languages.default)
    if reference is not None:
        for code, flat in texts.items():
            if code != languages.default:
                for key, reason in compare_keys(reference, flat, f"{languages.default}.yaml"):
                    collector.add(folder / f"{code}.yaml", key, reason)
    names = {code: language.name for code, language in languages.languages.items()}
    for check in checks:
        for code, key, reason in check.problems(texts, names, languages.default):
            collector.add(folder / f"{code}.yaml", key, reason)
    return texts


def _yaml_files(collector: Collector, folder: Path) -> list[Path]:
    """The .yaml files of a folder; anything else there is likely a misnamed file."""
    if not folder.is_dir():
        collector.add(folder, "", "folder is missing")
        return []
    for other in sorted(folder.iterdir()):
        if other.suffix != ".yaml" and not other.name.startswith("."):
            collector.add(other, "", "ignored: only .yaml files are read here (rename it?)")
    return sorted(folder.glob("*.yaml"))


def _load_each(
    collector: Collector,
    folder: Path,
    read: Callable[[Path], OrderedT | None],
    kind: str,
) -> dict[str, OrderedT]:
    """One model per file: id == file name, ids and orders unique; sorted by order."""
    loaded: dict[str, OrderedT] = {}
    files: dict[str, Path] = {}
    for path in _yaml_files(collector, folder):
        item = read(path)
        if item is None:
            continue
        if item.id != path.stem:
            collector.add(path, "id", f"must match the file name ({item.id!r} != {path.stem!r})")
        if item.id in loaded:
            collector.add(
                path, "id", f"{item.id!r} is also used by {collector.name(files[item.id])}"
            )
            continue
        for other_id, other in loaded.items():
            if other.order == item.order:
                collector.add(
                    path,
                    "order",
                    f"{item.order} is also used by {collector.name(files[other_id])}",
                )
        loaded[item.id], files[item.id] = item, path
    if not loaded and folder.is_dir() and not any(folder.glob("*.yaml")):
        collector.add(folder, "", f"no {kind} found")
    return dict(sorted(loaded.items(), key=lambda pair: pair[1].order))


def check_pictures(collector: Collector, path: Path, exercise: Exercise) -> None:
    """Every picture and animation an exercise names is on disk and fit for Telegram."""
    for where, name in exercise.pictures():
        animation = where == "animation"
        for reason in media_problems(collector.root / "media" / name, animation=animation):
            collector.add(path, where, reason)


def check_routine_items(
    collector: Collector, path: Path, routine: Routine, exercises: dict[str, Exercise]
) -> None:
    """Each item names a known exercise, and overrides the unit that exercise is dosed in."""
    for number, item in enumerate(routine.items, 1):
        exercise = exercises.get(item.exercise)
        if exercise is None:
            # An exercise file with its own problems is reported there, not as unknown here.
            if not (collector.root / "exercises" / f"{item.exercise}.yaml").is_file():
                collector.add(
                    path, f"items.{number}.exercise", f"unknown exercise {item.exercise!r}"
                )
            continue
        unit = item.overridden_unit()
        if unit is not None and unit != exercise.dose.unit:
            collector.add(
                path,
                f"items.{number}.{unit}",
                f"{item.exercise} is dosed in {exercise.dose.unit}, not {unit}",
            )
    known = [exercises[item.exercise] for item in routine.items if item.exercise in exercises]
    if (
        known
        and len(known) == len(routine.items)
        and all(e.after_pain == "leave_out" for e in known)
    ):
        # Left out one by one after pain reports, the routine would end up with nothing in it.
        collector.add(
            path, "items", "every exercise has after_pain: leave_out; keep one that gets easier"
        )


def load_all(root: Path, checks: Sequence[TextCheck] = ()) -> tuple[list[Problem], Loaded]:
    """Read and validate everything under root (the UI texts with `checks` too); the problems
    found and what could be loaded."""
    collector = Collector(root)
    loaded = Loaded()
    languages_path = root / "languages.yaml"
    languages = collector.model(languages_path, Languages, collector.read(languages_path), set())
    # Without a valid languages.yaml the other files are still checked, minus their languages.
    codes = set(languages.languages) if languages else set()
    if languages is not None:
        loaded.languages = languages
        loaded.texts = load_locales(collector, languages, loaded.plurals, checks)
        loaded.time_words = load_words(collector, languages)
    progression_path = root / "progression.yaml"
    if progression_path.is_file():
        data = collector.read(progression_path)
        loaded.progression = (
            collector.model(progression_path, Progression, data, codes) or Progression()
        )

    def read_exercise(path: Path) -> Exercise | None:
        exercise = collector.model(path, Exercise, collector.read(path), codes)
        if exercise is not None:
            check_pictures(collector, path, exercise)
            check_exercise_steps(collector, path, exercise, loaded.progression.levels)
        return exercise

    loaded.exercises = _load_each(collector, root / "exercises", read_exercise, "exercises")

    def read_routine(path: Path) -> Routine | None:
        routine = collector.model(path, Routine, collector.read(path), codes)
        if routine is not None:
            check_routine_items(collector, path, routine, loaded.exercises)
            check_routine_steps(
                collector, path, routine, loaded.exercises, loaded.progression.levels
            )
        return routine

    loaded.routines = _load_each(collector, root / "routines", read_routine, "routines")
    return collector.problems, loaded


def load_checked(root: Path, checks: Sequence[TextCheck] = ()) -> Loaded:
    """Everything under root, or ContentError listing every problem."""
    problems, loaded = load_all(root, checks)
    if problems:
        raise ContentError(problems)
    return loaded


__all__ = ["ROOT", "ContentError", "Loaded", "Problem", "load_all", "load_checked"]
