"""Typed models of the content files; a mistake is reported with its file, field and reason."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, model_validator


def _languages(info: ValidationInfo) -> set[str]:
    context = info.context or {}
    return set(context.get("languages", ()))


def _check_text(value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
    expected = _languages(info)
    missing, extra = expected - set(value), set(value) - expected
    if missing:
        raise ValueError(f"missing language(s): {', '.join(sorted(missing))}")
    if extra:
        raise ValueError(f"unknown language(s): {', '.join(sorted(extra))}")
    empty = [code for code, text in value.items() if not text.strip()]
    if empty:
        raise ValueError(f"empty text for {', '.join(sorted(empty))}")
    return value


def _check_list(value: dict[str, list[str]], info: ValidationInfo) -> dict[str, list[str]]:
    expected = _languages(info)
    missing, extra = expected - set(value), set(value) - expected
    if missing:
        raise ValueError(f"missing language(s): {', '.join(sorted(missing))}")
    if extra:
        raise ValueError(f"unknown language(s): {', '.join(sorted(extra))}")
    lengths = {code: len(items) for code, items in value.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{code}: {n}" for code, n in sorted(lengths.items()))
        raise ValueError(f"lists differ in length between languages ({detail})")
    if any(not items for items in value.values()):
        raise ValueError("must not be empty")
    if any(not item.strip() for items in value.values() for item in items):
        raise ValueError("contains an empty line")
    return value


Text = Annotated[dict[str, str], AfterValidator(_check_text)]
TextList = Annotated[dict[str, list[str]], AfterValidator(_check_list)]
Position = Literal["standing", "sitting", "kneeling", "lying"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DoseRange(Strict):
    """A count that progression moves from `start` up to `max`."""

    start: int = Field(ge=1)
    max: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> DoseRange:
        if self.start > self.max:
            raise ValueError(f"start must be <= max ({self.start} > {self.max})")
        return self


class Dose(Strict):
    """Exactly one of breaths, seconds or reps per hold; rounds; one side or both; rest."""

    breaths: DoseRange | None = None
    seconds: DoseRange | None = None
    reps: DoseRange | None = None
    rounds: DoseRange = DoseRange(start=1, max=1)
    per_side: bool = False
    rest_seconds: int = Field(default=10, ge=0, le=300)

    @model_validator(mode="after")
    def _one_unit(self) -> Dose:
        given = [name for name in ("breaths", "seconds", "reps") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of breaths, seconds or reps "
                f"(found: {', '.join(given) or 'none'})"
            )
        return self

    @property
    def unit(self) -> str:
        return next(name for name in ("breaths", "seconds", "reps") if getattr(self, name))

    @property
    def amount(self) -> DoseRange:
        value = getattr(self, self.unit)
        assert isinstance(value, DoseRange)
        return value


class Breathing(Strict):
    """Cues for each phase of the breath, and for holding."""

    inhale: Text
    exhale: Text
    hold: Text


class Variant(Strict):
    """An easier or harder version of an exercise."""

    title: Text
    steps: TextList
    picture: str | None = None


class Exercise(Strict):
    """One exercise of the library."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    order: int = Field(ge=1)
    title: Text
    purpose: Text
    position: Position
    movement: bool = False
    steps: TextList
    dose: Dose
    breathing: Breathing
    cautions: TextList
    easier: Variant | None = None
    harder: Variant | None = None
    picture: str
    animation: str | None = None

    @model_validator(mode="after")
    def _movement_has_animation(self) -> Exercise:
        if self.movement and not self.animation:
            raise ValueError("a movement exercise needs an animation")
        return self


class Pace(Strict):
    """A routine's timing, in seconds."""

    inhale_seconds: float = Field(default=4, gt=0, le=30)
    exhale_seconds: float = Field(default=6, gt=0, le=30)
    get_ready_seconds: float = Field(default=10, ge=0, le=120)
    switch_sides_seconds: float = Field(default=5, ge=0, le=60)
    rest_between_seconds: float = Field(default=15, ge=0, le=300)


class RoutineItem(Strict):
    """An exercise in a routine, with optional dose overrides."""

    exercise: str
    rounds: DoseRange | None = None
    breaths: DoseRange | None = None
    seconds: DoseRange | None = None
    reps: DoseRange | None = None

    def amount_override(self) -> DoseRange | None:
        return self.breaths or self.seconds or self.reps


class Routine(Strict):
    """A sequence of exercises done in one guided session."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    order: int = Field(ge=1)
    title: Text
    description: Text
    minutes: int = Field(ge=1, le=120)
    pace: Pace = Pace()
    items: list[RoutineItem] = Field(min_length=1)


class Language(Strict):
    """A language the bot speaks."""

    name: str
    native: str


class Languages(Strict):
    """content/languages.yaml."""

    default: str
    languages: dict[str, Language] = Field(min_length=1)

    @model_validator(mode="after")
    def _default_listed(self) -> Languages:
        if self.default not in self.languages:
            raise ValueError(f"default language {self.default!r} is not in the list")
        return self


class Progression(Strict):
    """content/progression.yaml: how doses grow from start to max."""

    levels: int = Field(default=6, ge=2, le=20)
    step_up_after: int = Field(default=1, ge=1, le=10)
    step_up: int = Field(default=1, ge=1)
    step_down_on_pain: int = Field(default=1, ge=1)
