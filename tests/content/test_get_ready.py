"""The time to get into position, per exercise: its mistakes are named by file, field and reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from content import Problem, load_content
from content.schema import MIN_SWITCH_SECONDS
from tests.content.conftest import edit, problems_in

BIRD_DOG = "content/exercises/bird_dog.yaml"
QUICK = "content/routines/quick.yaml"

MISTAKES: list[tuple[str, str, Callable[[Any], object], Problem]] = [
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
]


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [pytest.param(file, change, expected, id=name) for name, file, change, expected in MISTAKES],
)
def test_a_get_ready_mistake_is_named_by_file_field_and_reason(
    root: Path, file: str, change: Callable[[Any], object], expected: Problem
) -> None:
    edit(root / file, change)
    assert problems_in(root) == [expected]


def test_exactly_ten_seconds_to_switch_is_enough(root: Path) -> None:
    edit(
        root / "exercises" / "bird_dog.yaml",
        lambda d: d["get_ready"].update(switch_sides=MIN_SWITCH_SECONDS),
    )
    assert load_content(root).exercises["bird_dog"].get_ready.switch_sides == MIN_SWITCH_SECONDS


def test_every_shipped_exercise_gives_time_to_switch_and_to_move(root: Path) -> None:
    for exercise in load_content(root).exercises.values():
        ready = exercise.get_ready
        assert ready.switch_sides >= MIN_SWITCH_SECONDS, exercise.id
        assert ready.new_position >= ready.same_position >= 15, exercise.id
