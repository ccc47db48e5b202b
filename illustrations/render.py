"""Draws posed figures, props and arrows with Pillow (supersampled for smooth edges)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from illustrations.skeleton import HEAD_RADIUS, Joints, Point

SUPERSAMPLE = 3
BACKGROUND = (246, 248, 247)
MAT = (211, 229, 224)
FLOOR = (160, 184, 178)
NEAR = (34, 124, 116)
FAR = (122, 184, 176)
CHAIR = (150, 118, 86)
BLOCK = (214, 172, 112)
ARROW = (232, 114, 52)
THICKNESS = {
    "torso": 0.13,
    "neck": 0.07,
    "upper_arm": 0.075,
    "forearm": 0.064,
    "thigh": 0.105,
    "shin": 0.082,
    "foot": 0.06,
}


@dataclass
class Prop:
    """A mat, a chair or a block, in scene units (y up, floor at 0)."""

    kind: str
    x: float = 0.0
    width: float = 0.5
    height: float = 0.45
    facing: int = 1  # a chair's back is behind the sitter: -1 if they face left


@dataclass
class Scene:
    """What one image shows: figures (faded ones first), props and arrows."""

    figures: list[tuple[Joints, float]] = field(default_factory=list)  # (joints, opacity)
    props: list[Prop] = field(default_factory=list)
    arrows: list[list[Point]] = field(default_factory=list)
    top_view: bool = False


@dataclass(frozen=True)
class Frame:
    """The mapping from scene units to pixels."""

    scale: float
    left: float
    top: float
    height: int

    def __call__(self, point: Point) -> tuple[float, float]:
        return ((point[0] - self.left) * self.scale, (self.top - point[1]) * self.scale)


def bounds(scenes: Iterable[Scene]) -> tuple[float, float, float, float]:
    """The box (min x, min y, max x, max y) holding everything in every scene."""
    xs: list[float] = []
    ys: list[float] = []
    for scene in scenes:
        for joints, _ in scene.figures:
            for x, y in joints.points.values():
                xs += [x - HEAD_RADIUS, x + HEAD_RADIUS]
                ys += [y - HEAD_RADIUS, y + HEAD_RADIUS]
        for prop in scene.props:
            if prop.kind in ("chair", "block"):
                xs += [prop.x - prop.width / 2, prop.x + prop.width / 2]
                ys += [0.0, prop.height + (0.45 if prop.kind == "chair" else 0.0)]
        for arrow in scene.arrows:
            xs += [x for x, _ in arrow]
            ys += [y for _, y in arrow]
        if not scene.top_view:
            ys.append(-0.04)
    return min(xs), min(ys), max(xs), max(ys)


def make_frame(
    box: tuple[float, float, float, float], size: tuple[int, int], margin: float = 0.1
) -> Frame:
    """Fit the box into the image with a margin, centred."""
    width, height = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    span_x, span_y = box[2] - box[0], box[3] - box[1]
    scale = min(width * (1 - 2 * margin) / span_x, height * (1 - 2 * margin) / span_y)
    left = box[0] - (width / scale - span_x) / 2
    top = box[3] + (height / scale - span_y) / 2
    return Frame(scale, left, top, height)


def _capsule(
    draw: ImageDraw.ImageDraw,
    frame: Frame,
    a: Point,
    b: Point,
    thickness: float,
    colour: tuple[int, ...],
) -> None:
    width = thickness * frame.scale
    pa, pb = frame(a), frame(b)
    draw.line([pa, pb], fill=colour, width=max(1, round(width)))
    for x, y in (pa, pb):
        r = width / 2
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)


def _blend(colour: tuple[int, int, int], opacity: float) -> tuple[int, int, int]:
    return tuple(
        round(c * opacity + b * (1 - opacity)) for c, b in zip(colour, BACKGROUND, strict=True)
    )  # type: ignore[return-value]


def _figure(draw: ImageDraw.ImageDraw, frame: Frame, joints: Joints, opacity: float) -> None:
    near, far = _blend(NEAR, opacity), _blend(FAR, opacity)

    def limbs(side: str, colour: tuple[int, int, int]) -> None:
        _capsule(
            draw, frame, joints[f"{side}_hip"], joints[f"{side}_knee"], THICKNESS["thigh"], colour
        )
        _capsule(
            draw, frame, joints[f"{side}_knee"], joints[f"{side}_ankle"], THICKNESS["shin"], colour
        )
        _capsule(
            draw, frame, joints[f"{side}_ankle"], joints[f"{side}_toe"], THICKNESS["foot"], colour
        )

    def arm(side: str, colour: tuple[int, int, int]) -> None:
        _capsule(
            draw,
            frame,
            joints[f"{side}_shoulder"],
            joints[f"{side}_elbow"],
            THICKNESS["upper_arm"],
            colour,
        )
        _capsule(
            draw,
            frame,
            joints[f"{side}_elbow"],
            joints[f"{side}_hand"],
            THICKNESS["forearm"],
            colour,
        )

    limbs("far", far)
    arm("far", far)
    # The back as a curve through its middle point (a quadratic Bezier), drawn as short capsules.
    (ax, ay), (mx, my), (bx, by) = joints["hip"], joints["back"], joints["shoulder"]
    cx, cy = 2 * mx - (ax + bx) / 2, 2 * my - (ay + by) / 2
    curve = [
        (
            (1 - t) ** 2 * ax + 2 * (1 - t) * t * cx + t * t * bx,
            (1 - t) ** 2 * ay + 2 * (1 - t) * t * cy + t * t * by,
        )
        for t in (i / 12 for i in range(13))
    ]
    for a, b in itertools.pairwise(curve):
        _capsule(draw, frame, a, b, THICKNESS["torso"], near)
    _capsule(draw, frame, joints["shoulder"], joints["neck"], THICKNESS["neck"], near)
    x, y = frame(joints["head"])
    r = HEAD_RADIUS * frame.scale
    draw.ellipse([x - r, y - r, x + r, y + r], fill=near)
    limbs("near", near)
    arm("near", near)


def _props(draw: ImageDraw.ImageDraw, frame: Frame, scene: Scene, width: int) -> None:
    if scene.top_view:
        for prop in scene.props:
            if prop.kind == "mat":
                x0, y0 = frame((prop.x - prop.width / 2, prop.height / 2))
                x1, y1 = frame((prop.x + prop.width / 2, -prop.height / 2))
                draw.rounded_rectangle([x0, y0, x1, y1], radius=0.05 * frame.scale, fill=MAT)
        return
    floor_y = frame((0, 0))[1]
    for prop in scene.props:
        if prop.kind == "mat":
            x0 = frame((prop.x - prop.width / 2, 0))[0]
            x1 = frame((prop.x + prop.width / 2, 0))[0]
            draw.rectangle([x0, floor_y, x1, floor_y + 0.03 * frame.scale], fill=MAT)
    draw.line(
        [(0, floor_y), (width, floor_y)], fill=FLOOR, width=max(2, round(0.012 * frame.scale))
    )
    for prop in scene.props:
        if prop.kind == "block":
            x0, y0 = frame((prop.x - prop.width / 2, prop.height))
            x1, y1 = frame((prop.x + prop.width / 2, 0))
            draw.rounded_rectangle([x0, y0, x1, y1], radius=0.02 * frame.scale, fill=BLOCK)
        elif prop.kind == "chair":
            seat = prop.height
            back_x = prop.x - prop.facing * prop.width / 2
            front_x = prop.x + prop.facing * prop.width / 2
            leg = 0.035
            for x in (back_x, front_x):
                _capsule(draw, frame, (x, 0.0), (x, seat), leg, CHAIR)
            _capsule(draw, frame, (back_x, seat), (front_x, seat), 0.05, CHAIR)
            _capsule(
                draw, frame, (back_x, seat), (back_x - prop.facing * 0.04, seat + 0.45), leg, CHAIR
            )


def _arrow(draw: ImageDraw.ImageDraw, frame: Frame, points: list[Point]) -> None:
    if len(points) == 3:  # a quadratic curve through a control point
        (ax, ay), (cx, cy), (bx, by) = points
        path = [
            (
                (1 - t) ** 2 * ax + 2 * (1 - t) * t * cx + t * t * bx,
                (1 - t) ** 2 * ay + 2 * (1 - t) * t * cy + t * t * by,
            )
            for t in (i / 24 for i in range(25))
        ]
    else:
        path = list(points)
    pixels = [frame(p) for p in path]
    width = max(2, round(0.028 * frame.scale))
    draw.line(pixels, fill=ARROW, width=width, joint="curve")
    (x1, y1), (x2, y2) = pixels[-2], pixels[-1]
    angle = math.atan2(y2 - y1, x2 - x1)
    head = 0.09 * frame.scale
    left = (x2 - head * math.cos(angle - 0.45), y2 - head * math.sin(angle - 0.45))
    right = (x2 - head * math.cos(angle + 0.45), y2 - head * math.sin(angle + 0.45))
    tip = (x2 + width * math.cos(angle), y2 + width * math.sin(angle))
    draw.polygon([tip, left, right], fill=ARROW)


def draw_scene(scene: Scene, size: tuple[int, int], frame: Frame) -> Image.Image:
    """One image of the scene at `size` pixels."""
    width, height = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    _props(draw, frame, scene, width)
    for joints, opacity in scene.figures:
        _figure(draw, frame, joints, opacity)
    for arrow in scene.arrows:
        _arrow(draw, frame, arrow)
    return image.resize(size, Image.Resampling.LANCZOS)
