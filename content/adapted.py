"""A routine adapted to one person: after an exercise hurt, its easier variant, or left out.

The adaptation travels in the routine id stored with the session, "quick~1e2o" (item 1 of
"quick" in its easier variant, item 2 left out), so a session resumed after a restart shows
the same plan. What happens to an exercise is decided when it hurt (`change_after_pain`): the
content's choice (`after_pain`), or left out if it hurt in its easier version already.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from content.schema import Exercise, RoutineItem

if TYPE_CHECKING:
    from content import Content

Change = Literal["easier", "leave_out"]
SEPARATOR = "~"
EASIER, LEFT_OUT = "e", "o"
CHANGES: dict[str, str] = {"easier": EASIER, "leave_out": LEFT_OUT}
_SUFFIX = re.compile(r"(?:[0-9]{1,2}[eo])+")


def base_id(routine_id: str) -> str:
    """The content routine an adapted id is made from ("quick~1e" -> "quick")."""
    return routine_id.split(SEPARATOR, 1)[0]


def change_after_pain(exercise: Exercise, item: RoutineItem) -> Change:
    """What the person's routines do with an exercise for a while after it hurt in this item.

    Its easier version, if the content says so and that is not what hurt; an easier version
    that hurt has nothing gentler to give way to, so it is left out.
    """
    if item.variant == "easier":
        return "leave_out"
    return exercise.after_pain


def shown(item: RoutineItem, exercise: Exercise) -> RoutineItem:
    """The item as the session shows it: in its easier variant, the variant's smaller dose
    fills in what the item itself does not override."""
    dose = exercise.easier.dose
    if item.variant != "easier" or dose is None:
        return item
    update: dict[str, object] = {}
    if item.rounds is None and dose.rounds is not None:
        update["rounds"] = dose.rounds
    unit = dose.overridden_unit()
    if unit is not None and item.amount_override() is None:
        update[unit] = dose.amount_override()
    return item.model_copy(update=update) if update else item


def _changes(routine_id: str) -> dict[int, str] | None:
    """Item index -> e | o; None for a malformed suffix."""
    if SEPARATOR not in routine_id:
        return {}
    suffix = routine_id.split(SEPARATOR, 1)[1]
    if not _SUFFIX.fullmatch(suffix):
        return None
    return {int(index): change for index, change in re.findall(r"([0-9]{1,2})([eo])", suffix)}


def adapted_items(content: Content, routine_id: str) -> list[RoutineItem] | None:
    """The items of a routine, adapted; None if the routine or its adaptation is unknown."""
    routine = content.routines.get(base_id(routine_id))
    changes = _changes(routine_id)
    if routine is None or changes is None or any(i >= len(routine.items) for i in changes):
        return None
    items = []
    for index, item in enumerate(routine.items):
        change = changes.get(index)
        if change == LEFT_OUT:
            continue
        if change == EASIER:
            item = item.model_copy(update={"variant": "easier"})
        exercise = content.exercises.get(item.exercise)
        items.append(shown(item, exercise) if exercise is not None else item)
    return items or None


def adapt(content: Content, routine_id: str, hurt: Mapping[str, str]) -> str:
    """The routine id with each exercise that hurt changed as decided then (exercise id ->
    "easier" | "leave_out", see change_after_pain).

    Items already in their easier variant stay as they are unless left out; at least one item
    always remains.
    """
    routine_id = base_id(routine_id)
    routine = content.routines[routine_id]
    changes: dict[int, str] = {}
    for index, item in enumerate(routine.items):
        decided = hurt.get(item.exercise)
        if decided not in CHANGES:
            continue
        change = CHANGES[decided]
        if change == EASIER and item.variant == "easier":
            continue
        changes[index] = change
    if changes and all(changes.get(i) == LEFT_OUT for i in range(len(routine.items))):
        # Never an empty routine: what would be left out is done in its easier variant instead
        # (an item shown easier already stays as it is: nothing is claimed to change for it).
        changes = {i: EASIER for i in changes if routine.items[i].variant != "easier"}
    if not changes:
        return routine_id
    return routine_id + SEPARATOR + "".join(f"{i}{c}" for i, c in sorted(changes.items()))


def adaptations(content: Content, routine_id: str) -> list[tuple[str, str]]:
    """(exercise id, "easier" | "leave_out") for each change in an adapted routine id."""
    routine = content.routines.get(base_id(routine_id))
    changes = _changes(routine_id) or {}
    if routine is None:
        return []
    names = {EASIER: "easier", LEFT_OUT: "leave_out"}
    return [
        (routine.items[i].exercise, names[c])
        for i, c in sorted(changes.items())
        if i < len(routine.items)
    ]
