"""Progression: start each dose at the low end, step up after good sessions, back after pain."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Range:
    """A dose count that progression moves between `start` and `top`."""

    start: int
    top: int

    def at(self, level: int, levels: int) -> int:
        """The count at a level (0 = start, levels - 1 = top), rounded to whole numbers."""
        if levels <= 1 or self.top == self.start:
            return self.start
        level = max(0, min(level, levels - 1))
        return self.start + round((self.top - self.start) * level / (levels - 1))


@dataclass(frozen=True)
class Rule:
    """The data-driven progression rule (content/progression.yaml)."""

    levels: int = 6
    step_up_after: int = 1
    step_up: int = 1
    step_down_on_pain: int = 1


@dataclass(frozen=True)
class Progress:
    """Where a user stands: their level and how many good sessions since the last step."""

    level: int = 0
    good_sessions: int = 0


@dataclass(frozen=True)
class Outcome:
    """What happened in one session, as far as progression cares."""

    completed: bool
    pain_reported: bool
    pain_before: int | None = None
    pain_after: int | None = None

    @property
    def pain_increased(self) -> bool:
        """True when the after-session rating is higher than the check-in rating."""
        return (
            self.pain_before is not None
            and self.pain_after is not None
            and self.pain_after > self.pain_before
        )


def advance(progress: Progress, outcome: Outcome, rule: Rule) -> Progress:
    """The progress after a session: up after enough good ones, down after a pain report."""
    top = rule.levels - 1
    if outcome.pain_reported:
        return Progress(level=max(0, progress.level - rule.step_down_on_pain), good_sessions=0)
    if not outcome.completed:
        return progress
    if outcome.pain_increased:
        # Not a reason to step back (no pain report), but no reason to push on either.
        return Progress(level=progress.level, good_sessions=0)
    good = progress.good_sessions + 1
    if good >= rule.step_up_after and progress.level < top:
        return Progress(level=min(top, progress.level + rule.step_up), good_sessions=0)
    return Progress(level=progress.level, good_sessions=good)
