"""Draws one posed figure: a tapered torso, a round head, limbs as capsules with hands and feet."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PIL import ImageDraw

from illustrations.skeleton import HEAD_RADIUS, Joints, Point, limb_segments, toward

Colour = tuple[int, int, int]
ToPixels = Callable[[Point], tuple[float, float]]

# Thickness (diameter) of each segment in scene units.
THICKNESS = {
    "upper_arm": 0.078,
    "forearm": 0.064,
    "hand": 0.054,
    "thigh": 0.112,
    "shin": 0.084,
    "foot": 0.056,
    "neck": 0.07,
}
HEEL = 0.03  # the heel's offset from the ankle joint, so a flat foot shows its heel
HALO = 0.016  # a gap in the background colour around each part, so overlapping parts read apart
NOSE_RADIUS = 0.03


@dataclass(frozen=True)
class Palette:
    near: Colour
    far: Colour
    halo: Colour


@dataclass(frozen=True)
class Disc:
    centre: Point
    radius: float


@dataclass(frozen=True)
class Capsule:
    start: Point
    end: Point
    thickness: float


def _torso_path(joints: Joints, steps: int = 40) -> list[Disc]:
    """Discs along a smooth curve pelvis-waist-chest, tapering at the shoulders."""
    (ax, ay), (mx, my), (bx, by) = joints["pelvis"], joints["waist"], joints["chest"]
    # A quadratic Bezier through the waist at its middle.
    cx, cy = 2 * mx - (ax + bx) / 2, 2 * my - (ay + by) / 2
    bottom, top = joints.pose.torso_width
    discs = []
    for index in range(steps + 1):
        t = index / steps
        x = (1 - t) ** 2 * ax + 2 * (1 - t) * t * cx + t * t * bx
        y = (1 - t) ** 2 * ay + 2 * (1 - t) * t * cy + t * t * by
        # Rounded shoulders: the last fifth narrows, so the neck shows above them.
        shoulder = max(0.0, (t - 0.8) / 0.2)
        radius = (bottom + (top - bottom) * t) / 2 * (1 - 0.28 * shoulder * shoulder)
        discs.append(Disc((x, y), radius))
    return discs


def _nose(joints: Joints) -> Point:
    pose = joints.pose
    return toward(joints["head"], pose.face_direction(), HEAD_RADIUS * pose.turn)


def _unit(a: Point, b: Point) -> Point:
    length = max(math.dist(a, b), 1e-9)
    return (b[0] - a[0]) / length, (b[1] - a[1]) / length


def _limb(joints: Joints, side: str, limb: str) -> list[Capsule]:
    capsules = []
    for segment, start, end in limb_segments(side, limb):
        a, b = joints[start], joints[end]
        if segment.endswith("foot"):
            # The heel sits behind the ankle, along the shin and away from the toes.
            shin = _unit(joints[f"{side}_knee"], a)
            foot = _unit(a, b)
            a = (a[0] + HEEL * (shin[0] - foot[0]), a[1] + HEEL * (shin[1] - foot[1]))
        capsules.append(Capsule(a, b, THICKNESS[segment.split("_", 1)[1]]))
    return capsules


def parts(joints: Joints) -> list[tuple[str, list[Disc | Capsule]]]:
    """The figure's parts back to front, each a list of shapes drawn as one piece."""
    drawn: list[tuple[str, list[Disc | Capsule]]] = []
    for layer in joints.pose.layers:
        if layer == "torso":
            shapes: list[Disc | Capsule] = list(_torso_path(joints))
            shapes.append(Capsule(joints["chest"], joints["neck"], THICKNESS["neck"]))
            shapes.append(Disc(joints["head"], HEAD_RADIUS))
            if joints.pose.turn > 0.05:
                shapes.append(Disc(_nose(joints), NOSE_RADIUS))
            drawn.append(("near", shapes))
        else:
            side, limb = layer.split("_")
            drawn.append((side, list(_limb(joints, side, limb))))
    return drawn


def extent(joints: Joints) -> list[Disc]:
    """Discs covering the whole figure: for framing and for resting it on the floor."""
    discs: list[Disc] = []
    for _, shapes in parts(joints):
        for shape in shapes:
            if isinstance(shape, Disc):
                discs.append(shape)
            else:
                discs.append(Disc(shape.start, shape.thickness / 2))
                discs.append(Disc(shape.end, shape.thickness / 2))
    return discs


def lowest_edge(joints: Joints) -> float:
    return min(disc.centre[1] - disc.radius for disc in extent(joints))


def _draw_shape(
    draw: ImageDraw.ImageDraw,
    to_px: ToPixels,
    scale: float,
    shape: Disc | Capsule,
    grow: float,
    colour: Colour,
) -> None:
    if isinstance(shape, Disc):
        x, y = to_px(shape.centre)
        r = (shape.radius + grow) * scale
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
        return
    width = (shape.thickness + 2 * grow) * scale
    a, b = to_px(shape.start), to_px(shape.end)
    draw.line([a, b], fill=colour, width=max(1, round(width)))
    r = width / 2
    for x, y in (a, b):
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)


def draw_figure(
    draw: ImageDraw.ImageDraw, to_px: ToPixels, scale: float, joints: Joints, palette: Palette
) -> None:
    """Draw every part back to front: first its halo, then its fill."""
    for side, shapes in parts(joints):
        colour = palette.near if side == "near" else palette.far
        for shape in shapes:
            _draw_shape(draw, to_px, scale, shape, HALO, palette.halo)
        for shape in shapes:
            _draw_shape(draw, to_px, scale, shape, 0.0, colour)
