"""A routine of the content as the engine sees it: its items, doses and pace (adapted to the
person where an exercise hurt lately: content/adapted.py).

Routine ids are those of content/routines/, or SINGLE + an exercise id for one exercise of the
library practised on its own.
"""

from __future__ import annotations

from content import Content
from content.adapted import adapted_items, base_id
from content.schema import RoutineItem
from guided.engine.progression import Range
from guided.engine.timeline import Dose, Pace, Timeline, build_timeline
from guided.engine.timers import Live

SINGLE = "x."  # routine ids "x.<exercise id>": one exercise from the library, on its own


def single(exercise_id: str) -> str:
    """The routine id of one library exercise practised on its own."""
    return SINGLE + exercise_id


def routine_exists(content: Content, routine_id: str) -> bool:
    """A routine of the content, or a single library exercise."""
    if routine_id.startswith(SINGLE):
        return routine_id.removeprefix(SINGLE) in content.exercises
    return adapted_items(content, routine_id) is not None


def routine_items(content: Content, routine_id: str) -> list[RoutineItem]:
    """The items of a routine (a single exercise is a routine of one item)."""
    if routine_id.startswith(SINGLE):
        return [RoutineItem(exercise=routine_id.removeprefix(SINGLE))]
    return adapted_items(content, routine_id) or []


def routine_doses(content: Content, routine_id: str) -> tuple[Dose, ...]:
    """The engine's view of a routine's doses, item overrides applied, each with its time to
    get into position (longer where the position changes: content/exercises, `get_ready`)."""
    doses = []
    items = routine_items(content, routine_id)
    for index, item in enumerate(items):
        exercise = content.exercises[item.exercise]
        dose = exercise.dose
        amount = item.amount_override() or dose.amount
        rounds = item.rounds or dose.rounds
        moving = index == 0 or position_changes(content, items[index - 1], item)
        ready = exercise.get_ready
        doses.append(
            Dose(
                unit=dose.unit,
                amount=Range(amount.start, amount.max),
                rounds=Range(rounds.start, rounds.max),
                per_side=dose.per_side,
                rest_seconds=dose.rest_seconds,
                get_ready=ready.new_position if moving else ready.same_position,
                switch_sides=ready.switch_sides,
            )
        )
    return tuple(doses)


def position_changes(content: Content, before: RoutineItem, item: RoutineItem) -> bool:
    """Whether a person moves to another position between two items (floor to standing,
    kneeling to lying). An easier variant may start from another position than its exercise
    (the easier breathing is done lying down), so it counts as a change."""
    if "easier" in (before.variant, item.variant):
        return True
    earlier, later = content.exercises[before.exercise], content.exercises[item.exercise]
    return earlier.position != later.position


def routine_pace(content: Content, routine_id: str) -> Pace:
    """The routine's pacing in real seconds."""
    if routine_id.startswith(SINGLE):
        return Pace()
    pace = content.routines[base_id(routine_id)].pace
    return Pace(
        inhale=pace.inhale_seconds,
        exhale=pace.exhale_seconds,
        rest_between=pace.rest_between_seconds,
    )


def routine_timeline(
    content: Content, routine_id: str, level: int, levels: int, scale: float
) -> Timeline:
    """The timeline of a routine at a level (shared by every session with the same inputs)."""
    return build_timeline(
        routine_doses(content, routine_id), level, levels, routine_pace(content, routine_id), scale
    )


def exercise_id(content: Content, live: Live, item: int) -> str:
    """The exercise at a position of the session's routine."""
    return routine_items(content, live.routine_id)[item].exercise


def easier_here(content: Content, routine_id: str, item: int) -> bool:
    """Whether the routine shows this item's easier variant (the gentle plan does)."""
    return routine_items(content, routine_id)[item].variant == "easier"


def gentle_routine(content: Content) -> str | None:
    """The id of the gentle plan offered after a pain report."""
    return next((routine.id for routine in content.routines.values() if routine.gentle), None)


def gentle_ids(content: Content) -> set[str]:
    """The routines of the gentle plan (progression does not count them)."""
    return {routine.id for routine in content.routines.values() if routine.gentle}


def is_gentle(content: Content, routine_id: str) -> bool:
    """Whether a routine is the gentle plan."""
    routine = content.routines.get(base_id(routine_id))
    return routine is not None and routine.gentle
