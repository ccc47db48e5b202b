"""Mistakes across files: YAML syntax, folders, ids and orders; all of them reported at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import CONTENT_CHECKS
from content import Problem
from content.check import main as check_content
from tests.content.conftest import edit, problems_in


def test_yaml_syntax_error_names_the_line(root: Path) -> None:
    path = root / "exercises" / "cat_cow.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "title: [unclosed")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = problems_in(root)
    assert problem.file == "content/exercises/cat_cow.yaml" and problem.field == ""
    assert problem.reason.startswith("line 5: invalid YAML: ")


def test_a_key_written_twice_is_an_error_with_both_lines(root: Path) -> None:
    path = root / "routines" / "office.yaml"
    text = path.read_text(encoding="utf-8")
    line_of_minutes = text.splitlines().index("minutes: 5") + 1
    path.write_text(text + "minutes: 7\n", encoding="utf-8")
    last_line = len(text.splitlines()) + 1
    assert problems_in(root) == [
        Problem(
            "content/routines/office.yaml",
            "",
            f"line {last_line}: invalid YAML: duplicate key 'minutes' (first on line {line_of_minutes})",
        )
    ]


@pytest.mark.parametrize("text", ["", "- just\n- a list\n", "plain words\n"])
def test_a_file_that_is_not_a_mapping(root: Path, text: str) -> None:
    (root / "routines" / "office.yaml").write_text(text, encoding="utf-8")
    assert problems_in(root) == [
        Problem(
            "content/routines/office.yaml",
            "",
            "must be a mapping of fields (field: value, one per line)",
        )
    ]


def test_duplicate_exercise_order_names_the_other_file(root: Path) -> None:
    edit(root / "exercises" / "cat_cow.yaml", lambda d: d.update(order=1))
    assert problems_in(root) == [
        Problem(
            "content/exercises/cat_cow.yaml",
            "order",
            "1 is also used by content/exercises/breathing.yaml",
        )
    ]


def test_duplicate_routine_order(root: Path) -> None:
    edit(root / "routines" / "quick.yaml", lambda d: d.update(order=3))
    assert problems_in(root) == [
        Problem(
            "content/routines/quick.yaml", "order", "3 is also used by content/routines/office.yaml"
        )
    ]


def test_duplicate_ids(root: Path) -> None:
    shutil.copy(root / "exercises" / "cat_cow.yaml", root / "exercises" / "cat_cow_2.yaml")
    edit(root / "exercises" / "cat_cow_2.yaml", lambda d: d.update(order=20))
    assert problems_in(root) == [
        Problem(
            "content/exercises/cat_cow_2.yaml",
            "id",
            "must match the file name ('cat_cow' != 'cat_cow_2')",
        ),
        Problem(
            "content/exercises/cat_cow_2.yaml",
            "id",
            "'cat_cow' is also used by content/exercises/cat_cow.yaml",
        ),
    ]


def test_a_misnamed_file_is_not_silently_ignored(root: Path) -> None:
    (root / "exercises" / "bird_dog.yaml").rename(root / "exercises" / "bird_dog.yml")
    assert problems_in(root) == [
        Problem(
            "content/exercises/bird_dog.yml",
            "",
            "ignored: only .yaml files are read here (rename it?)",
        ),
        Problem("content/routines/full.yaml", "items.3.exercise", "unknown exercise 'bird_dog'"),
    ]


@pytest.mark.parametrize("folder", ["exercises", "routines"])
def test_a_missing_folder(root: Path, folder: str) -> None:
    shutil.rmtree(root / folder)
    found = problems_in(root)
    assert Problem(f"content/{folder}", "", "folder is missing") in found


def test_a_missing_languages_file_still_checks_the_rest(root: Path) -> None:
    (root / "languages.yaml").unlink()
    edit(root / "exercises" / "bird_dog.yaml", lambda d: d.pop("steps"))
    found = problems_in(root)
    assert found[0] == Problem("content/languages.yaml", "", "file is missing")
    assert Problem("content/exercises/bird_dog.yaml", "steps", "required field is missing") in found


def test_every_problem_across_files_is_collected_and_printed(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(root / "exercises" / "bird_dog.yaml", lambda d: d.pop("purpose"))
    edit(root / "exercises" / "cat_cow.yaml", lambda d: d["dose"]["reps"].update(start=11))
    edit(root / "routines" / "office.yaml", lambda d: d["items"].append({"exercise": "plank"}))
    (root / "locales" / "ru.yaml").write_text(
        "start: {welcome: '<b>Привет</b>'}\n", encoding="utf-8"
    )
    assert check_content(root) == 1
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        "content/locales/ru.yaml: help.text: missing (present in en.yaml)",
        "content/locales/ru.yaml: routine.inhale: missing (present in en.yaml)",
        "content/locales/ru.yaml: start.agree: missing (present in en.yaml)",
        "content/locales/ru.yaml: start.welcome: placeholders [] differ from en.yaml: ['name']",
        "content/exercises/bird_dog.yaml: purpose: required field is missing",
        "content/exercises/cat_cow.yaml: dose.reps.start: must be <= max (11 > 10)",
        "content/routines/office.yaml: items.4.exercise: unknown exercise 'plank'",
        "7 problem(s) found; the bot will not start until they are fixed.",
    ]


def test_check_content_says_ok_with_counts(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check_content(root) == 0
    assert capsys.readouterr().out == (
        "content OK: 9 exercises, 4 routines, 2 languages, 112 spoken phrases with clips\n"
    )


def test_the_pain_words_are_checked_by_the_check_the_bot_passes(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """content/ knows no pain words: their rules are safety/painwords.py's, and bot.py passes
    them to the loader; each mistake still names the file, the key and the reason."""
    lists = {
        "en": {"words": "pain|hurts", "unclear": "sore", "negations": "no", "legs": "leg"},
        "ru": {"words": "боль|блямбрыкс", "unclear": "ноет", "negations": "не", "legs": "нога"},
    }
    optional = ("not_pain", "eased", "negations_after", "gaps", "softeners", "unsure", "breaks")
    for code, given in lists.items():
        nerve = {"en": "numb", "ru": "немеет"}[code]
        pain = {**given, "nerve": nerve} | dict.fromkeys(optional, "")
        edit(root / "locales" / f"{code}.yaml", lambda d, pain=pain: d.update(pain=pain))
    assert check_content(root, checks=CONTENT_CHECKS) == 1
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        "content/locales/ru.yaml: pain.words: 'блямбрыкс' is not in the dictionary (misspelt?)",
        "1 problem(s) found; the bot will not start until they are fixed.",
    ]
    # Without the check, the loader only sees texts: the optional lists may not be empty then.
    assert check_content(root) == 1
    assert "content/locales/en.yaml: pain.gaps: must be a non-empty text" in capsys.readouterr().out
