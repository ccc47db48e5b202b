"""The phrase library as content: every phrase of every language has its clip, and an author's
mistake is reported with file, field and reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from audio import codec
from audio.clips import RATE, read_clip
from content import Content
from content.check import main as check_content
from content.loader import ROOT
from content.phrases import load_phrases, needs_of, stress_problem


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the shipped content to break."""
    copy = tmp_path / "content"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__", "poses"))
    return copy


def problems_of(root: Path, content: Content) -> list[str]:
    needs = needs_of(content.exercises, content.routines)
    problems, _ = load_phrases(root, content.languages, needs)
    return [str(problem) for problem in problems]


def edit(root: Path, language: str, change: dict[str, object]) -> None:
    path = root / "audio" / "phrases" / f"{language}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dotted, value in change.items():
        *parents, last = dotted.split(".")
        target = data
        for part in parents:
            target = target[int(part) if part.isdigit() else part]
        if value is None:
            del target[int(last) if last.isdigit() else last]
        else:
            target[last] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_every_phrase_of_every_language_has_a_clip_that_speaks(content: Content) -> None:
    needs = needs_of(content.exercises, content.routines)
    problems, phrases = load_phrases(content.root, content.languages, needs)
    assert problems == []
    assert set(phrases.books) == {"en", "ru"}
    assert needs.counts == 10
    for phrase in phrases.all():
        clip = read_clip(phrases.clip_path(phrase))
        assert 0.15 < len(clip) / RATE < 10.0, phrase.key
        assert np.max(np.abs(clip)) > 0.05, phrase.key


def test_make_content_fails_on_a_phrase_without_its_clip(
    root: Path, content: Content, capsys: pytest.CaptureFixture[str]
) -> None:
    needs = needs_of(content.exercises, content.routines)
    _, phrases = load_phrases(root, content.languages, needs)
    phrase = phrases.books["ru"]["breathe_out"]
    phrases.clip_path(phrase).unlink()
    assert check_content(root) == 1
    printed = capsys.readouterr().out
    assert (
        f"content/audio/phrases/ru.yaml: breathe_out: no clip "
        f"content/audio/clips/{phrase.clip_name} for 'Выдох': run make voices"
    ) in printed


def test_a_changed_phrase_needs_a_new_clip(root: Path, content: Content) -> None:
    edit(root, "en", {"phrases.rest": "Rest now"})
    [problem] = problems_of(root, content)
    assert problem.startswith("content/audio/phrases/en.yaml: rest: no clip ")
    assert problem.endswith("for 'Rest now': run make voices")


@pytest.mark.parametrize(
    ("language", "change", "expected"),
    [
        (
            "ru",
            {"phrases.breathe_out": "Выдох"},
            "breathe_out: 'Выдох': mark its stressed vowel with '+' (like В+ыдох)",
        ),
        ("ru", {"phrases.rest": "+О+тдых"}, "rest: '+О+тдых': one '+' per word"),
        ("ru", {"phrases.rest": "О+тдых"}, "rest: 'О+тдых': '+' must stand right before a vowel"),
        (
            "en",
            {"phrases.rest": "R+est"},
            "rest: '+' marks stress only in a file with stress_marks: true",
        ),
        ("en", {"phrases.hold": None}, "phrases.hold: required phrase is missing"),
        ("en", {"phrases.sit": "Sit"}, "phrases.sit: unknown phrase (known: "),
        ("en", {"numbers.7": None}, "numbers.7: missing: the guide counts up to 10"),
        ("en", {"exercises.cat_cow": None}, "exercises.cat_cow: missing: every exercise is named"),
        (
            "en",
            {"exercises.cat_cow.easier": None},
            "exercises.cat_cow.easier: missing: this exercise has an easier version",
        ),
        (
            "en",
            {"exercises.headstand": {"name": "Headstand", "reminder": "Do not."}},
            "exercises.headstand: unknown exercise",
        ),
        (
            "en",
            {"voice": "espeak ng"},
            "voice: should be engine/voice, like espeak-ng/en-gb (got 'espeak ng')",
        ),
    ],
)
def test_an_authors_mistake_names_file_field_and_reason(
    root: Path, content: Content, language: str, change: dict[str, object], expected: str
) -> None:
    edit(root, language, change)
    found = problems_of(root, content)
    prefix = f"content/audio/phrases/{language}.yaml: "
    assert any(problem.startswith(prefix + expected) for problem in found), found


def test_a_language_without_phrases_is_reported(root: Path, content: Content) -> None:
    (root / "audio" / "phrases" / "ru.yaml").unlink()
    assert problems_of(root, content) == [
        "content/audio/phrases/ru.yaml: missing: every language needs its spoken phrases (ru)"
    ]


def test_stress_marks() -> None:
    assert (
        stress_problem("Если что-то бол+ит")
        == "'Если': mark its stressed vowel with '+' (like В+ыдох)"
    )
    assert stress_problem("Лёжа на спин+е, вдох") is None  # ё is stressed; one syllable needs none
    assert stress_problem("«Пт+ица-соб+ака»") is None  # each part of a hyphenated word


def test_a_recording_dropped_in_under_the_clips_name_is_what_is_heard(
    root: Path, content: Content
) -> None:
    """A person's recording replaces the engine's clip: same name, nothing else to change."""
    from audio.tracks import Guide, Recipe

    needs = needs_of(content.exercises, content.routines)
    _, phrases = load_phrases(root, content.languages, needs)
    phrase = phrases.books["en"]["breathe_in"]
    time = np.arange(RATE) / RATE
    recording = (0.3 * np.sin(2 * np.pi * 1000 * time)).astype(np.float32)  # a 1 kHz "voice"
    codec.write(phrases.clip_path(phrase), recording, RATE, "ogg", 0.5)
    copied = Content(**{**content.__dict__, "root": root})
    guide = Guide(copied, root / "cache")
    recipe = Recipe("x.cat_cow", 0, "en", scale=0.5, tones=False)
    samples, rate = codec.read(guide.render(recipe))
    [inhale] = [cue for cue in guide.script(recipe).cues if cue.phrases == (phrase,)]
    heard = samples[int(inhale.start * rate) : int((inhale.start + 0.5) * rate)]
    spectrum = np.abs(np.fft.rfft(heard))
    assert abs(np.fft.rfftfreq(len(heard), 1 / rate)[np.argmax(spectrum)] - 1000) < 10
