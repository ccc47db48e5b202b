"""How each exercise of a guided session went, one letter per exercise.

The letters are stored in `routine_sessions.item_marks` ("dds-h--": two done, one skipped, ...),
so a resumed session, the summary, /progress and the export read the same record.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Mark(StrEnum):
    """One exercise's outcome; the value is its stored letter."""

    DONE = "d"  # every round and side of it was done
    SKIPPED = "s"  # the person pressed Skip during it
    HURT = "h"  # the session stopped here for pain (It hurts, /pain, warning signs)
    STOPPED = "x"  # the session was stopped here (Stop, /stop, ended after a restart)
    NOT_REACHED = "-"  # not (yet) done: ahead of the session, or on screen now


# What each stored letter means, for readers of the column (the export, /progress).
ITEM_MARKS: dict[str, str] = {
    Mark.DONE.value: "done",
    Mark.SKIPPED.value: "skipped",
    Mark.HURT.value: "hurt",
    Mark.STOPPED.value: "stopped",
    Mark.NOT_REACHED.value: "not reached",
}


def fresh(count: int) -> str:
    """The marks of a session that has not begun: every exercise not reached."""
    return Mark.NOT_REACHED.value * count


def read(stored: str | None, count: int) -> str:
    """Stored marks fitted to `count` exercises (an unknown letter counts as not reached)."""
    letters = [
        letter if letter in ITEM_MARKS else Mark.NOT_REACHED.value for letter in stored or ""
    ]
    return "".join(letters[:count]).ljust(count, Mark.NOT_REACHED.value)


def resumed(stored: str | None, count: int, item: int) -> str:
    """The stored marks of a session resumed at exercise `item` after a restart: from it on,
    not reached (those exercises are done anew)."""
    return read(read(stored, count)[:item], count)


def played(stored: str | None, count: int, items: Iterable[int]) -> str:
    """The stored marks with `items` done where not yet marked: exercises a track played to
    their end while the bot was down."""
    marks = read(stored, count)
    for item in items:
        if 0 <= item < count and marks[item] == Mark.NOT_REACHED:
            marks = put(marks, item, Mark.DONE)
    return marks


def put(marks: str, item: int, mark: Mark) -> str:
    """The marks with one exercise's letter replaced."""
    if not 0 <= item < len(marks):
        return marks
    return marks[:item] + mark.value + marks[item + 1 :]


def ended_here(marks: str, item: int, mark: Mark) -> str:
    """The marks after the session ended on this exercise for a reason (HURT or STOPPED).

    Pain always marks the exercise on screen, even one just finished: the pain is about it, so
    it never keeps its ✓. A plain stop leaves a finished or skipped exercise as it was.
    """
    current = marks[item] if 0 <= item < len(marks) else Mark.NOT_REACHED.value
    if mark is Mark.HURT or current in (Mark.NOT_REACHED.value, Mark.STOPPED.value):
        return put(marks, item, mark)
    return marks


def count(marks: str, mark: Mark) -> int:
    """How many exercises have this mark."""
    return marks.count(mark.value)


def every_exercise_done(stored: str | None) -> bool:
    """Whether a completed session did every exercise (sessions stored before the marks
    existed count as they did then: completed is done)."""
    return stored is None or set(stored) <= {Mark.DONE.value}
