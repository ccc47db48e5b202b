"""Loads content/ once at start into typed models, collecting every problem with file and field."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from content.schema import Exercise, Language, Languages, Progression, Routine

ROOT = Path(__file__).resolve().parent
PICTURE_MIN_SIDE = 640
PICTURE_MAX_BYTES = 1024 * 1024
ANIMATION_MAX_BYTES = 2 * 1024 * 1024
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "code",
    "pre",
    "a",
    "blockquote",
    "tg-spoiler",
}
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")


@dataclass(frozen=True)
class Problem:
    """One mistake in the content."""

    file: str
    field: str
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.field}: {self.reason}"
            if self.field
            else f"{self.file}: {self.reason}"
        )


class ContentError(Exception):
    """Broken content: every problem found, one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("Content has problems:\n" + "\n".join(f"  {p}" for p in problems))


@dataclass
class Collector:
    root: Path
    problems: list[Problem] = field(default_factory=list)

    def name(self, path: Path) -> str:
        try:
            return str(Path("content") / path.relative_to(self.root))
        except ValueError:
            return str(path)

    def add(self, path: Path, where: str, reason: str) -> None:
        self.problems.append(Problem(self.name(path), where, reason))

    def read(self, path: Path) -> Any:
        try:
            return yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = f"line {mark.line + 1}: " if mark is not None else ""
            self.add(path, "", f"{line}invalid YAML ({getattr(error, 'problem', error)})")
        except (OSError, UnicodeDecodeError) as error:
            self.add(path, "", f"cannot read ({error})")
        return None

    def model(self, path: Path, cls: type[BaseModel], data: Any, languages: set[str]) -> Any:
        if not isinstance(data, dict):
            if data is not None or not self.problems or self.problems[-1].file != self.name(path):
                self.add(path, "", "must be a mapping of fields")
            return None
        try:
            return cls.model_validate(data, context={"languages": languages})
        except ValidationError as error:
            for item in error.errors():
                where = ".".join(str(part) for part in item["loc"])
                reason = item["msg"].removeprefix("Value error, ")
                if item["type"] == "extra_forbidden":
                    reason = "unknown field (misspelt?)"
                elif item["type"] == "missing":
                    reason = "required field is missing"
                self.add(path, where, reason)
        return None


def flatten(data: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Nested mappings as dotted keys."""
    for key, value in data.items():
        if isinstance(value, dict):
            yield from flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def html_problem(text: str) -> str | None:
    """Why a text is not Telegram-valid HTML, or None."""
    stack: list[str] = []
    for match in TAG.finditer(text):
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name not in ALLOWED_TAGS:
            return f"tag <{name}> is not allowed by Telegram"
        if closing:
            if not stack or stack.pop() != name:
                return f"</{name}> does not close the open tag"
        else:
            stack.append(name)
    if stack:
        return f"<{stack[-1]}> is never closed"
    stray = TAG.sub("", text)
    if "<" in stray or ">" in stray:
        return "a bare < or > (write &lt; or &gt;)"
    return None


def check_media(collector: Collector, path: Path, where: str, media: Path, animation: bool) -> None:
    if not media.is_file():
        collector.add(path, where, f"file {collector.name(media)} does not exist")
        return
    size = media.stat().st_size
    limit = ANIMATION_MAX_BYTES if animation else PICTURE_MAX_BYTES
    if size >= limit:
        collector.add(
            path,
            where,
            f"{media.name} is {size // 1024} KB; Telegram needs under {limit // 1024 // 1024} MB",
        )
    try:
        from PIL import Image

        with Image.open(media) as image:
            longest = max(image.size)
    except Exception as error:  # Pillow raises many kinds for a broken file
        collector.add(path, where, f"{media.name} is not a readable image ({error})")
        return
    if not animation and longest < PICTURE_MIN_SIDE:
        collector.add(
            path,
            where,
            f"{media.name} is {longest} px on its long side; at least {PICTURE_MIN_SIDE} px needed",
        )


def load_locales(collector: Collector, languages: Languages) -> dict[str, dict[str, str]]:
    folder = collector.root / "locales"
    texts: dict[str, dict[str, str]] = {}
    for code in languages.languages:
        path = folder / f"{code}.yaml"
        if not path.is_file():
            collector.add(path, "", f"missing: every language needs a locale file ({code})")
            continue
        data = collector.read(path)
        if not isinstance(data, dict):
            if data is not None:
                collector.add(path, "", "must be a mapping of texts")
            continue
        flat: dict[str, str] = {}
        for key, value in flatten(data):
            if not isinstance(value, str) or not value.strip():
                collector.add(path, key, "must be a non-empty text")
                continue
            problem = html_problem(value)
            if problem:
                collector.add(path, key, problem)
            flat[key] = value
        texts[code] = flat
    reference = texts.get(languages.default)
    if reference is None:
        return texts
    for code, flat in texts.items():
        if code == languages.default:
            continue
        path = folder / f"{code}.yaml"
        for key in sorted(set(reference) - set(flat)):
            collector.add(path, key, f"missing (present in {languages.default}.yaml)")
        for key in sorted(set(flat) - set(reference)):
            collector.add(path, key, f"not in {languages.default}.yaml (misspelt key?)")
        for key in sorted(set(flat) & set(reference)):
            if placeholders(flat[key]) != placeholders(reference[key]):
                collector.add(
                    path,
                    key,
                    f"placeholders {sorted(placeholders(flat[key]))} differ "
                    f"from {languages.default}: "
                    f"{sorted(placeholders(reference[key]))}",
                )
    return texts


def load_all(root: Path) -> tuple[Collector, dict[str, Any]]:
    """Read and validate everything; returns the problems and what could be loaded."""
    collector = Collector(root)
    loaded: dict[str, Any] = {}
    languages_path = root / "languages.yaml"
    languages = collector.model(languages_path, Languages, collector.read(languages_path), set())
    if languages is None:
        return collector, loaded
    codes = set(languages.languages)
    loaded["languages"] = languages
    loaded["texts"] = load_locales(collector, languages)
    progression_path = root / "progression.yaml"
    loaded["progression"] = (
        collector.model(progression_path, Progression, collector.read(progression_path), codes)
        if progression_path.is_file()
        else Progression()
    )
    exercises: dict[str, Exercise] = {}
    for path in sorted((root / "exercises").glob("*.yaml")):
        exercise = collector.model(path, Exercise, collector.read(path), codes)
        if exercise is None:
            continue
        if exercise.id != path.stem:
            collector.add(
                path, "id", f"must match the file name ({exercise.id!r} != {path.stem!r})"
            )
        if any(other.order == exercise.order for other in exercises.values()):
            collector.add(path, "order", f"{exercise.order} is used by another exercise")
        check_media(collector, path, "picture", root / "media" / exercise.picture, False)
        if exercise.animation:
            check_media(collector, path, "animation", root / "media" / exercise.animation, True)
        for variant_name in ("easier", "harder"):
            variant = getattr(exercise, variant_name)
            if variant is not None and variant.picture:
                check_media(
                    collector,
                    path,
                    f"{variant_name}.picture",
                    root / "media" / variant.picture,
                    False,
                )
        exercises[exercise.id] = exercise
    if not exercises:
        collector.add(root / "exercises", "", "no exercises found")
    routines: dict[str, Routine] = {}
    for path in sorted((root / "routines").glob("*.yaml")):
        routine = collector.model(path, Routine, collector.read(path), codes)
        if routine is None:
            continue
        if routine.id != path.stem:
            collector.add(path, "id", f"must match the file name ({routine.id!r} != {path.stem!r})")
        for index, item in enumerate(routine.items):
            exercise = exercises.get(item.exercise)
            if exercise is None:
                collector.add(
                    path, f"items.{index}.exercise", f"unknown exercise {item.exercise!r}"
                )
                continue
            for unit in ("breaths", "seconds", "reps"):
                if getattr(item, unit) is not None and unit != exercise.dose.unit:
                    collector.add(
                        path,
                        f"items.{index}.{unit}",
                        f"{item.exercise} is dosed in {exercise.dose.unit}, not {unit}",
                    )
        routines[routine.id] = routine
    if not routines:
        collector.add(root / "routines", "", "no routines found")
    loaded["exercises"] = dict(sorted(exercises.items(), key=lambda kv: kv[1].order))
    loaded["routines"] = dict(sorted(routines.items(), key=lambda kv: kv[1].order))
    return collector, loaded


__all__ = ["ContentError", "Language", "Problem", "load_all"]
