"""A routine adapted to one person: after an exercise hurt, its easier variant, or left out.

The adaptation travels in the routine id stored with the session, "quick~1e2o" (item 1 of
"quick" in its easier variant, item 2 left out), so a session resumed after a restart shows
the same plan. What happens to an exercise is the content's choice (`after_pain`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import TYPE_CHECKING

from content.schema import RoutineItem

if TYPE_CHECKING:
    from content import Content

SEPARATOR = "~"
EASIER, LEFT_OUT = "e", "o"
CHANGES = {"easier": EASIER, "leave_out": LEFT_OUT}
_SUFFIX = re.compile(r"(?:[0-9]{1,2}[eo])+")


def base_id(routine_id: str) -> str:
    """The content routine an adapted id is made from ("quick~1e" -> "quick")."""
    return routine_id.split(SEPARATOR, 1)[0]


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
        items.append(item.model_copy(update={"variant": "easier"}) if change == EASIER else item)
    return items or None


def adapt(content: Content, routine_id: str, hurt: Collection[str]) -> str:
    """The routine id with each exercise that hurt made easier or left out (content decides).

    Items already in their easier variant stay as they are; at least one item always remains.
    """
    routine_id = base_id(routine_id)
    routine = content.routines[routine_id]
    changes: dict[int, str] = {}
    for index, item in enumerate(routine.items):
        if item.exercise in hurt:
            change = CHANGES[content.exercises[item.exercise].after_pain]
            if change == EASIER and item.variant == "easier":
                continue
            changes[index] = change
    if changes and all(changes.get(i) == LEFT_OUT for i in range(len(routine.items))):
        changes = {i: EASIER for i in changes}  # never an empty routine
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
