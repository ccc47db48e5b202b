"""The time to get into position, per exercise, as shipped (its mistakes: test_validation.py)."""

from __future__ import annotations

from pathlib import Path

from content import load_content
from content.schema import MIN_SWITCH_SECONDS
from tests.content.conftest import edit


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
