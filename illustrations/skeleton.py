"""The figure: joint angles in, joint positions out (forward kinematics, fixed limb lengths)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# Limb lengths in scene units (about metres for a 1.7 m person).
LENGTHS = {
    "torso": 0.55,
    "neck": 0.10,
    "upper_arm": 0.27,
    "forearm": 0.25,
    "thigh": 0.43,
    "shin": 0.42,
    "foot": 0.15,
}
HEAD_RADIUS = 0.11
Point = tuple[float, float]


def toward(origin: Point, degrees: float, length: float) -> Point:
    """The point at `length` from origin in a direction (0 = right, 90 = up)."""
    radians = math.radians(degrees)
    return origin[0] + length * math.cos(radians), origin[1] + length * math.sin(radians)


@dataclass(frozen=True)
class Pose:
    """Absolute segment directions in degrees (0 = right, 90 = up), plus the hip position."""

    hip: Point = (0.0, 0.0)
    torso: float = 90.0
    head: float = 90.0
    near_arm: tuple[float, float] = (-90.0, -90.0)
    far_arm: tuple[float, float] = (-90.0, -90.0)
    near_leg: tuple[float, float, float] = (-90.0, -90.0, 0.0)
    far_leg: tuple[float, float, float] = (-90.0, -90.0, 0.0)
    hip_width: float = 0.0  # > 0 for a front view: the legs start apart
    shoulder_width: float = 0.0
    spine: float = 0.0  # bend of the back: > 0 rounds it (cat), < 0 lets it sag (cow)

    def blend(self, other: Pose, t: float) -> Pose:
        """Interpolate angles and positions (shortest way round for each angle)."""

        def angle(a: float, b: float) -> float:
            delta = (b - a + 180) % 360 - 180
            return a + delta * t

        def lerp(a: float, b: float) -> float:
            return a + (b - a) * t

        return Pose(
            hip=(lerp(self.hip[0], other.hip[0]), lerp(self.hip[1], other.hip[1])),
            torso=angle(self.torso, other.torso),
            head=angle(self.head, other.head),
            near_arm=(
                angle(self.near_arm[0], other.near_arm[0]),
                angle(self.near_arm[1], other.near_arm[1]),
            ),
            far_arm=(
                angle(self.far_arm[0], other.far_arm[0]),
                angle(self.far_arm[1], other.far_arm[1]),
            ),
            near_leg=(
                angle(self.near_leg[0], other.near_leg[0]),
                angle(self.near_leg[1], other.near_leg[1]),
                angle(self.near_leg[2], other.near_leg[2]),
            ),
            far_leg=(
                angle(self.far_leg[0], other.far_leg[0]),
                angle(self.far_leg[1], other.far_leg[1]),
                angle(self.far_leg[2], other.far_leg[2]),
            ),
            hip_width=lerp(self.hip_width, other.hip_width),
            shoulder_width=lerp(self.shoulder_width, other.shoulder_width),
            spine=lerp(self.spine, other.spine),
        )


@dataclass
class Joints:
    """Joint positions of a posed figure."""

    points: dict[str, Point] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Point:
        return self.points[name]

    def shifted(self, dx: float, dy: float) -> Joints:
        return Joints({k: (x + dx, y + dy) for k, (x, y) in self.points.items()})

    def lowest(self) -> float:
        return min(y for _, y in self.points.values())


def solve(pose: Pose) -> Joints:
    """Forward kinematics: every joint from the hip outwards."""
    p: dict[str, Point] = {"hip": pose.hip}
    p["shoulder"] = toward(pose.hip, pose.torso, LENGTHS["torso"])
    # The middle of the back, pushed sideways from the straight hip-shoulder line by the bend.
    middle = ((pose.hip[0] + p["shoulder"][0]) / 2, (pose.hip[1] + p["shoulder"][1]) / 2)
    p["back"] = toward(middle, pose.torso + 90, pose.spine * LENGTHS["torso"])
    p["neck"] = toward(p["shoulder"], pose.head, LENGTHS["neck"])
    p["head"] = toward(p["neck"], pose.head, HEAD_RADIUS)
    for side, sign in (("near", 1), ("far", -1)):
        arm = pose.near_arm if side == "near" else pose.far_arm
        leg = pose.near_leg if side == "near" else pose.far_leg
        shoulder = (p["shoulder"][0] + sign * pose.shoulder_width / 2, p["shoulder"][1])
        hip = (pose.hip[0] + sign * pose.hip_width / 2, pose.hip[1])
        p[f"{side}_shoulder"], p[f"{side}_hip"] = shoulder, hip
        p[f"{side}_elbow"] = toward(shoulder, arm[0], LENGTHS["upper_arm"])
        p[f"{side}_hand"] = toward(p[f"{side}_elbow"], arm[1], LENGTHS["forearm"])
        p[f"{side}_knee"] = toward(hip, leg[0], LENGTHS["thigh"])
        p[f"{side}_ankle"] = toward(p[f"{side}_knee"], leg[1], LENGTHS["shin"])
        p[f"{side}_toe"] = toward(p[f"{side}_ankle"], leg[2], LENGTHS["foot"])
    return Joints(p)
