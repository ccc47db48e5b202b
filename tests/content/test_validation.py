"""Each kind of author's mistake in an exercise or routine is named by file, field and reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from content import Problem, load_content
from tests.content.conftest import edit, problems_in

BIRD_DOG = "content/exercises/bird_dog.yaml"
CHAIR_TWIST = "content/exercises/chair_twist.yaml"
LYING_TWIST = "content/exercises/lying_twist.yaml"
QUICK = "content/routines/quick.yaml"

MISTAKES: list[tuple[str, str, Callable[[Any], object], Problem]] = [
    (
        "unknown field",
        "exercises/bird_dog.yaml",
        lambda d: d.update(posture="kneeling"),
        Problem(BIRD_DOG, "posture", "unknown field (misspelt?)"),
    ),
    (
        "unknown field deep inside",
        "exercises/bird_dog.yaml",
        lambda d: d["dose"].update(per_sides=True),
        Problem(BIRD_DOG, "dose.per_sides", "unknown field (misspelt?)"),
    ),
    (
        "missing field",
        "exercises/bird_dog.yaml",
        lambda d: d.pop("purpose"),
        Problem(BIRD_DOG, "purpose", "required field is missing"),
    ),
    (
        "missing easier variant",
        "exercises/bird_dog.yaml",
        lambda d: d.pop("easier"),
        Problem(BIRD_DOG, "easier", "required field is missing"),
    ),
    (
        "wrong type: text for a number",
        "exercises/bird_dog.yaml",
        lambda d: d.update(order="third"),
        Problem(BIRD_DOG, "order", "should be a valid integer (got 'third')"),
    ),
    (
        "wrong type: text for a yes/no",
        "exercises/bird_dog.yaml",
        lambda d: d.update(movement="yes please"),
        Problem(BIRD_DOG, "movement", "should be a valid boolean (got 'yes please')"),
    ),
    (
        "wrong type: one text instead of one per language",
        "exercises/bird_dog.yaml",
        lambda d: d.update(title="Bird dog"),
        Problem(
            BIRD_DOG, "title", "should be a mapping by language code (like {en: ..., ru: ...})"
        ),
    ),
    (
        "not one of the positions",
        "exercises/bird_dog.yaml",
        lambda d: d.update(position="upside down"),
        Problem(
            BIRD_DOG,
            "position",
            "should be 'standing', 'sitting', 'kneeling' or 'lying' (got 'upside down')",
        ),
    ),
    (
        "a language missing",
        "exercises/bird_dog.yaml",
        lambda d: d["title"].pop("ru"),
        Problem(BIRD_DOG, "title", "missing language ru"),
    ),
    (
        "an extra language",
        "exercises/bird_dog.yaml",
        lambda d: d["breathing"]["hold"].update(de="weiter atmen"),
        Problem(BIRD_DOG, "breathing.hold", "unknown language de (languages.yaml lists en, ru)"),
    ),
    (
        "a language missing from a list",
        "exercises/bird_dog.yaml",
        lambda d: d["cautions"].pop("en"),
        Problem(BIRD_DOG, "cautions", "missing language en"),
    ),
    (
        "lists differ in length between languages",
        "exercises/bird_dog.yaml",
        lambda d: d["steps"]["ru"].pop(),
        Problem(BIRD_DOG, "steps", "lists differ in length between languages (en: 5, ru: 4)"),
    ),
    (
        "an empty list",
        "exercises/bird_dog.yaml",
        lambda d: d["easier"]["steps"].update(en=[]),
        Problem(BIRD_DOG, "easier.steps.en", "must have at least one item"),
    ),
    (
        "an empty text",
        "exercises/bird_dog.yaml",
        lambda d: d["purpose"].update(en="   "),
        Problem(BIRD_DOG, "purpose.en", "must not be empty"),
    ),
    (
        "an empty step (positions count from 1)",
        "exercises/bird_dog.yaml",
        lambda d: d["steps"]["ru"].__setitem__(1, ""),
        Problem(BIRD_DOG, "steps.ru.2", "must not be empty"),
    ),
    (
        "id is not the file name",
        "exercises/bird_dog.yaml",
        lambda d: d.update(id="bird_hound"),
        Problem(BIRD_DOG, "id", "must match the file name ('bird_hound' != 'bird_dog')"),
    ),
    (
        "dose range start > max",
        "exercises/bird_dog.yaml",
        lambda d: d["dose"]["breaths"].update(start=7),
        Problem(BIRD_DOG, "dose.breaths.start", "must be <= max (7 > 6)"),
    ),
    (
        "dose range below 1",
        "exercises/bird_dog.yaml",
        lambda d: d["dose"]["breaths"].update(start=0),
        Problem(BIRD_DOG, "dose.breaths.start", "should be greater than or equal to 1 (got 0)"),
    ),
    (
        "two of breaths/seconds/reps",
        "exercises/bird_dog.yaml",
        lambda d: d["dose"].update(seconds={"start": 20, "max": 30}),
        Problem(
            BIRD_DOG,
            "dose",
            "give exactly one of breaths, seconds or reps (found: breaths, seconds)",
        ),
    ),
    (
        "none of breaths/seconds/reps",
        "exercises/bird_dog.yaml",
        lambda d: d["dose"].pop("breaths"),
        Problem(BIRD_DOG, "dose", "give exactly one of breaths, seconds or reps (found: none)"),
    ),
    (
        "a movement exercise without an animation",
        "exercises/bird_dog.yaml",
        lambda d: d.pop("animation"),
        Problem(BIRD_DOG, "animation", "required for a movement exercise (movement: true)"),
    ),
    (
        "a picture that is not a PNG or JPEG name",
        "exercises/bird_dog.yaml",
        lambda d: d.update(picture="../secret/bird_dog.bmp"),
        Problem(
            BIRD_DOG,
            "picture",
            "must be a PNG or JPEG file name in content/media/ (like bird_dog.png)",
        ),
    ),
    (
        "an animation that is not a GIF name",
        "exercises/bird_dog.yaml",
        lambda d: d.update(animation="bird_dog.png"),
        Problem(
            BIRD_DOG, "animation", "must be a GIF file name in content/media/ (like bird_dog.gif)"
        ),
    ),
    (
        "a routine naming an unknown exercise",
        "routines/quick.yaml",
        lambda d: d["items"].append({"exercise": "headstand"}),
        Problem(QUICK, "items.5.exercise", "unknown exercise 'headstand'"),
    ),
    (
        "a routine override with start > max",
        "routines/quick.yaml",
        lambda d: d["items"][0].update(rounds={"start": 4, "max": 2}),
        Problem(QUICK, "items.1.rounds.start", "must be <= max (4 > 2)"),
    ),
    (
        "a routine override in another unit than the exercise's",
        "routines/quick.yaml",
        lambda d: d["items"][0].update(seconds={"start": 5, "max": 5}),
        Problem(QUICK, "items.1.seconds", "breathing is dosed in breaths, not seconds"),
    ),
    (
        "a routine override of two units",
        "routines/quick.yaml",
        lambda d: d["items"][1].update(breaths={"start": 3, "max": 3}),
        Problem(
            QUICK,
            "items.2",
            "override at most one of breaths, seconds or reps (found: breaths, reps)",
        ),
    ),
    (
        "a routine pace out of range",
        "routines/quick.yaml",
        lambda d: d["pace"].update(inhale_seconds=0),
        Problem(QUICK, "pace.inhale_seconds", "should be greater than 0 (got 0)"),
    ),
    (
        "a switch of sides shorter than 10 s",
        "exercises/bird_dog.yaml",
        lambda d: d["get_ready"].update(switch_sides=5),
        Problem(
            BIRD_DOG,
            "get_ready.switch_sides",
            "must be at least 10 seconds: time to come back slowly and settle on the other side "
            "(got 5)",
        ),
    ),
    (
        "a new position quicker than the same one",
        "exercises/bird_dog.yaml",
        lambda d: d["get_ready"].update(same_position=30, new_position=20),
        Problem(
            BIRD_DOG,
            "get_ready.new_position",
            "must be at least same_position: changing position takes longer (20 < 30)",
        ),
    ),
    (
        "a misspelt field",
        "exercises/bird_dog.yaml",
        lambda d: d["get_ready"].update(switch_side=12),
        Problem(BIRD_DOG, "get_ready.switch_side", "unknown field (misspelt?)"),
    ),
    (
        "the old routine-wide get-ready time",
        "routines/quick.yaml",
        lambda d: d["pace"].update(get_ready_seconds=8),
        Problem(
            QUICK,
            "pace.get_ready_seconds",
            "the time to get into position is now set per exercise (get_ready: same_position, "
            "new_position, switch_sides in content/exercises/); remove it here",
        ),
    ),
    (
        "a routine without items",
        "routines/quick.yaml",
        lambda d: d.update(items=[]),
        Problem(QUICK, "items", "must have at least one item"),
    ),
    # An easier version that is not easier, and versions without cues or pictures of their own.
    (
        "an easier version as hard as the exercise",
        "exercises/chair_twist.yaml",
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
        "exercises/lying_twist.yaml",
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
        "exercises/bird_dog.yaml",
        lambda d: d["harder"].update(difficulty=4),
        Problem(
            BIRD_DOG,
            "harder.difficulty",
            "must be higher than the exercise's difficulty (4 <= 4)",
        ),
    ),
    (
        "no difficulty",
        "exercises/chair_twist.yaml",
        lambda d: d["easier"].pop("difficulty"),
        Problem(CHAIR_TWIST, "easier.difficulty", "required field is missing"),
    ),
    (
        "an easier version without cues of its own",
        "exercises/chair_twist.yaml",
        lambda d: d["easier"].pop("breathing"),
        Problem(CHAIR_TWIST, "easier.breathing", "required field is missing"),
    ),
    (
        "the exercise's breath-out cue copied into the easier version",
        "exercises/chair_twist.yaml",
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
        "exercises/lying_twist.yaml",
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
        "exercises/lying_twist.yaml",
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
        "exercises/lying_twist.yaml",
        lambda d: d["easier"].update(dose={"breaths": {"start": 1, "max": 2}}),
        Problem(
            LYING_TWIST, "easier.dose.breaths", "the exercise is dosed in seconds, not breaths"
        ),
    ),
    (
        "an easier version without a picture",
        "exercises/chair_twist.yaml",
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
        "exercises/chair_twist.yaml",
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
        "exercises/bird_dog.yaml",
        lambda d: d["harder"].update(picture=None),
        Problem(
            BIRD_DOG,
            "harder.picture",
            "missing: the harder version needs a picture of its own that shows its steps "
            "(draw content/poses/bird_dog_harder.yaml with make pictures)",
        ),
    ),
    (
        "the default language not listed",
        "languages.yaml",
        lambda d: d.update(default="de"),
        Problem("content/languages.yaml", "default", "'de' is not one of the languages (en, ru)"),
    ),
]


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [pytest.param(file, change, expected, id=name) for name, file, change, expected in MISTAKES],
)
def test_each_mistake_is_named_by_file_field_and_reason(
    root: Path, file: str, change: Callable[[Any], object], expected: Problem
) -> None:
    edit(root / file, change)
    assert problems_in(root) == [expected]


def test_the_unbroken_copy_loads(root: Path) -> None:
    content = load_content(root)
    assert list(content.exercises)[:3] == ["breathing", "baby_cobra", "bird_dog"]
    assert list(content.routines) == ["full", "quick", "office", "gentle"]


def test_problem_reads_as_file_field_reason(root: Path) -> None:
    edit(root / "exercises" / "bird_dog.yaml", lambda d: d["dose"]["breaths"].update(start=7))
    [problem] = problems_in(root)
    assert (
        str(problem)
        == "content/exercises/bird_dog.yaml: dose.breaths.start: must be <= max (7 > 6)"
    )


def test_a_mistake_in_an_exercise_is_not_reported_again_by_routines(root: Path) -> None:
    edit(root / "exercises" / "cat_cow.yaml", lambda d: d.pop("title"))
    # cat_cow is in the full and quick routines; its own file is the one to fix.
    assert problems_in(root) == [
        Problem("content/exercises/cat_cow.yaml", "title", "required field is missing")
    ]
