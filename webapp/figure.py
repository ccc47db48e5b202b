"""An exercise's figure for the page: joint positions of its key poses, drawn there as SVG.

Computed from content/poses/ with the same skeleton the pictures are drawn with (illustrations/),
so the moving figure and the still picture agree. The page interpolates between the frames: one
cycle of the frames is one breath (in: the first half, out: the second).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypedDict

from illustrations.build import ease, place
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
    )
