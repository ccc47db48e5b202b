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
    """The data-driven progression rule (content/progression.yaml; the defaults match it).

    Field names match content.schema.Progression: bot.py builds a Rule from its model_dump().
    """

    levels: int = 6
    step_up_after: int = 2  # completed sessions without more pain before one step up
    step_up: int = 1
    step_down_on_pain: int = 2  # further than step_up: a pain report outweighs a good session
    high_after_rating: int = 7  # an after rating this high (0-10) holds the level
    worse_by: int = 2  # ... as does an after rating this much above the check-in


@dataclass(frozen=True)
class Progress:
    """Where a user stands: their level and how many good sessions since the last step."""

    level: int = 0
    good_sessions: int = 0


@dataclass(frozen=True)
class Outcome:
    """What happened in one session, as far as progression cares.

    The ratings are the check-in and after-session answers (0-10), None when not given.
    """

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

    def high_after(self, rule: Rule) -> bool:
        """True when the after rating is high, or well above the check-in (the rule's limits).

        Derived from the ratings rather than stored beside them, so the one caller that builds
        outcomes from the database cannot pass a flag that disagrees with the ratings it has.
        """
        if self.pain_after is None:
            return False
        if self.pain_after >= rule.high_after_rating:
            return True
        return self.pain_before is not None and self.pain_after - self.pain_before >= rule.worse_by


def advance(progress: Progress, outcome: Outcome, rule: Rule) -> Progress:
    """The progress after a session: up after enough good ones, back further after pain.

    Only a pain report lowers the level and only good sessions raise it; a high after rating,
    or any rise in pain over a completed session, holds it and starts the count again.
    """
    top = rule.levels - 1
    # A level stored under a rule with more levels is read as the top of this one.
    level = max(0, min(progress.level, top))
    if outcome.pain_reported:
        return Progress(level=max(0, level - rule.step_down_on_pain), good_sessions=0)
    if outcome.high_after(rule):
        # Not a reason to step back (no pain report), but the back is telling us to wait.
        return Progress(level=level, good_sessions=0)
    if not outcome.completed:
        return Progress(level=level, good_sessions=progress.good_sessions)
    if outcome.pain_increased:
        # A small rise after a full session: no reason to step back, no reason to push on.
        return Progress(level=level, good_sessions=0)
    good = progress.good_sessions + 1
    if level < top and good >= rule.step_up_after:
        return Progress(level=min(top, level + rule.step_up), good_sessions=0)
    # At the top the count stops at the threshold: nothing more to earn, nothing to overflow.
    return Progress(level=level, good_sessions=min(good, rule.step_up_after))
