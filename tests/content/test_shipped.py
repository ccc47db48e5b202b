"""The shipped content: it loads (with the real pictures and texts) and says what the brief says.

test_the_shipped_content_loads needs the generated pictures in content/media/ and the lead's
content/locales/; every other test here reads only exercises and routines.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import CONTENT_CHECKS
from content import Content, load_content
from content.check import main as check_content
from content.loader import ROOT
from tests.content.conftest import build_copy

# picture, animation, the easier version's picture, the harder version's (None: no harder one).
# Every version has a picture of its own that shows its steps; cat and cow on a chair is the
# seated cat and cow exercise, so it shows that exercise's picture.
PICTURES = {
    "breathing": ("breathing.png", None, "breathing_easier.png", "breathing_harder.png"),
    "baby_cobra": (
        "baby_cobra.png",
        "baby_cobra.gif",
        "baby_cobra_easier.png",
        "baby_cobra_harder.png",
    ),
    "bird_dog": ("bird_dog.png", "bird_dog.gif", "bird_dog_easier.png", "bird_dog_harder.png"),
    "cat_cow": ("cat_cow.png", "cat_cow.gif", "seated_cat_cow.png", None),
    "low_lunge": ("low_lunge.png", None, "low_lunge_easier.png", "low_lunge_harder.png"),
    "deep_squat": ("deep_squat.png", None, "deep_squat_easier.png", None),
    "lying_twist": ("lying_twist.png", "lying_twist.gif", "lying_twist_easier.png", None),
    "chair_twist": ("chair_twist.png", None, "chair_twist_easier.png", None),
    "seated_cat_cow": ("seated_cat_cow.png", None, "seated_cat_cow_easier.png", None),
}
POSITIONS = {
    "breathing": "sitting",
    "baby_cobra": "lying",
    "bird_dog": "kneeling",
    "cat_cow": "kneeling",
    "low_lunge": "kneeling",
    "deep_squat": "standing",
    "lying_twist": "lying",
    "chair_twist": "sitting",
    "seated_cat_cow": "sitting",
}
# unit, (start, max), per_side, rounds (start, max) -- the tops from the source article; the
# starts lower, so that every one of the six levels changes a number the user sees.
DOSES = {
    "breathing": ("breaths", (3, 4), False, (5, 10)),
    "baby_cobra": ("reps", (3, 8), False, (1, 1)),
    "bird_dog": ("breaths", (1, 6), True, (1, 1)),
    "cat_cow": ("reps", (5, 10), False, (1, 1)),
    "low_lunge": ("breaths", (1, 6), True, (1, 1)),
    "deep_squat": ("breaths", (1, 6), False, (1, 1)),
    "lying_twist": ("seconds", (15, 30), True, (1, 1)),
    "chair_twist": ("breaths", (1, 6), True, (1, 1)),
    "seated_cat_cow": ("reps", (3, 8), False, (1, 1)),
}


def test_the_shipped_content_loads(capsys: pytest.CaptureFixture[str]) -> None:
    """Fails only while content/media/ or content/locales/ (other people's work) is incomplete."""
    assert check_content(checks=CONTENT_CHECKS) == 0, capsys.readouterr().out
    assert capsys.readouterr().out == (
        "content OK: 9 exercises, 4 routines, 2 languages, 112 spoken phrases with clips\n"
    )


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Content:
    """The shipped exercises and routines, with stand-in pictures and placeholder texts."""
    return load_content(build_copy(tmp_path_factory.mktemp("shipped")))


def test_the_library_order_and_positions(shipped: Content) -> None:
    assert list(shipped.exercises) == list(POSITIONS)
    assert {id_: e.position for id_, e in shipped.exercises.items()} == POSITIONS


def test_the_pictures_have_the_names_the_illustrator_draws(shipped: Content) -> None:
    for exercise_id, (picture, animation, easier, harder) in PICTURES.items():
        exercise = shipped.exercises[exercise_id]
        shown = exercise.harder.picture if exercise.harder else None
        assert (exercise.picture, exercise.animation, exercise.easier.picture, shown) == (
            picture,
            animation,
            easier,
            harder,
        ), exercise_id
        assert exercise.movement == (animation is not None)


def test_the_doses_follow_the_source(shipped: Content) -> None:
    for exercise_id, (unit, amount, per_side, rounds) in DOSES.items():
        dose = shipped.exercises[exercise_id].dose
        assert dose.unit == unit, exercise_id
        assert (dose.amount.start, dose.amount.max) == amount, exercise_id
        assert dose.per_side == per_side, exercise_id
        assert (dose.rounds.start, dose.rounds.max) == rounds, exercise_id


def test_the_routines(shipped: Content) -> None:
    items = {
        routine_id: [item.exercise for item in routine.items]
        for routine_id, routine in shipped.routines.items()
    }
    assert items == {
        "full": [
            "breathing",
            "baby_cobra",
            "bird_dog",
            "cat_cow",
            "low_lunge",
            "deep_squat",
            "lying_twist",
        ],
        "quick": ["breathing", "cat_cow", "baby_cobra", "lying_twist"],
        "office": ["breathing", "seated_cat_cow", "chair_twist"],
        "gentle": ["breathing", "seated_cat_cow", "chair_twist"],
    }
    assert {r.id: r.minutes for r in shipped.routines.values()} == {
        "full": 15,
        "quick": 5,
        "office": 5,
        "gentle": 5,
    }
    for routine in shipped.routines.values():
        exhale = 8 if routine.gentle else 6  # the gentle plan breathes out longer
        assert (routine.pace.inhale_seconds, routine.pace.exhale_seconds) == (4, exhale)
    # The quick routine breathes fewer rounds than the exercise on its own.
    quick_breathing = shipped.routines["quick"].items[0].rounds
    assert quick_breathing is not None
    assert quick_breathing.max < shipped.exercises["breathing"].dose.rounds.start
    # Everything in the office routine is done sitting.
    assert all(
        shipped.exercises[item.exercise].position == "sitting"
        for item in shipped.routines["office"].items
    )


def test_steps_are_a_handful_of_short_lines(shipped: Content) -> None:
    for exercise in shipped.exercises.values():
        for language, steps in exercise.steps.items():
            assert 3 <= len(steps) <= 6, (exercise.id, language)
            assert all(len(step) <= 160 for step in steps), (exercise.id, language)


def test_media_path_points_into_content_media(shipped: Content) -> None:
    assert shipped.media_path("bird_dog.gif").name == "bird_dog.gif"
    assert shipped.media_path("bird_dog.gif").parent.name == "media"


def test_the_example_in_the_authors_guide_is_valid(tmp_path: Path) -> None:
    guide = (ROOT / "README.md").read_text(encoding="utf-8")
    example = guide.split("### A complete example\n\n```yaml\n", 1)[1].split("```", 1)[0]
    root = build_copy(tmp_path)
    (root / "exercises" / "low_lunge.yaml").write_text(example, encoding="utf-8")
    assert load_content(root).exercises["low_lunge"].easier.title["en"] == "Lunge holding a chair"


PUSHING = ("further", "deeper", "harder", "дальше", "глубже", "сильнее")


def test_the_easier_versions_ask_for_nothing_more(shipped: Content) -> None:
    """Their own cues, in every language, never push ("turn a little further")."""
    for exercise in shipped.exercises.values():
        cues = exercise.easier.breathing
        for phase in (cues.inhale, cues.exhale, cues.hold):
            for language, cue in phase.items():
                assert not any(word in cue.lower() for word in PUSHING), (exercise.id, language)


def test_the_gentle_plan_shows_only_the_gentlest_versions(shipped: Content) -> None:
    for item in shipped.routines["gentle"].items:
        exercise = shipped.exercises[item.exercise]
        shown = exercise.easier if item.variant == "easier" else exercise
        assert shown.difficulty <= 2, item.exercise
