"""Pose files (content/poses/*.yaml) to pictures and animations, with clear errors."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import yaml
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from illustrations.render import Prop, Scene, bounds, draw_scene, make_frame
from illustrations.skeleton import HEAD_RADIUS, Joints, Pose, solve

FLOOR_CLEARANCE = 0.045  # half a limb's thickness: limbs rest on the floor, not through it


class PoseError(ValueError):
    """A pose file that cannot be drawn: names the file, the field and the reason."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PoseSpec(Strict):
    hip: tuple[float, float] = (0.0, 0.0)
    torso: float = 90.0
    head: float = 90.0
    near_arm: tuple[float, float] = (-90.0, -90.0)
    far_arm: tuple[float, float] = (-90.0, -90.0)
    near_leg: tuple[float, float, float] = (-90.0, -90.0, 0.0)
    far_leg: tuple[float, float, float] = (-90.0, -90.0, 0.0)
    hip_width: float = 0.0
    shoulder_width: float = 0.0
    spine: float = Field(default=0.0, ge=-0.3, le=0.3)


class PropSpec(Strict):
    kind: str = Field(pattern="^(mat|chair|block)$")
    x: float = 0.0
    width: float = 0.5
    height: float = 0.45
    facing: int = 1
    under_hip: bool = False  # a block or seat placed right under the hips of the still pose


class StillSpec(Strict):
    pose: str
    ghost: str | None = None


class AnimationSpec(Strict):
    transition: float = Field(default=0.8, gt=0, le=5)
    fps: int = Field(default=12, ge=4, le=25)
    size: tuple[int, int] = (640, 480)
    sequence: list[tuple[str, float]] = Field(min_length=2)


class PoseFile(Strict):
    size: tuple[int, int] = (1024, 768)
    view: str = Field(default="side", pattern="^(side|top|front)$")
    ground: bool = True
    props: list[PropSpec] = []
    keyframes: dict[str, PoseSpec] = Field(min_length=1)
    still: StillSpec
    # Each arrow: 2 points (straight) or 3 (curved through the middle one). A point is [x, y] in
    # scene units, or [joint, dx, dy] relative to a joint of the still pose,
    # e.g. [near_hand, 0.1, 0].
    arrows: list[list[tuple[float, float] | tuple[str, float, float]]] = []
    animation: AnimationSpec | None = None


def load(path: Path) -> PoseFile:
    """Read and check one pose file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = PoseFile.model_validate(data)
    except yaml.YAMLError as error:
        raise PoseError(f"{path}: invalid YAML ({error})") from None
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise PoseError(f"{path}: {where}: {problem['msg']}") from None
    names = set(spec.keyframes)
    wanted = [("still.pose", spec.still.pose), ("still.ghost", spec.still.ghost)]
    if spec.animation:
        wanted += [
            (f"animation.sequence.{i}", name) for i, (name, _) in enumerate(spec.animation.sequence)
        ]
    for where, name in wanted:
        if name is not None and name not in names:
            raise PoseError(f"{path}: {where}: unknown keyframe {name!r}")
    return spec


def pose_of(spec: PoseSpec) -> Pose:
    return Pose(**spec.model_dump())


def posed(spec: PoseFile, pose: Pose) -> Joints:
    """Joint positions, resting on the floor when the file asks for it."""
    joints = solve(pose)
    if spec.ground and spec.view != "top":
        lowest = min(
            min(y for name, (_, y) in joints.points.items() if name != "head"),
            joints["head"][1] - HEAD_RADIUS,
        )
        joints = joints.shifted(0.0, FLOOR_CLEARANCE - lowest)
    return joints


def _scene(spec: PoseFile, figures: list[tuple[Joints, float]], arrows: bool) -> Scene:
    main = posed(spec, pose_of(spec.keyframes[spec.still.pose]))
    props = []
    for prop in spec.props:
        values = prop.model_dump(exclude={"under_hip"})
        if prop.under_hip:
            values["x"], values["height"] = main["hip"][0], main["hip"][1] - 0.065
        props.append(Prop(**values))

    def point(spec_point: tuple[float, float] | tuple[str, float, float]) -> tuple[float, float]:
        if isinstance(spec_point[0], str):
            name, dx, dy = spec_point
            if name not in main.points:
                raise PoseError(f"arrows: unknown joint {name!r}")
            return main[name][0] + dx, main[name][1] + dy
        return float(spec_point[0]), float(spec_point[1])

    return Scene(
        figures=figures,
        props=props,
        arrows=[[point(p) for p in a] for a in spec.arrows] if arrows else [],
        top_view=spec.view == "top",
    )


def render_still(spec: PoseFile, size: tuple[int, int] | None = None) -> Image.Image:
    """The still picture: the main pose, an optional faded ghost pose, and the arrows."""
    figures = []
    if spec.still.ghost:
        figures.append((posed(spec, pose_of(spec.keyframes[spec.still.ghost])), 0.32))
    figures.append((posed(spec, pose_of(spec.keyframes[spec.still.pose])), 1.0))
    scene = _scene(spec, figures, arrows=True)
    size = size or spec.size
    return draw_scene(scene, size, make_frame(bounds([scene]), size))


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)


def animation_poses(spec: PoseFile) -> list[tuple[Pose, float]]:
    """(pose, seconds) per frame: holds, then eased transitions, looping back to the start."""
    assert spec.animation is not None
    animation = spec.animation
    step = 1 / animation.fps
    frames: list[tuple[Pose, float]] = []
    sequence = animation.sequence
    for index, (name, hold) in enumerate(sequence):
        pose = pose_of(spec.keyframes[name])
        frames.append((pose, hold))
        following = pose_of(spec.keyframes[sequence[(index + 1) % len(sequence)][0]])
        count = max(2, round(animation.transition / step))
        for k in range(1, count):
            frames.append((pose.blend(following, _ease(k / count)), step))
    return frames


def render_animation(spec: PoseFile, size: tuple[int, int] | None = None) -> bytes:
    """A looping GIF between the keyframes, one shared palette, same framing throughout."""
    assert spec.animation is not None
    size = size or spec.animation.size
    frames = animation_poses(spec)
    scenes = [_scene(spec, [(posed(spec, pose), 1.0)], arrows=False) for pose, _ in frames]
    frame = make_frame(bounds(scenes), size)
    images = [draw_scene(scene, size, frame) for scene in scenes]
    palette = images[0].quantize(colors=48, method=Image.Quantize.MEDIANCUT)
    quantized = [image.quantize(palette=palette, dither=Image.Dither.NONE) for image in images]
    buffer = io.BytesIO()
    quantized[0].save(
        buffer,
        "GIF",
        save_all=True,
        append_images=quantized[1:],
        duration=[round(seconds * 1000) for _, seconds in frames],
        loop=0,
        optimize=False,
        disposal=1,
    )
    return buffer.getvalue()


def png_bytes(image: Image.Image) -> bytes:
    """A compact PNG (palette) for Telegram."""
    buffer = io.BytesIO()
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def build(path: Path, media: Path) -> list[Path]:
    """Draw one pose file's picture (and animation) into the media folder."""
    spec = load(path)
    written = [media / f"{path.stem}.png"]
    written[0].write_bytes(png_bytes(render_still(spec)))
    if spec.animation is not None:
        gif = media / f"{path.stem}.gif"
        gif.write_bytes(render_animation(spec))
        written.append(gif)
    return written


def describe(spec: PoseFile) -> dict[str, Any]:
    """A summary for tests and debugging."""
    return {"keyframes": sorted(spec.keyframes), "animated": spec.animation is not None}
