"""An exercise's easier and harder versions: the check refuses an easier version that is not
easier, cues copied from the exercise, a dose larger than the exercise's, and a version without
a picture of its own, each named by file, field and reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from content import Problem, load_content
from tests.content.conftest import edit, problems_in

CHAIR_TWIST = "content/exercises/chair_twist.yaml"
LYING_TWIST = "content/exercises/lying_twist.yaml"
BIRD_DOG = "content/exercises/bird_dog.yaml"

MISTAKES: list[tuple[str, str, Callable[[Any], object], Problem]] = [
    (
        "an easier version as hard as the exercise",
        "chair_twist",
        lambda d: d["easier"].update(difficulty=d["difficulty"]),
        Problem(
            CHAIR_TWIST,
            "easier.difficulty",
            "must be lower than the exercise's difficulty (3 >= 3): an easier version must be "
            "a gentler movement or a smaller dose, never the same or harder",
        ),
    ),
    (
        "an easier version harder than the exercise",
        "lying_twist",
        lambda d: d["easier"].update(difficulty=5),
        Problem(
            LYING_TWIST,
            "easier.difficulty",
            "must be lower than the exercise's difficulty (5 >= 3): an easier version must be "
            "a gentler movement or a smaller dose, never the same or harder",
        ),
    ),
    (
        "a harder version no harder than the exercise",
        "bird_dog",
        lambda d: d["harder"].update(difficulty=4),
        Problem(
            BIRD_DOG,
            "harder.difficulty",
            "must be higher than the exercise's difficulty (4 <= 4)",
        ),
    ),
    (
        "no difficulty",
        "chair_twist",
        lambda d: d["easier"].pop("difficulty"),
        Problem(CHAIR_TWIST, "easier.difficulty", "required field is missing"),
    ),
    (
        "an easier version without cues of its own",
        "chair_twist",
        lambda d: d["easier"].pop("breathing"),
        Problem(CHAIR_TWIST, "easier.breathing", "required field is missing"),
    ),
    (
        "the exercise's breath-out cue copied into the easier version",
        "chair_twist",
        lambda d: d["easier"]["breathing"].update(exhale=d["breathing"]["exhale"]),
        Problem(
            CHAIR_TWIST,
            "easier.breathing.exhale.en",
            "the same as the exercise's own exhale cue (en, ru): write what the easier version "
            "does",
        ),
    ),
    (
        "a larger dose for the easier version",
        "lying_twist",
        lambda d: d["easier"]["dose"].update(seconds={"start": 10, "max": 40}),
        Problem(
            LYING_TWIST,
            "easier.dose.seconds",
            "more than the exercise's own (10-40 > 15-30): the easier version's dose may only "
            "be smaller",
        ),
    ),
    (
        "more rounds for the easier version",
        "lying_twist",
        lambda d: d["easier"]["dose"].update(rounds={"start": 2, "max": 2}),
        Problem(
            LYING_TWIST,
            "easier.dose.rounds",
            "more than the exercise's own (2-2 > 1-1): the easier version's dose may only "
            "be smaller",
        ),
    ),
    (
        "the easier version's dose in another unit",
        "lying_twist",
        lambda d: d["easier"].update(dose={"breaths": {"start": 1, "max": 2}}),
        Problem(
            LYING_TWIST, "easier.dose.breaths", "the exercise is dosed in seconds, not breaths"
        ),
    ),
    (
        "an easier version without a picture",
        "chair_twist",
        lambda d: d["easier"].pop("picture"),
        Problem(
            CHAIR_TWIST,
            "easier.picture",
            "missing: the easier version needs a picture of its own that shows its steps "
            "(draw content/poses/chair_twist_easier.yaml with make pictures)",
        ),
    ),
    (
        "an easier version showing the exercise's own picture",
        "chair_twist",
        lambda d: d["easier"].update(picture="chair_twist.png"),
        Problem(
            CHAIR_TWIST,
            "easier.picture",
            "chair_twist.png shows the exercise itself, not its easier version: give the "
            "version a picture of its own",
        ),
    ),
    (
        "a harder version without a picture",
        "bird_dog",
        lambda d: d["harder"].update(picture=None),
        Problem(
            BIRD_DOG,
            "harder.picture",
            "missing: the harder version needs a picture of its own that shows its steps "
            "(draw content/poses/bird_dog_harder.yaml with make pictures)",
        ),
    ),
]


@pytest.mark.parametrize(
    ("exercise", "change", "expected"),
    [pytest.param(e, c, p, id=name) for name, e, c, p in MISTAKES],
)
def test_a_version_that_breaks_a_rule_is_refused_by_file_field_and_reason(
    root: Path, exercise: str, change: Callable[[Any], object], expected: Problem
) -> None:
    edit(root / "exercises" / f"{exercise}.yaml", change)
    assert problems_in(root) == [expected]


def test_a_version_may_show_another_exercises_picture(root: Path) -> None:
    """Cat and cow on a chair is the seated cat and cow exercise: the same picture is right."""
    content = load_content(root)
    assert content.exercises["cat_cow"].easier.picture == "seated_cat_cow.png"


def test_a_smaller_dose_in_the_exercises_unit_is_accepted(root: Path) -> None:
    edit(
        root / "exercises" / "chair_twist.yaml",
        lambda d: d["easier"].update(dose={"breaths": {"start": 1, "max": 3}}),
    )
    dose = load_content(root).exercises["chair_twist"].easier.dose
    assert dose is not None and dose.breaths is not None and dose.breaths.max == 3
