"""A routine of the content as the engine sees it: its items, doses and pace (adapted to the
person where an exercise hurt lately: content/adapted.py).

Routine ids are those of content/routines/, or SINGLE + an exercise id for one exercise of the
library practised on its own.
"""

from __future__ import annotations

from content import Content
from content.adapted import adapted_items, base_id
from content.schema import RoutineItem
from engine.plan import Dose, Pace
from engine.progression import Range
from engine.sessions import Live

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
    """The engine's view of a routine's doses, item overrides applied."""
    doses = []
    for item in routine_items(content, routine_id):
        exercise = content.exercises[item.exercise]
        dose = exercise.dose
        unit = dose.unit
        amount = item.amount_override() or dose.amount
        rounds = item.rounds or dose.rounds
        doses.append(
            Dose(
                unit=unit,
                amount=Range(amount.start, amount.max),
                rounds=Range(rounds.start, rounds.max),
                per_side=dose.per_side,
                rest_seconds=dose.rest_seconds,
            )
        )
    return tuple(doses)


def routine_pace(content: Content, routine_id: str) -> Pace:
    """The routine's pacing in real seconds."""
    if routine_id.startswith(SINGLE):
        return Pace()
    pace = content.routines[base_id(routine_id)].pace
    return Pace(
        inhale=pace.inhale_seconds,
        exhale=pace.exhale_seconds,
        get_ready=pace.get_ready_seconds,
        switch_sides=pace.switch_sides_seconds,
        rest_between=pace.rest_between_seconds,
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


def is_gentle(content: Content, routine_id: str) -> bool:
    """Whether a routine is the gentle plan."""
    routine = content.routines.get(base_id(routine_id))
    return routine is not None and routine.gentle
