"""An exercise's figure for the page: joint positions of its key poses, drawn there as SVG.

Computed from content/poses/ with the same skeleton the pictures are drawn with (illustrations/),
so the moving figure and the still picture agree. The page interpolates between the frames: one
cycle of the frames is one breath (in: the first half, out: the second).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypedDict

from illustrations.build import SEAT_BELOW_HIPS, ease, place
from illustrations.render import CHAIR_BACK
from illustrations.skeleton import HEAD_RADIUS
from illustrations.spec import PoseError, PoseFile, load

# The joints the page draws, in this order in every frame (x, y pairs, y up, scene units).
JOINTS = (
    "pelvis", "waist", "chest", "neck", "head",
    "near_shoulder", "near_elbow", "near_wrist", "near_fingers",
    "far_shoulder", "far_elbow", "far_wrist", "far_fingers",
    "near_hip", "near_knee", "near_ankle", "near_toe",
    "far_hip", "far_knee", "far_ankle", "far_toe",
)  # fmt: skip
STEPS_PER_MOVE = 4  # frames from one key pose to the next (the page interpolates between them)


class Figure(TypedDict):
    """What the page needs to draw and move an exercise's figure."""

    joints: list[str]
    head: float  # the head's radius
    frames: list[list[float]]  # per frame: x, y of each joint in JOINTS, rounded
    still: int  # the frame shown when nothing moves (get ready, rests, timed holds)
    floor: bool  # side and front views stand on a floor; a top view has none
    props: list[list[float]]  # chairs and blocks: polylines (x, y pairs), drawn behind


def _key_poses(spec: PoseFile) -> list[str]:
    if spec.animation is not None:
        return [entry[0] for entry in spec.animation.sequence]
    return [spec.still.pose] + ([spec.still.ghost] if spec.still.ghost else [])


def _flat(spec: PoseFile, name_or_pose: object) -> list[float]:
    pose = spec.pose(name_or_pose) if isinstance(name_or_pose, str) else name_or_pose
    joints = place(spec, pose)  # type: ignore[arg-type]
    mirror = -1.0 if spec.facing == "left" else 1.0
    flat: list[float] = []
    for joint in JOINTS:
        x, y = joints[joint]
        flat += [round(x * mirror, 3), round(y, 3)]
    return flat


def _props(spec: PoseFile, mirror: float) -> list[list[float]]:
    """Chairs and blocks as outlines (the page draws no mats or walls: the floor line will do)."""
    still = place(spec, spec.pose(spec.still.pose))
    lines: list[list[float]] = []
    for prop in spec.props:
        x, height = prop.x, prop.height
        if prop.under_hips:
            x, height = still["pelvis"][0] + prop.x, still["pelvis"][1] - SEAT_BELOW_HIPS
        back, front = x - prop.facing * prop.width / 2, x + prop.facing * prop.width / 2
        if prop.kind == "chair":
            points = [(front, 0.0), (front, height), (back, height), (back, 0.0)]
            lines.append(_line(points, mirror))
            top = (back - prop.facing * 0.05, height + CHAIR_BACK)
            lines.append(_line([(back, height), top], mirror))
        elif prop.kind == "block":
            points = [(back, 0.0), (back, height), (front, height), (front, 0.0)]
            lines.append(_line(points, mirror))
    return lines


def _line(points: list[tuple[float, float]], mirror: float) -> list[float]:
    return [round(value, 3) for x, y in points for value in (x * mirror, y)]


@lru_cache(maxsize=64)
def figure(poses: Path, picture: str) -> Figure | None:
    """The figure of a picture ("cat_cow.png" → content/poses/cat_cow.yaml), None without one."""
    path = poses / (Path(picture).stem + ".yaml")
    if not path.is_file():
        return None
    try:
        spec = load(path)
    except PoseError:
        return None  # `make pictures` and its tests report the mistake; the page shows the picture
    names = _key_poses(spec)
    frames: list[list[float]] = []
    if len(names) == 1:
        frames.append(_flat(spec, names[0]))
    else:
        for index, name in enumerate(names):
            pose, then = spec.pose(name), spec.pose(names[(index + 1) % len(names)])
            frames += [
                _flat(spec, pose.blend(then, ease(step / STEPS_PER_MOVE)))
                for step in range(STEPS_PER_MOVE)
            ]
        frames.append(frames[0])  # a closed cycle: the last frame is the first
    still = names.index(spec.still.pose) * STEPS_PER_MOVE if spec.still.pose in names else 0
    return Figure(
        joints=list(JOINTS),
        head=HEAD_RADIUS,
        frames=frames,
        still=min(still, len(frames) - 1),
        floor=spec.view != "top",
        props=_props(spec, -1.0 if spec.facing == "left" else 1.0) if spec.view == "side" else [],
    )
