"""The pose file format (content/poses/*.yaml): validation with errors naming file and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from illustrations.skeleton import SEGMENTS, Pose, solve

View = Literal["side", "front", "top"]
LAYERS = frozenset({"torso", "near_arm", "far_arm", "near_leg", "far_leg"})
DEFAULT_LAYERS: dict[str, tuple[str, ...]] = {
    "side": ("far_leg", "far_arm", "torso", "near_leg", "near_arm"),
    "front": ("torso", "far_leg", "near_leg", "far_arm", "near_arm"),
    "top": ("far_arm", "near_arm", "torso", "far_leg", "near_leg"),
}
# Seen from the side the torso shows its depth; from the front or above, its width.
DEFAULT_TORSO_WIDTH = {"side": (0.19, 0.21), "front": (0.27, 0.33), "top": (0.27, 0.33)}
DEFAULT_TURN = {"side": 1.0, "front": 0.0, "top": 0.0}
# A point: [x, y] in scene units, or [joint, dx, dy] relative to a joint of the still pose.
PointSpec = tuple[float, float] | tuple[str, float, float]


class PoseError(ValueError):
    """A pose file that cannot be drawn; the message names the file, the field and the reason."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KeyframeSpec(_Strict):
    pelvis: tuple[float, float] = (0.0, 0.0)
    back: tuple[float, float] = (90.0, 90.0)
    neck: float = 90.0
    face: float | None = None
    turn: float = Field(ge=0, le=1)
    near_arm: tuple[float, float, float] = (-90.0, -90.0, -90.0)
    far_arm: tuple[float, float, float] = (-90.0, -90.0, -90.0)
    near_leg: tuple[float, float, float] = (-90.0, -90.0, 0.0)
    far_leg: tuple[float, float, float] = (-90.0, -90.0, 0.0)
    shoulders: tuple[float, float] = (0.0, 0.0)
    hips: tuple[float, float] = (0.0, 0.0)
    torso_width: tuple[float, float]
    foreshorten: dict[str, float] = {}
    layers: tuple[str, ...]

    @field_validator("foreshorten")
    @classmethod
    def _known_segments(cls, value: dict[str, float]) -> dict[str, float]:
        for name, part in value.items():
            if name not in SEGMENTS:
                raise ValueError(f"unknown segment {name!r}; one of {sorted(SEGMENTS)}")
            if not 0 < part <= 1:
                raise ValueError(f"{name}: a visible part between 0 and 1, not {part}")
        return value

    @field_validator("layers")
    @classmethod
    def _every_part_once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if sorted(value) != sorted(LAYERS):
            raise ValueError(f"list each of {sorted(LAYERS)} once, back to front")
        return value

    def pose(self) -> Pose:
        return Pose(**self.model_dump())


class PropSpec(_Strict):
    kind: Literal["mat", "chair", "block", "wall"]
    x: float = 0.0  # the centre; with under_hips, the offset from the hips
    width: float = Field(default=0.45, gt=0)
    height: float = Field(default=0.45, gt=0)  # a mat seen from above: its size across
    # A wall is as high as the picture; `x` is its middle and `width` its thickness.
    facing: Literal[1, -1] = 1  # the way the sitter faces: the chair back is behind them
    under_hips: bool = False  # a seat or block set right under the hips of the still pose


class StillSpec(_Strict):
    pose: str
    ghost: str | None = None  # a second pose drawn faintly behind, e.g. the other end of a move


class AnimationSpec(_Strict):
    size: tuple[int, int] = (640, 480)
    fps: int = Field(default=12, ge=4, le=25)
    transition: float = Field(default=1.0, gt=0, le=5)  # seconds from one keyframe to the next
    # [keyframe, seconds held] or [keyframe, seconds held, seconds of the move to the next]; a
    # keyframe held 0 seconds is passed through (a part that turns through the line of sight).
    sequence: list[tuple[str, float] | tuple[str, float, float]] = Field(min_length=2)

    @field_validator("sequence")
    @classmethod
    def _times(
        cls, value: list[tuple[str, float] | tuple[str, float, float]]
    ) -> list[tuple[str, float] | tuple[str, float, float]]:
        for index, entry in enumerate(value):
            if entry[1] < 0:
                raise ValueError(f"{index}: seconds held must be 0 or more, not {entry[1]}")
            if len(entry) == 3 and not 0 < entry[2] <= 5:
                raise ValueError(f"{index}: seconds of the move must be above 0 and at most 5")
        if all(entry[1] == 0 for entry in value):
            raise ValueError("hold at least one keyframe for more than 0 seconds")
        return value


class PoseFile(_Strict):
    view: View = "side"
    facing: Literal["right", "left"] = "right"  # left: drawn mirrored, the person's left is near
    size: tuple[int, int] = (1024, 768)
    props: list[PropSpec] = []
    keyframes: dict[str, KeyframeSpec] = Field(min_length=1)
    still: StillSpec
    arrows: list[list[PointSpec]] = []
    marks: list[PointSpec] = []
    animation: AnimationSpec | None = None

    def pose(self, name: str) -> Pose:
        return self.keyframes[name].pose()


def _inherit(path: Path, keyframes: Any, view: str) -> Any:
    """Expand `like: other` (a keyframe that starts as a copy of another) and per-view defaults."""
    if not isinstance(keyframes, dict):
        return keyframes
    resolved: dict[str, Any] = {}

    def expand(name: str, seen: tuple[str, ...]) -> Any:
        raw = keyframes[name]
        if not isinstance(raw, dict) or "like" not in raw:
            return raw
        base_name = raw["like"]
        if base_name not in keyframes:
            raise PoseError(f"{path}: keyframes.{name}.like: unknown keyframe {base_name!r}")
        if base_name in seen:
            raise PoseError(f"{path}: keyframes.{name}.like: a loop through {base_name!r}")
        base = expand(base_name, (*seen, name))
        merged = dict(base) if isinstance(base, dict) else {}
        merged.update({key: value for key, value in raw.items() if key != "like"})
        return merged

    for name in keyframes:
        frame = expand(name, ())
        if isinstance(frame, dict):
            frame = {
                "turn": DEFAULT_TURN[view],
                "torso_width": DEFAULT_TORSO_WIDTH[view],
                "layers": DEFAULT_LAYERS[view],
                **frame,
            }
        resolved[name] = frame
    return resolved


def parse(path: Path, text: str) -> PoseFile:
    """Check one pose file's text; `path` is only used to name the file in errors."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PoseError(f"{path}: not valid YAML ({error})") from None
    if not isinstance(data, dict):
        raise PoseError(f"{path}: expected a mapping with keyframes and still")
    view = data.get("view", "side")
    if view in DEFAULT_TURN:
        data["keyframes"] = _inherit(path, data.get("keyframes"), view)
    try:
        spec = PoseFile.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise PoseError(f"{path}: {where}: {problem['msg']}") from None
    _check_references(path, spec)
    return spec


def load(path: Path) -> PoseFile:
    """Read and check one pose file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PoseError(f"{path}: cannot read ({error.strerror})") from None
    return parse(path, text)


def _check_references(path: Path, spec: PoseFile) -> None:
    """Keyframe and joint names used elsewhere in the file must exist."""
    wanted = [("still.pose", spec.still.pose), ("still.ghost", spec.still.ghost)]
    if spec.animation:
        wanted += [
            (f"animation.sequence.{index}", name)
            for index, (name, *_) in enumerate(spec.animation.sequence)
        ]
    for where, name in wanted:
        if name is not None and name not in spec.keyframes:
            raise PoseError(f"{path}: {where}: unknown keyframe {name!r}")
    joints = solve(Pose()).points
    points = [
        (f"arrows.{a}.{p}", point)
        for a, arrow in enumerate(spec.arrows)
        for p, point in enumerate(arrow)
    ]
    points += [(f"marks.{index}", point) for index, point in enumerate(spec.marks)]
    for where, point in points:
        if isinstance(point[0], str) and point[0] not in joints:
            raise PoseError(f"{path}: {where}: unknown joint {point[0]!r}; one of {sorted(joints)}")
    for index, arrow in enumerate(spec.arrows):
        if len(arrow) not in (2, 3):
            raise PoseError(f"{path}: arrows.{index}: 2 points (straight) or 3 (curved)")
