"""The content check that every level step changes a dose the user sees.

A step up that changes nothing on screen tells the user "a little more" and shows the same
numbers; so each routine, and each exercise done on its own, must change at least one count
(rounds, or breaths, seconds or reps per hold) from every level to the next.
"""

from __future__ import annotations

from pathlib import Path

from content.problems import Collector
from content.schema import DoseRange, Exercise, Routine


def count_at(dose_range: DoseRange, level: int, levels: int) -> int:
    """A range's count at a level: the same rounding as guided.engine.progression.Range.at.

    content/ imports nothing of ours, so the one-line formula is repeated here; a test keeps the
    two equal (tests/content/test_progression_steps.py).
    """
    start, top = dose_range.start, dose_range.max
    if levels <= 1 or top == start:
        return start
    level = max(0, min(level, levels - 1))
    return start + round((top - start) * level / (levels - 1))


def still_steps(ranges: list[DoseRange], levels: int) -> list[int]:
    """The levels (from 0) whose step to the next level leaves every count as it was.

    Counts never fall as the level rises (each range has start <= max, and the rounding is
    monotonic), so a step either changes something the user sees or nothing at all.
    """
    return [
        level
        for level in range(levels - 1)
        if all(
            count_at(dose_range, level, levels) == count_at(dose_range, level + 1, levels)
            for dose_range in ranges
        )
    ]


def _reason(still: list[int], levels: int, subject: str) -> str:
    # Authors count levels from 1, as they count steps and items.
    steps = [f"{level + 1} to {level + 2}" for level in still]
    where = " and from ".join([", from ".join(steps[:-1]), steps[-1]] if len(steps) > 1 else steps)
    return (
        f"{subject} nothing the user sees changes from level {where} (of {levels}): "
        "every step must change the rounds, or the breaths, seconds or reps per hold; "
        f"give a range spanning at least {levels - 1} (max - start), "
        "or ranges that grow at different levels"
    )


def check_exercise_steps(collector: Collector, path: Path, exercise: Exercise, levels: int) -> None:
    """An exercise done on its own (from the library) changes its dose at every level step."""
    dose = exercise.dose
    still = still_steps([dose.amount, dose.rounds], levels)
    if still:
        collector.add(path, "dose", _reason(still, levels, "done on its own,"))


def check_routine_steps(
    collector: Collector,
    path: Path,
    routine: Routine,
    exercises: dict[str, Exercise],
    levels: int,
) -> None:
    """A routine changes at least one item's dose at every level step (overrides applied)."""
    if routine.gentle:
        return  # always at its lowest doses: progression does not apply
    ranges: list[DoseRange] = []
    for item in routine.items:
        exercise = exercises.get(item.exercise)
        if exercise is None:
            return  # an unknown or broken exercise is reported on its own
        # The same choice as guided.engine.routines.routine_doses: the item's override wins.
        ranges.append(item.amount_override() or exercise.dose.amount)
        ranges.append(item.rounds or exercise.dose.rounds)
    still = still_steps(ranges, levels)
    if still:
        collector.add(path, "items", _reason(still, levels, "across its items,"))
