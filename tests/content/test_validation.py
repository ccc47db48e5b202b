"""check-content: the shipped content passes; each kind of mistake is named precisely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from content import ContentError, load_content
from content.check import main as check_main
from content.loader import ROOT, html_problem


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A private copy of the shipped content to break."""
    target = tmp_path / "content"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns("*.py", "__pycache__", "poses"))
    return target


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return [str(problem) for problem in caught.value.problems]


def edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def test_shipped_content_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    content = load_content()
    assert len(content.exercises) == 9 and set(content.routines) == {"full", "quick", "office"}
    assert check_main() == 0
    assert "content OK: 9 exercises, 3 routines, 2 languages" in capsys.readouterr().out


def test_check_content_lists_every_problem(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(copy / "exercises" / "bird_dog.yaml", lambda d: d.pop("purpose"))
    edit(copy / "exercises" / "cat_cow.yaml", lambda d: d.update(posture="kneeling"))
    assert check_main(copy) == 1
    out = capsys.readouterr().out
    assert "content/exercises/bird_dog.yaml: purpose: required field is missing" in out
    assert "content/exercises/cat_cow.yaml: posture: unknown field (misspelt?)" in out
    # The broken cat/cow also breaks the routines that use it: reported, not hidden.
    assert "content/routines/full.yaml: items.3.exercise: unknown exercise 'cat_cow'" in out
    assert "5 problem(s) found." in out


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [
        (
            "exercises/bird_dog.yaml",
            lambda d: d["dose"]["breaths"].update(start=6),
            "content/exercises/bird_dog.yaml: dose.breaths: start must be <= max (6 > 5)",
        ),
        (
            "exercises/bird_dog.yaml",
            lambda d: d["dose"].update(seconds={"start": 5, "max": 5}),
            "content/exercises/bird_dog.yaml: dose: give exactly one of breaths, seconds or reps "
            "(found: breaths, seconds)",
        ),
        (
            "exercises/bird_dog.yaml",
            lambda d: d["title"].pop("ru"),
            "content/exercises/bird_dog.yaml: title: missing language(s): ru",
        ),
        (
            "exercises/bird_dog.yaml",
            lambda d: d["title"].update(de="Vogel"),
            "content/exercises/bird_dog.yaml: title: unknown language(s): de",
        ),
        (
            "exercises/bird_dog.yaml",
            lambda d: d["steps"]["ru"].pop(),
            "content/exercises/bird_dog.yaml: steps: lists differ in length between languages (en: 5, ru: 4)",
        ),
        (
            "exercises/bird_dog.yaml",
            lambda d: d["purpose"].update(en="  "),
            "content/exercises/bird_dog.yaml: purpose: empty text for en",
        ),
        (
            "exercises/bird_dog.yaml",
            lambda d: d.update(id="bird_hound"),
            "content/exercises/bird_dog.yaml: id: must match the file name ('bird_hound' != 'bird_dog')",
        ),
        (
            "exercises/bird_dog.yaml",
            lambda d: d.update(order=1),
            "content/exercises/breathing.yaml: order: 1 is used by another exercise",
        ),
        (
            "exercises/bird_dog.yaml",
            lambda d: d.update(position="upside down"),
            "content/exercises/bird_dog.yaml: position: Input should be 'standing', 'sitting', "
            "'kneeling' or 'lying'",
        ),
        (
            "exercises/bird_dog.yaml",
            lambda d: d.update(picture="missing.png"),
            "content/exercises/bird_dog.yaml: picture: file content/media/missing.png does not exist",
        ),
        (
            "exercises/bird_dog.yaml",
            lambda d: d.pop("animation"),
            "content/exercises/bird_dog.yaml: a movement exercise needs an animation",
        ),
        (
            "routines/quick.yaml",
            lambda d: d["items"].append({"exercise": "headstand"}),
            "content/routines/quick.yaml: items.4.exercise: unknown exercise 'headstand'",
        ),
        (
            "routines/quick.yaml",
            lambda d: d["items"][0].update(seconds={"start": 5, "max": 5}),
            "content/routines/quick.yaml: items.0.seconds: breathing is dosed in breaths, not seconds",
        ),
        (
            "locales/ru.yaml",
            lambda d: d["start"].pop("welcome"),
            "content/locales/ru.yaml: start.welcome: missing (present in en.yaml)",
        ),
        (
            "locales/ru.yaml",
            lambda d: d["start"].update(welcom="x"),
            "content/locales/ru.yaml: start.welcom: not in en.yaml (misspelt key?)",
        ),
        (
            "locales/ru.yaml",
            lambda d: d["start"].update(welcome="Привет, {имя}!"),
            "content/locales/ru.yaml: start.welcome: placeholders ['имя'] differ from en: ['name']",
        ),
        (
            "locales/en.yaml",
            lambda d: d["help"].update(text="<b>What {commands}"),
            "content/locales/en.yaml: help.text: <b> is never closed",
        ),
        (
            "locales/en.yaml",
            lambda d: d["help"].update(text="<h1>Help</h1> {commands}"),
            "content/locales/en.yaml: help.text: tag <h1> is not allowed by Telegram",
        ),
    ],
)
def test_each_mistake_names_file_field_and_reason(
    copy: Path, file: str, change, expected: str
) -> None:  # type: ignore[no-untyped-def]
    edit(copy / file, change)
    assert expected in problems(copy)


def test_yaml_syntax_error_has_a_line_number(copy: Path) -> None:
    path = copy / "exercises" / "cat_cow.yaml"
    path.write_text(path.read_text() + "\nsteps: [unclosed\n")
    [found] = [p for p in problems(copy) if p.startswith("content/exercises/cat_cow")]
    assert found.startswith("content/exercises/cat_cow.yaml: line ") and "invalid YAML" in found


def test_pictures_too_small_or_too_big(copy: Path) -> None:
    Image.new("RGB", (320, 240), "white").save(copy / "media" / "breathing.png")
    (copy / "media" / "cat_cow.gif").write_bytes(b"GIF89a" + b"\0" * (2 * 1024 * 1024))
    found = problems(copy)
    assert (
        "content/exercises/breathing.yaml: picture: breathing.png is 320 px on its long side; "
        "at least 640 px needed"
    ) in found
    assert any(
        p.startswith("content/exercises/cat_cow.yaml: animation: cat_cow.gif is 2048 KB")
        for p in found
    )


def test_missing_locale_file(copy: Path) -> None:
    (copy / "locales" / "ru.yaml").unlink()
    assert any("content/locales/ru.yaml: missing" in p for p in problems(copy))


def test_shipped_media_fit_telegram() -> None:
    for path in (ROOT / "media").iterdir():
        size = path.stat().st_size
        with Image.open(path) as image:
            longest = max(image.size)
        if path.suffix == ".gif":
            assert size < 2 * 1024 * 1024 and longest >= 480, path.name
        else:
            assert size < 1024 * 1024 and longest >= 640, path.name


@given(st.text(alphabet="<>/biaxu &;", max_size=30))
def test_html_check_never_crashes(text: str) -> None:
    result = html_problem(text)
    assert result is None or isinstance(result, str)


def test_fuzzy_lookup() -> None:
    content = load_content()
    for query, expected in [
        ("bird dog", "bird_dog"),
        ("Bird-Dog", "bird_dog"),
        ("brid dog", "bird_dog"),
        ("кошка", "cat_cow"),
        ("скручивание лёжа", "lying_twist"),
    ]:
        found = content.find_exercise(query, "en")
        assert found is not None and found.id == expected, query
    assert content.find_exercise("headstand", "en") is None
