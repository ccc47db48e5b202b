"""The figure's skeleton: segment directions in, joint positions out (forward kinematics)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

Point = tuple[float, float]

# Segment lengths in scene units (about metres for a 1.7 m adult).
LENGTHS: dict[str, float] = {
    "lower_back": 0.24,
    "upper_back": 0.30,
    "neck": 0.11,
    "upper_arm": 0.26,
    "forearm": 0.22,
    "hand": 0.11,
    "thigh": 0.44,
    "shin": 0.42,
    "foot": 0.14,
}
HEAD_RADIUS = 0.115
SIDES = ("near", "far")
ARM = ("upper_arm", "forearm", "hand")
LEG = ("thigh", "shin", "foot")
ARM_JOINTS = ("shoulder", "elbow", "wrist", "fingers")
LEG_JOINTS = ("hip", "knee", "ankle", "toe")
# Every segment a pose file may foreshorten, e.g. "near_thigh" or "upper_back".
SEGMENTS = frozenset(
    ["lower_back", "upper_back", "neck"]
    + [f"{side}_{part}" for side in SIDES for part in ARM + LEG]
)


def toward(origin: Point, degrees: float, length: float) -> Point:
    """The point `length` away from origin in a direction (0 = right, 90 = up)."""
    radians = math.radians(degrees)
    return origin[0] + length * math.cos(radians), origin[1] + length * math.sin(radians)


def _angle_between(a: float, b: float, t: float) -> float:
    """Interpolate an angle the short way round."""
    return a + ((b - a + 180) % 360 - 180) * t


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def _lerp_point(a: Point, b: Point, t: float) -> Point:
    return _lerp(a[0], b[0], t), _lerp(a[1], b[1], t)


@dataclass(frozen=True)
class Pose:
    """One key pose: the absolute direction of every segment (degrees: 0 = right, 90 = up).

    The figure faces right. `near_*` limbs are on the viewer's side and drawn darker.
    """

    pelvis: Point = (0.0, 0.0)
    back: tuple[float, float] = (90.0, 90.0)  # lower back (pelvis to waist), upper back
    neck: float = 90.0
    face: float | None = None  # where the nose points; None: at right angles to the neck
    turn: float = 1.0  # how far the face is turned from the viewer: 0 facing us, 1 in profile
    near_arm: tuple[float, float, float] = (-90.0, -90.0, -90.0)
    far_arm: tuple[float, float, float] = (-90.0, -90.0, -90.0)
    near_leg: tuple[float, float, float] = (-90.0, -90.0, 0.0)
    far_leg: tuple[float, float, float] = (-90.0, -90.0, 0.0)
    shoulders: Point = (0.0, 0.0)  # near shoulder minus far shoulder (a front view: width)
    hips: Point = (0.0, 0.0)  # near hip joint minus far hip joint
    torso_width: tuple[float, float] = (0.19, 0.21)  # at the pelvis and at the chest
    foreshorten: Mapping[str, float] = field(default_factory=dict)  # segment -> visible part
    layers: tuple[str, ...] = ("far_leg", "far_arm", "torso", "near_leg", "near_arm")

    def face_direction(self) -> float:
        return self.neck - 90.0 if self.face is None else self.face

    def blend(self, other: Pose, t: float) -> Pose:
        """The pose a fraction t of the way to `other` (positions and angles interpolated)."""

        def pair(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
            return _angle_between(a[0], b[0], t), _angle_between(a[1], b[1], t)

        def limb(
            a: tuple[float, float, float], b: tuple[float, float, float]
        ) -> tuple[float, float, float]:
            return (*pair((a[0], a[1]), (b[0], b[1])), _angle_between(a[2], b[2], t))

        shortened = {
            name: _lerp(self.foreshorten.get(name, 1.0), other.foreshorten.get(name, 1.0), t)
            for name in set(self.foreshorten) | set(other.foreshorten)
        }
        return replace(
            self,
            pelvis=_lerp_point(self.pelvis, other.pelvis, t),
            back=pair(self.back, other.back),
            neck=_angle_between(self.neck, other.neck, t),
            face=_angle_between(self.face_direction(), other.face_direction(), t),
            turn=_lerp(self.turn, other.turn, t),
            near_arm=limb(self.near_arm, other.near_arm),
            far_arm=limb(self.far_arm, other.far_arm),
            near_leg=limb(self.near_leg, other.near_leg),
            far_leg=limb(self.far_leg, other.far_leg),
            shoulders=_lerp_point(self.shoulders, other.shoulders, t),
            hips=_lerp_point(self.hips, other.hips, t),
            torso_width=(
                _lerp(self.torso_width[0], other.torso_width[0], t),
                _lerp(self.torso_width[1], other.torso_width[1], t),
            ),
            foreshorten=shortened,
            # Which limb is in front cannot be half-way: it switches at the middle.
            layers=self.layers if t < 0.5 else other.layers,
        )


@dataclass(frozen=True)
class Joints:
    """Joint positions of a posed figure, plus the pose they came from (for drawing)."""

    points: dict[str, Point]
    pose: Pose

    def __getitem__(self, name: str) -> Point:
        return self.points[name]

    def shifted(self, dx: float, dy: float) -> Joints:
        moved = {name: (x + dx, y + dy) for name, (x, y) in self.points.items()}
        return Joints(moved, self.pose)


def segment_length(pose: Pose, segment: str) -> float:
    """The drawn (projected) length of a segment: its true length times its foreshortening."""
    part = segment.removeprefix("near_").removeprefix("far_")
    return LENGTHS[part] * pose.foreshorten.get(segment, 1.0)


def solve(pose: Pose) -> Joints:
    """Forward kinematics from the pelvis outwards; segment lengths never change."""
    p: dict[str, Point] = {"pelvis": pose.pelvis}
    p["waist"] = toward(pose.pelvis, pose.back[0], segment_length(pose, "lower_back"))
    p["chest"] = toward(p["waist"], pose.back[1], segment_length(pose, "upper_back"))
    p["neck"] = toward(p["chest"], pose.neck, segment_length(pose, "neck"))
    p["head"] = toward(p["neck"], pose.neck, HEAD_RADIUS * 0.9)
    for side, sign in (("near", 0.5), ("far", -0.5)):
        root = (p["chest"][0] + sign * pose.shoulders[0], p["chest"][1] + sign * pose.shoulders[1])
        arm = pose.near_arm if side == "near" else pose.far_arm
        _chain(p, pose, side, root, ARM, ARM_JOINTS, arm)
        root = (pose.pelvis[0] + sign * pose.hips[0], pose.pelvis[1] + sign * pose.hips[1])
        leg = pose.near_leg if side == "near" else pose.far_leg
        _chain(p, pose, side, root, LEG, LEG_JOINTS, leg)
    return Joints(p, pose)


def _chain(
    points: dict[str, Point],
    pose: Pose,
    side: str,
    root: Point,
    segments: tuple[str, ...],
    joints: tuple[str, ...],
    directions: tuple[float, ...],
) -> None:
    points[f"{side}_{joints[0]}"] = root
    for segment, joint, direction in zip(segments, joints[1:], directions, strict=True):
        root = toward(root, direction, segment_length(pose, f"{side}_{segment}"))
        points[f"{side}_{joint}"] = root


def limb_segments(side: str, limb: str) -> list[tuple[str, str, str]]:
    """(segment, start joint, end joint) along a limb, e.g. near_thigh, near_hip, near_knee."""
    segments, joints = (ARM, ARM_JOINTS) if limb == "arm" else (LEG, LEG_JOINTS)
    return [
        (f"{side}_{segment}", f"{side}_{start}", f"{side}_{end}")
        for segment, start, end in zip(segments, joints, joints[1:], strict=False)
    ]
