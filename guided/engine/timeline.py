"""A routine expanded into its timeline: every beat the live session shows, with its duration.

The timeline is pure data computed from content, the user's level and the pacing; sessions with
the same inputs share one timeline, so a live session costs a few fields, not a copy of it.
(A *plan* is something else: the gentle plan or the normal plan a person follows.)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from guided.engine.progression import Range

TIMED_HOLD_TICK_SECONDS = 5  # a timed hold updates its message every 5 s: a breath, not a tick


class Direction(StrEnum):
    """How one timeline's doses stand against another's (see `compare`)."""

    HARDER = "harder"  # some number grew and none fell
    EASIER = "easier"  # some number fell and none grew
    SAME = "same"  # every number is equal
    # Some grew and some fell. Levels of one routine never do this (every range only grows),
    # but a timeline built before an author changed the ranges can differ from today's both ways.
    MIXED = "mixed"


class BeatKind(StrEnum):
    """What a beat shows on the live message."""

    INTRO = "intro"  # the picture and steps; waits for Ready, or its countdown
    INHALE = "inhale"
    EXHALE = "exhale"
    TIMED_HOLD = "timed_hold"  # an exercise held still for seconds: seconds left
    SWITCH = "switch"  # switch sides
    REST = "rest"  # rest between rounds of one exercise
    NEXT = "next"  # rest before the next exercise
    DONE = "done"


@dataclass(frozen=True)
class Dose:
    """An exercise's dose: how much of what, how many rounds, one side or both, and the time to
    get into position (real seconds before scaling: the countdown if Ready is not pressed)."""

    unit: str  # "breaths", "seconds" or "reps"
    amount: Range
    rounds: Range
    per_side: bool
    rest_seconds: int
    get_ready: float = 20.0  # before the exercise (content: longer when the position changes)
    switch_sides: float = 12.0  # before the second side


@dataclass(frozen=True)
class Pace:
    """Timing shared by a routine, in real seconds before scaling."""

    inhale: float = 4.0
    exhale: float = 6.0
    rest_between: float = 15.0


@dataclass(frozen=True, slots=True)
class Beat:
    """One state of the live message and how long it lasts."""

    kind: BeatKind
    item: int  # index of the exercise within the routine
    duration: float
    round: int = 0
    rounds: int = 0
    side: int = 0  # 0: both/none, 1: first side, 2: second side
    count: int = 0  # breath or rep number, or seconds left in a timed hold
    total: int = 0  # breaths or reps per round, or seconds of a timed hold
    checkpoint: bool = False  # where a resumed session restarts after a restart


@dataclass(frozen=True)
class Timeline:
    """The beats of a whole session and the doses chosen for this level."""

    beats: tuple[Beat, ...]
    amounts: tuple[int, ...]  # per item: breaths/seconds/reps per round at this level
    rounds: tuple[int, ...]  # per item: rounds at this level

    def next_item_start(self, index: int) -> int:
        """The index of the next exercise's intro after beat `index`, or of the final beat."""
        current = self.beats[index].item
        for position in range(index + 1, len(self.beats)):
            beat = self.beats[position]
            if beat.kind is BeatKind.DONE or (beat.kind is BeatKind.INTRO and beat.item != current):
                return position
        return len(self.beats) - 1

    def restart_point(self, index: int) -> int:
        """Where a paused session starts again so that nothing is cut short: the beat `index`
        itself, or the start of its breath (the inhale) or of its timed hold (the first tick)."""
        index = max(0, min(index, len(self.beats) - 1))
        beat = self.beats[index]
        if beat.kind is BeatKind.EXHALE and index > 0:
            return index - 1
        if beat.kind is BeatKind.TIMED_HOLD:
            while index > 0 and _same_timed_hold(self.beats[index - 1], beat):
                index -= 1
        return index

    def checkpoint_before(self, index: int) -> int:
        """The last checkpoint at or before `index` (where to resume after a restart)."""
        for position in range(min(index, len(self.beats) - 1), -1, -1):
            if self.beats[position].checkpoint:
                return position
        return 0

    def seconds_total(self) -> float:
        """The session's length as timed."""
        return sum(beat.duration for beat in self.beats)

    def position_after(self, index: int, seconds: float) -> tuple[int, float]:
        """Where a session that began beat `index` `seconds` ago is now, with no pause: the beat
        and how far into it (the final beat, 0.0, once the time is past the end)."""
        left = max(0.0, seconds)
        for position in range(max(0, index), len(self.beats) - 1):
            duration = self.beats[position].duration
            if left < duration:
                return position, left
            left -= duration
        return len(self.beats) - 1, 0.0


def _same_timed_hold(earlier: Beat, beat: Beat) -> bool:
    return (
        earlier.kind is BeatKind.TIMED_HOLD
        and (earlier.item, earlier.round, earlier.side) == (beat.item, beat.round, beat.side)
        and earlier.count > beat.count
    )


def _one_round(
    dose: Dose, amount: int, item: int, rnd: int, rounds: int, side: int, pace: Pace, scale: float
) -> list[Beat]:
    """The beats of one round on one side: the ticks of a timed hold, or a breath in and out
    for each breath or repetition."""
    if dose.unit == "seconds":
        beats = []
        for left in range(amount, 0, -TIMED_HOLD_TICK_SECONDS):
            beats.append(
                Beat(
                    BeatKind.TIMED_HOLD,
                    item,
                    min(TIMED_HOLD_TICK_SECONDS, left) * scale,
                    rnd,
                    rounds,
                    side,
                    left,
                    amount,
                )
            )
        return beats
    beats = []
    for number in range(1, amount + 1):
        beats.append(
            Beat(BeatKind.INHALE, item, pace.inhale * scale, rnd, rounds, side, number, amount)
        )
        beats.append(
            Beat(BeatKind.EXHALE, item, pace.exhale * scale, rnd, rounds, side, number, amount)
        )
    return beats


@lru_cache(maxsize=256)
def build_timeline(
    doses: tuple[Dose, ...], level: int, levels: int, pace: Pace, scale: float
) -> Timeline:
    """Expand a routine's doses at a level into beats (cached: sessions share their timeline)."""
    beats: list[Beat] = []
    amounts: list[int] = []
    rounds_list: list[int] = []
    for item, dose in enumerate(doses):
        amount = dose.amount.at(level, levels)
        rounds = dose.rounds.at(level, levels)
        amounts.append(amount)
        rounds_list.append(rounds)
        beats.append(
            Beat(
                BeatKind.INTRO,
                item,
                dose.get_ready * scale,
                0,
                rounds,
                0,
                0,
                amount,
                checkpoint=True,
            )
        )
        sides = (1, 2) if dose.per_side else (0,)
        for rnd in range(1, rounds + 1):
            for side in sides:
                if side == 2:
                    beats.append(
                        Beat(
                            BeatKind.SWITCH,
                            item,
                            dose.switch_sides * scale,
                            rnd,
                            rounds,
                            side,
                            0,
                            amount,
                            checkpoint=True,
                        )
                    )
                elif rnd > 1:
                    beats.append(
                        Beat(
                            BeatKind.REST,
                            item,
                            dose.rest_seconds * scale,
                            rnd,
                            rounds,
                            side,
                            0,
                            amount,
                            checkpoint=True,
                        )
                    )
                beats.extend(_one_round(dose, amount, item, rnd, rounds, side, pace, scale))
        if item < len(doses) - 1:
            beats.append(
                Beat(BeatKind.NEXT, item, pace.rest_between * scale, rounds, rounds, 0, 0, amount)
            )
    beats.append(Beat(BeatKind.DONE, len(doses) - 1, 0.0, checkpoint=True))
    return Timeline(tuple(beats), tuple(amounts), tuple(rounds_list))


@dataclass(frozen=True)
class Change:
    """What differs from one timeline to the next, in the numbers the user sees."""

    direction: Direction
    raised: tuple[int, ...]  # items (indexes) with a number that grew
    lowered: tuple[int, ...]  # items (indexes) with a number that fell

    @property
    def items(self) -> tuple[int, ...]:
        """Every item whose dose changed, in routine order."""
        return tuple(sorted({*self.raised, *self.lowered}))


def compare(old: Timeline, new: Timeline) -> Change:
    """How `new` differs from `old` (two timelines of one routine) in rounds and amounts per
    round.

    Rounds and breaths, seconds or reps are what the user sees and counts; the session's length
    follows from them. Raises ValueError for timelines with different numbers of items.
    """
    if len(old.amounts) != len(new.amounts):
        raise ValueError(
            f"timelines of different routines: {len(old.amounts)} and {len(new.amounts)} items"
        )
    raised: list[int] = []
    lowered: list[int] = []
    pairs = zip(old.amounts, old.rounds, new.amounts, new.rounds, strict=True)
    for item, (old_amount, old_rounds, new_amount, new_rounds) in enumerate(pairs):
        if new_amount > old_amount or new_rounds > old_rounds:
            raised.append(item)
        if new_amount < old_amount or new_rounds < old_rounds:
            lowered.append(item)
    if raised and lowered:
        direction = Direction.MIXED
    elif raised:
        direction = Direction.HARDER
    elif lowered:
        direction = Direction.EASIER
    else:
        direction = Direction.SAME
    return Change(direction, tuple(raised), tuple(lowered))
