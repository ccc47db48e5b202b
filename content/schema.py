"""Typed models of the content files; a mistake is reported with its file, field and reason."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from content.fields import (
    AnimationName,
    Identifier,
    NonEmptyText,
    PictureName,
    Strict,
    Text,
    TextList,
    invalid,
)

Position = Literal["standing", "sitting", "kneeling", "lying"]
DOSE_UNITS = ("breaths", "seconds", "reps")
# How demanding an exercise or a version of it is, from 1 (breathing, fully supported) up; only
# the order matters: an easier version ranks below its exercise, a harder one above.
Difficulty = Annotated[int, Field(ge=1, le=10)]


# Doses ----------------------------------------------------------------------------------------


class DoseRange(Strict):
    """A count that progression moves from `start` (a first session) up to `max`."""

    start: int = Field(ge=1, le=1000)
    max: int = Field(ge=1, le=1000)

    @model_validator(mode="after")
    def _ordered(self) -> DoseRange:
        if self.start > self.max:
            raise invalid(f"must be <= max ({self.start} > {self.max})", at="start")
        return self


class Dose(Strict):
    """Exactly one of breaths, seconds or reps per hold; rounds; one side or both; rest."""

    breaths: DoseRange | None = None
    seconds: DoseRange | None = None
    reps: DoseRange | None = None
    rounds: DoseRange = DoseRange(start=1, max=1)
    per_side: bool = False
    rest_seconds: int = Field(default=10, ge=0, le=300)  # between rounds and between sides

    @model_validator(mode="after")
    def _one_unit(self) -> Dose:
        given = [unit for unit in DOSE_UNITS if getattr(self, unit) is not None]
        if len(given) != 1:
            raise invalid(
                "give exactly one of breaths, seconds or reps "
                f"(found: {', '.join(given) or 'none'})"
            )
        return self

    @property
    def unit(self) -> str:
        """ "breaths", "seconds" or "reps"."""
        return next(unit for unit in DOSE_UNITS if getattr(self, unit) is not None)

    @property
    def amount(self) -> DoseRange:
        """The range of the dose's unit (breaths, seconds or reps per hold)."""
        value = getattr(self, self.unit)
        assert isinstance(value, DoseRange)
        return value


# Exercises ------------------------------------------------------------------------------------

# A person needs at least this long to come back from one side and settle on the other.
MIN_SWITCH_SECONDS = 10


class GetReady(Strict):
    """Time to get into position, in seconds: how long a session waits before starting the
    exercise if Ready is not pressed, and before its second side."""

    same_position: float = Field(default=20, ge=5, le=300)  # after an exercise in this position
    # Before the first exercise, and after one in another position (kneeling to lying).
    new_position: float = Field(default=40, ge=5, le=300)
    switch_sides: float = Field(default=12, le=120)

    @field_validator("switch_sides")
    @classmethod
    def _time_to_switch(cls, value: float) -> float:
        if value < MIN_SWITCH_SECONDS:
            raise invalid(
                f"must be at least {MIN_SWITCH_SECONDS} seconds: time to come back slowly and "
                f"settle on the other side (got {value:g})"
            )
        return value

    @model_validator(mode="after")
    def _moving_takes_longer(self) -> GetReady:
        if self.new_position < self.same_position:
            raise invalid(
                "must be at least same_position: changing position takes longer "
                f"({self.new_position:g} < {self.same_position:g})",
                at="new_position",
            )
        return self


class Breathing(Strict):
    """Short cues shown with each phase of the breath, and during a hold."""

    inhale: Text
    exhale: Text
    hold: Text


class Amounts(Strict):
    """Dose ranges that replace an exercise's own: rounds, and at most one of its units."""

    rounds: DoseRange | None = None
    breaths: DoseRange | None = None
    seconds: DoseRange | None = None
    reps: DoseRange | None = None

    @model_validator(mode="after")
    def _one_unit(self) -> Amounts:
        given = [unit for unit in DOSE_UNITS if getattr(self, unit) is not None]
        if len(given) > 1:
            raise invalid(
                f"override at most one of breaths, seconds or reps (found: {', '.join(given)})"
            )
        return self

    def amount_override(self) -> DoseRange | None:
        """The overridden breaths, seconds or reps, if any."""
        return self.breaths or self.seconds or self.reps

    def overridden_unit(self) -> str | None:
        """Which of breaths, seconds or reps this overrides, if any."""
        return next((unit for unit in DOSE_UNITS if getattr(self, unit) is not None), None)


class Variant(Strict):
    """A harder version of an exercise (shown in the library)."""

    title: Text
    steps: TextList
    # Checked by Exercise: every version has a picture of its own (see _pictures).
    picture: PictureName | None = None
    difficulty: Difficulty


class EasierVariant(Variant):
    """The easier version: shown in the library, in the gentle plan and after an exercise hurt,
    so it has its own breathing cues and, optionally, a smaller dose."""

    breathing: Breathing
    dose: Amounts | None = None  # the exercise's unit; never more than the exercise's own


class Exercise(Strict):
    """One exercise of the library."""

    id: Identifier
    order: int = Field(ge=1)
    title: Text
    purpose: Text
    position: Position
    movement: bool
    steps: TextList
    dose: Dose
    get_ready: GetReady = GetReady()
    breathing: Breathing
    cautions: TextList
    difficulty: Difficulty
    easier: EasierVariant
    harder: Variant | None = None  # where a harder version makes sense
    # After the user says this exercise hurt (a session stopped for pain), for a while their
    # routines show its easier variant ("easier") or leave it out ("leave_out").
    after_pain: Literal["easier", "leave_out"] = "easier"
    picture: PictureName
    animation: AnimationName | None = None

    @model_validator(mode="after")
    def _movement_has_animation(self) -> Exercise:
        if self.movement and self.animation is None:
            raise invalid("required for a movement exercise (movement: true)", at="animation")
        return self

    @model_validator(mode="after")
    def _easier_is_easier(self) -> Exercise:
        if self.easier.difficulty >= self.difficulty:
            raise invalid(
                f"must be lower than the exercise's difficulty ({self.easier.difficulty} >= "
                f"{self.difficulty}): an easier version must be a gentler movement or a "
                "smaller dose, never the same or harder",
                at="easier.difficulty",
            )
        if self.harder is not None and self.harder.difficulty <= self.difficulty:
            raise invalid(
                f"must be higher than the exercise's difficulty ({self.harder.difficulty} <= "
                f"{self.difficulty})",
                at="harder.difficulty",
            )
        return self

    @model_validator(mode="after")
    def _easier_has_its_own_cues(self) -> Exercise:
        # The breath-in and breath-out cues say what the body does; an easier version moves
        # differently, so a cue copied from the exercise would ask for the harder movement.
        for phase in ("inhale", "exhale"):
            own, easier = getattr(self.breathing, phase), getattr(self.easier.breathing, phase)
            same = sorted(code for code, cue in easier.items() if own.get(code) == cue)
            if same:
                raise invalid(
                    f"the same as the exercise's own {phase} cue ({', '.join(same)}): "
                    "write what the easier version does",
                    at=f"easier.breathing.{phase}.{same[0]}",
                )
        return self

    @model_validator(mode="after")
    def _easier_dose_is_not_more(self) -> Exercise:
        dose = self.easier.dose
        if dose is None:
            return self
        unit = dose.overridden_unit()
        if unit is not None and unit != self.dose.unit:
            raise invalid(
                f"the exercise is dosed in {self.dose.unit}, not {unit}", at=f"easier.dose.{unit}"
            )
        for name, smaller, own in (
            ("rounds", dose.rounds, self.dose.rounds),
            (unit or "", dose.amount_override(), self.dose.amount),
        ):
            if smaller is not None and (smaller.start > own.start or smaller.max > own.max):
                raise invalid(
                    f"more than the exercise's own ({smaller.start}-{smaller.max} > "
                    f"{own.start}-{own.max}): the easier version's dose may only be smaller",
                    at=f"easier.dose.{name}",
                )
        return self

    @model_validator(mode="after")
    def _every_version_has_its_own_picture(self) -> Exercise:
        own = {self.picture, self.animation}
        for where, variant in (("easier", self.easier), ("harder", self.harder)):
            if variant is None:
                continue
            if variant.picture is None:
                raise invalid(
                    f"missing: the {where} version needs a picture of its own that shows its "
                    f"steps (draw content/poses/{self.id}_{where}.yaml with make pictures)",
                    at=f"{where}.picture",
                )
            if variant.picture in own:
                raise invalid(
                    f"{variant.picture} shows the exercise itself, not its {where} version: "
                    "give the version a picture of its own",
                    at=f"{where}.picture",
                )
        return self

    def cues(self, easier: bool) -> Breathing:
        """The breathing cues of the version shown: the easier version's own, or the exercise's."""
        return self.easier.breathing if easier else self.breathing

    def pictures(self) -> list[tuple[str, str]]:
        """(field, file name) of every picture and animation the exercise shows."""
        named = [("picture", self.picture)]
        if self.animation:
            named.append(("animation", self.animation))
        for where, variant in (("easier", self.easier), ("harder", self.harder)):
            if variant is not None and variant.picture:
                named.append((f"{where}.picture", variant.picture))
        return named


# Routines -------------------------------------------------------------------------------------


class Pace(Strict):
    """A routine's timing, in seconds: breath pacing and rests. The time to get into position
    belongs to each exercise (`get_ready` in content/exercises/)."""

    inhale_seconds: float = Field(default=4, gt=0, le=30)
    exhale_seconds: float = Field(default=6, gt=0, le=30)
    rest_between_seconds: float = Field(default=15, ge=0, le=300)  # between exercises

    @model_validator(mode="before")
    @classmethod
    def _moved_to_exercises(cls, value: object) -> object:
        for name in ("get_ready_seconds", "switch_sides_seconds"):
            if isinstance(value, dict) and name in value:
                raise invalid(
                    "the time to get into position is now set per exercise "
                    "(get_ready: same_position, new_position, switch_sides in "
                    "content/exercises/); remove it here",
                    at=name,
                )
        return value


class RoutineItem(Amounts):
    """An exercise in a routine, with optional overrides of its dose ranges."""

    exercise: str
    # "easier": the session shows the exercise's easier variant (its title, steps, picture,
    # cues, and its smaller dose where it has one and the item overrides none).
    variant: Literal["normal", "easier"] = "normal"


class Routine(Strict):
    """A sequence of exercises done in one guided session."""

    id: Identifier
    order: int = Field(ge=1)
    title: Text
    description: Text
    minutes: int = Field(ge=1, le=120)  # approximate, shown on the routine's button
    pace: Pace = Pace()
    items: list[RoutineItem] = Field(min_length=1)
    # The gentle plan offered after a pain report: not in the /routine choice, always at the
    # lowest doses (progression does not apply), streak frozen while it is in use.
    gentle: bool = False


# Languages and progression --------------------------------------------------------------------


class Language(Strict):
    """A language the bot speaks: its English and its own name."""

    name: NonEmptyText
    native: NonEmptyText


class Languages(Strict):
    """content/languages.yaml."""

    default: str
    languages: dict[str, Language] = Field(min_length=1)

    @field_validator("languages")
    @classmethod
    def _codes(cls, value: dict[str, Language]) -> dict[str, Language]:
        for code in value:
            if not re.fullmatch(r"[a-z]{2,3}", code):
                raise invalid("must be a 2- or 3-letter lowercase code (like en)", at=code)
        return value

    @model_validator(mode="after")
    def _default_listed(self) -> Languages:
        if self.default not in self.languages:
            raise invalid(
                f"{self.default!r} is not one of the languages ({', '.join(self.languages)})",
                at="default",
            )
        return self


class Progression(Strict):
    """content/progression.yaml: how doses grow from start to max, and what moves the level.

    The field names are guided.engine.progression.Rule's (the bot builds its rule from this model).
    """

    levels: int = Field(default=6, ge=2, le=20)
    step_up_after: int = Field(default=2, ge=1, le=10)
    step_up: int = Field(default=1, ge=1, le=19)
    step_down_on_pain: int = Field(default=2, ge=1, le=20)
    high_after_rating: int = Field(default=7, ge=1, le=10)  # ratings run 0-10
    worse_by: int = Field(default=2, ge=1, le=10)

    @model_validator(mode="after")
    def _steps(self) -> Progression:
        if self.step_up > self.levels - 1:
            raise invalid(
                f"must be at most levels - 1 ({self.step_up} > {self.levels - 1})", at="step_up"
            )
        if self.step_down_on_pain <= self.step_up:
            # One pain report must outweigh one good step, or a user could climb through pain.
            raise invalid(
                f"must be more than step_up ({self.step_down_on_pain} <= {self.step_up}): "
                "a pain report steps back further than a good session steps up",
                at="step_down_on_pain",
            )
        return self
