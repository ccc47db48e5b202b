"""Turns a checked pose file into its still picture (PNG) and animation (GIF)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from illustrations.figure import lowest_edge
from illustrations.render import (
    GHOST_OPACITY,
    Frame,
    Prop,
    Scene,
    bounds,
    draw_scene,
    floor_level,
)
from illustrations.render import make_frame as fit
from illustrations.skeleton import Joints, Point, Pose, solve
from illustrations.spec import PointSpec, PoseFile, load

PNG_COLOURS = 64
GIF_COLOURS = 48
SEAT_BELOW_HIPS = 0.09  # the hip joint sits this far above the seat (the buttock's thickness)


def place(spec: PoseFile, pose: Pose) -> Joints:
    """Joint positions; in side and front views the figure rests on the mat or floor."""
    joints = solve(pose)
    if spec.view == "top":
        return joints
    return joints.shifted(0.0, floor_level(_props(spec)) - lowest_edge(joints))


def _props(spec: PoseFile, still: Joints | None = None) -> list[Prop]:
    props = []
    for prop in spec.props:
        x, height = prop.x, prop.height
        if prop.under_hips and still is not None:
            x = still["pelvis"][0] + prop.x
            height = still["pelvis"][1] - SEAT_BELOW_HIPS
        props.append(Prop(prop.kind, x, prop.width, height, prop.facing))
    return props


def _point(still: Joints, point: PointSpec) -> Point:
    if isinstance(point[0], str):
        name, dx, dy = point
        return still[name][0] + float(dx), still[name][1] + float(dy)
    return float(point[0]), float(point[1])


def _scene(spec: PoseFile, figures: list[tuple[Joints, float]], annotated: bool) -> Scene:
    still = place(spec, spec.pose(spec.still.pose))
    return Scene(
        view=spec.view,
        figures=figures,
        props=_props(spec, still),
        arrows=[[_point(still, p) for p in arrow] for arrow in spec.arrows] if annotated else [],
        marks=[_point(still, p) for p in spec.marks] if annotated else [],
    )


def _frame(spec: PoseFile, scenes: list[Scene], size: tuple[int, int]) -> Frame:
    space_above = 0.5 if spec.view == "top" else 0.62
    return fit(bounds(scenes), size, spec.facing == "left", space_above=space_above)


def render_still(spec: PoseFile, size: tuple[int, int] | None = None) -> Image.Image:
    """The picture: the main pose, an optional faint ghost of another pose, arrows and marks."""
    figures = []
    if spec.still.ghost:
        figures.append((place(spec, spec.pose(spec.still.ghost)), GHOST_OPACITY))
    figures.append((place(spec, spec.pose(spec.still.pose)), 1.0))
    scene = _scene(spec, figures, annotated=True)
    size = size or spec.size
    return draw_scene(scene, size, _frame(spec, [scene], size))


def ease(t: float, slow_start: bool = True, slow_end: bool = True) -> float:
    """Slow in, slow out (smoothstep); an end that passes through a keyframe keeps its speed."""
    if slow_start and slow_end:
        return t * t * (3 - 2 * t)
    if slow_start:  # the first half of the smoothstep, stretched over the move
        return 2 * ease(t / 2)
    if slow_end:
        return 2 * ease((t + 1) / 2) - 1
    return t


def animation_frames(spec: PoseFile) -> list[tuple[Pose, float]]:
    """(pose, seconds shown) per frame: each keyframe held, then eased into the next; loops.

    A keyframe held for 0 seconds is passed through: shown for one frame like the frames of a
    move, with no slowing down or speeding up at it.
    """
    if spec.animation is None:
        return []
    animation = spec.animation
    step = 1 / animation.fps
    frames: list[tuple[Pose, float]] = []
    sequence = animation.sequence
    for index, entry in enumerate(sequence):
        name, hold = entry[0], entry[1]
        move = entry[2] if len(entry) == 3 else animation.transition
        count = max(2, round(move / step))
        pose = spec.pose(name)
        following = sequence[(index + 1) % len(sequence)]
        frames.append((pose, max(hold, step)))
        slow_start, slow_end = hold > 0, following[1] > 0
        then = spec.pose(following[0])
        frames += [
            (pose.blend(then, ease(k / count, slow_start, slow_end)), step) for k in range(1, count)
        ]
    return frames


def render_animation(spec: PoseFile, size: tuple[int, int] | None = None) -> bytes:
    """A looping GIF: one framing and one shared palette for every frame."""
    if spec.animation is None:
        raise ValueError("this pose file has no animation")
    size = size or spec.animation.size
    frames = animation_frames(spec)
    scenes = [_scene(spec, [(place(spec, pose), 1.0)], annotated=False) for pose, _ in frames]
    frame = _frame(spec, scenes, size)
    images = [draw_scene(scene, size, frame) for scene in scenes]
    palette = _shared_palette(images)
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


def _shared_palette(images: list[Image.Image]) -> Image.Image:
    """One palette for the whole animation, taken from a strip of evenly spaced frames."""
    sample = images[:: max(1, len(images) // 6)]
    width, height = sample[0].size
    strip = Image.new("RGB", (width, height * len(sample)))
    for index, image in enumerate(sample):
        strip.paste(image, (0, index * height))
    return strip.quantize(colors=GIF_COLOURS, method=Image.Quantize.MEDIANCUT)


def png_bytes(image: Image.Image) -> bytes:
    """A compact palette PNG."""
    buffer = io.BytesIO()
    quantized = image.quantize(colors=PNG_COLOURS, method=Image.Quantize.MEDIANCUT)
    quantized.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def build(path: Path, media: Path) -> list[Path]:
    """Draw one pose file's picture (and its animation, if it has one) into `media`."""
    spec = load(path)
    picture = media / f"{path.stem}.png"
    picture.write_bytes(png_bytes(render_still(spec)))
    written = [picture]
    if spec.animation is not None:
        animation = media / f"{path.stem}.gif"
        animation.write_bytes(render_animation(spec))
        written.append(animation)
    return written
