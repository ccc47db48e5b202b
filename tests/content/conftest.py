"""A private, valid content folder to break: the shipped exercises and routines, placeholder
UI texts and stand-in pictures, so these tests depend on nobody else's files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from content import ContentError, Problem, load_content
from content.loader import ROOT

PLACEHOLDER_LOCALES: dict[str, dict[str, Any]] = {
    "en": {
        "start": {"welcome": "<b>Hello, {name}!</b> I am Backcare.", "agree": "I agree"},
        "help": {"text": "<b>What I can do</b>\n{commands}"},
        "routine": {"inhale": "Breathe in… {cue}\n{where}"},
    },
    "ru": {
        "start": {"welcome": "<b>Здравствуйте, {name}!</b> Я Backcare.", "agree": "Согласен"},
        "help": {"text": "<b>Что я умею</b>\n{commands}"},
        "routine": {"inhale": "Вдох… {cue}\n{where}"},
    },
}


def media_names(exercises: Path) -> set[str]:
    """Every picture and animation file the exercise files name."""
    names: set[str] = set()

    def collect(data: Any) -> None:
        if isinstance(data, dict):
            for key, value in data.items():
                if key in ("picture", "animation") and isinstance(value, str):
                    names.add(value)
                else:
                    collect(value)

    for path in exercises.glob("*.yaml"):
        collect(yaml.safe_load(path.read_text(encoding="utf-8")))
    return names


def save_stand_in(path: Path, size: tuple[int, int] = (800, 600)) -> None:
    """A small valid picture (PNG/JPEG) or two-frame animation (GIF) with the file's name."""
    if path.suffix == ".gif":
        frames = [Image.new("P", (160, 120), color) for color in (1, 2)]
        frames[0].save(path, save_all=True, append_images=frames[1:], duration=200, loop=0)
    else:
        Image.new("RGB", size, "white").save(path)


def write_yaml(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def build_copy(parent: Path) -> Path:
    """A valid content folder, parent/content/: shipped exercises and routines, stand-ins else."""
    target = parent / "content"
    target.mkdir()
    shutil.copy(ROOT / "languages.yaml", target)
    if (ROOT / "progression.yaml").is_file():
        shutil.copy(ROOT / "progression.yaml", target)
    shutil.copytree(ROOT / "exercises", target / "exercises")
    shutil.copytree(ROOT / "routines", target / "routines")
    shutil.copytree(ROOT / "words", target / "words")
    shutil.copytree(ROOT / "audio", target / "audio")  # the spoken phrases and their clips
    (target / "locales").mkdir()
    for code, texts in PLACEHOLDER_LOCALES.items():
        write_yaml(target / "locales" / f"{code}.yaml", texts)
    (target / "media").mkdir()
    for name in media_names(target / "exercises"):
        save_stand_in(target / "media" / name)
    return target


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A valid content folder in tmp_path (named content/, as authors see it)."""
    return build_copy(tmp_path)


def edit(path: Path, change: Callable[[Any], object]) -> None:
    """Load a YAML file, change its data in place, write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    write_yaml(path, data)


def problems_in(root: Path) -> list[Problem]:
    """The problems load_content reports (and fails the test if it loads)."""
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return caught.value.problems
