"""Draws a scene (figures, floor, mat, chair, block, wall, arrows) with Pillow, supersampled."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from illustrations.figure import Colour, Palette, draw_figure, extent
from illustrations.skeleton import Joints, Point

SUPERSAMPLE = 3  # draw at 3x and shrink: smooth edges without an anti-aliasing library
BACKGROUND: Colour = (247, 249, 248)
FLOOR_FILL: Colour = (238, 242, 240)
FLOOR_LINE: Colour = (180, 199, 193)
MAT: Colour = (199, 224, 217)
MAT_EDGE: Colour = (170, 205, 196)
WOOD: Colour = (170, 132, 96)
BLOCK: Colour = (226, 190, 134)
WALL: Colour = (226, 233, 230)
WALL_EDGE: Colour = (180, 199, 193)
ACCENT: Colour = (236, 118, 56)
FIGURE = Palette(near=(31, 126, 116), far=(132, 192, 182), halo=BACKGROUND)
MAT_THICKNESS = 0.03
CHAIR_BACK = 0.46  # how far the chair back rises above the seat
GHOST_OPACITY = 0.3
ARROW_RIM = 0.012


@dataclass(frozen=True)
class Prop:
    """A mat, chair, block or wall in scene units (y up, the floor at 0)."""

    kind: str
    x: float
    width: float
    height: float  # a chair's seat height; a block's height; a mat's size across (from above)
    facing: int = 1


@dataclass
class Scene:
    """What one image shows."""

    view: str
    figures: list[tuple[Joints, float]] = field(default_factory=list)  # (joints, opacity)
    props: list[Prop] = field(default_factory=list)
    arrows: list[list[Point]] = field(default_factory=list)
    marks: list[Point] = field(default_factory=list)

    @property
    def has_floor(self) -> bool:
        return self.view != "top"


@dataclass(frozen=True)
class Frame:
    """Maps scene units (y up) to pixels of the supersampled canvas (y down), maybe mirrored."""

    scale: float
    left: float
    top: float
    mirror: bool = False  # the figure faces left: the person's left side is nearest

    def __call__(self, point: Point) -> tuple[float, float]:
        x = -point[0] if self.mirror else point[0]
        return (x - self.left) * self.scale, (self.top - point[1]) * self.scale


def floor_level(props: Iterable[Prop]) -> float:
    """Where a figure rests: on the mat if there is one, else on the floor."""
    return MAT_THICKNESS if any(prop.kind == "mat" for prop in props) else 0.0


def bounds(scenes: Iterable[Scene]) -> tuple[float, float, float, float]:
    """The box (min x, min y, max x, max y) holding everything in every scene."""
    xs: list[float] = []
    ys: list[float] = []
    for scene in scenes:
        for joints, _ in scene.figures:
            for disc in extent(joints):
                xs += [disc.centre[0] - disc.radius, disc.centre[0] + disc.radius]
                ys += [disc.centre[1] - disc.radius, disc.centre[1] + disc.radius]
        for prop in scene.props:
            if prop.kind == "chair":
                xs += [prop.x - prop.width / 2 - 0.06, prop.x + prop.width / 2]
                ys += [0.0, prop.height + CHAIR_BACK]
            elif prop.kind == "block":
                xs += [prop.x - prop.width / 2, prop.x + prop.width / 2]
                ys += [0.0, prop.height]
            elif prop.kind == "wall":  # as high as the picture: only its sides are framed
                xs += [prop.x - prop.width / 2, prop.x + prop.width / 2]
            elif prop.kind == "mat" and not scene.has_floor:
                xs += [prop.x - prop.width / 2, prop.x + prop.width / 2]
                ys += [-prop.height / 2, prop.height / 2]
        for arrow in scene.arrows:
            xs += [x for x, _ in arrow]
            ys += [y for _, y in arrow]
        for x, y in scene.marks:
            xs.append(x)
            ys.append(y)
        if scene.has_floor:
            ys.append(-0.08)  # a strip of floor under everything
    return min(xs), min(ys), max(xs), max(ys)


def make_frame(
    box: tuple[float, float, float, float],
    size: tuple[int, int],
    mirror: bool = False,
    margin: float = 0.07,
    space_above: float = 0.5,
) -> Frame:
    """Fit the box into the image with a margin; `space_above` is the share of spare height
    put above the picture (more than half keeps a wide floor strip from filling the bottom)."""
    if mirror:
        box = (-box[2], box[1], -box[0], box[3])
    width, height = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    span_x, span_y = box[2] - box[0], box[3] - box[1]
    scale = min(width * (1 - 2 * margin) / span_x, height * (1 - 2 * margin) / span_y)
    left = box[0] - (width / scale - span_x) / 2
    top = box[3] + (height / scale - span_y) * space_above
    return Frame(scale, left, top, mirror)


def _rounded_box(
    draw: ImageDraw.ImageDraw,
    frame: Frame,
    corners: tuple[Point, Point],
    radius: float,
    colour: Colour,
) -> None:
    (x0, y0), (x1, y1) = frame(corners[0]), frame(corners[1])
    box = [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]
    draw.rounded_rectangle(box, radius=radius * frame.scale, fill=colour)


def _bar(
    draw: ImageDraw.ImageDraw, frame: Frame, a: Point, b: Point, width: float, colour: Colour
) -> None:
    pixels = width * frame.scale
    pa, pb = frame(a), frame(b)
    draw.line([pa, pb], fill=colour, width=max(1, round(pixels)))
    for x, y in (pa, pb):
        draw.ellipse([x - pixels / 2, y - pixels / 2, x + pixels / 2, y + pixels / 2], fill=colour)


def _chair(draw: ImageDraw.ImageDraw, frame: Frame, prop: Prop) -> None:
    seat, back_x = prop.height, prop.x - prop.facing * prop.width / 2
    front_x = prop.x + prop.facing * prop.width / 2
    leg = 0.035
    _bar(
        draw,
        frame,
        (front_x - prop.facing * 0.02, 0.0),
        (front_x - prop.facing * 0.02, seat),
        leg,
        WOOD,
    )
    top = (back_x - prop.facing * 0.05, seat + CHAIR_BACK)
    _bar(draw, frame, (back_x, 0.0), (back_x, seat), leg, WOOD)
    _bar(draw, frame, (back_x, seat), top, leg, WOOD)
    # The backrest: a slat between the post's middle and its top.
    slat_low = (back_x - prop.facing * 0.03, seat + CHAIR_BACK * 0.55)
    _bar(draw, frame, slat_low, top, 0.07, WOOD)
    _rounded_box(draw, frame, ((back_x, seat), (front_x, seat - 0.045)), 0.015, WOOD)


def _wall(draw: ImageDraw.ImageDraw, frame: Frame, prop: Prop, floor_y: float) -> None:
    """A wall seen edge-on: a band from the floor to the top of the picture, its faces lined."""
    edges = sorted(frame((prop.x + side * prop.width / 2, 0.0))[0] for side in (-1, 1))
    draw.rectangle([edges[0], 0, edges[1], floor_y], fill=WALL)
    line = max(2, round(0.01 * frame.scale))
    for x in edges:
        draw.line([(x, 0), (x, floor_y)], fill=WALL_EDGE, width=line)


def _props(draw: ImageDraw.ImageDraw, frame: Frame, scene: Scene, size: tuple[int, int]) -> None:
    if not scene.has_floor:
        for prop in scene.props:
            if prop.kind == "mat":
                corners = (
                    (prop.x - prop.width / 2, prop.height / 2),
                    (prop.x + prop.width / 2, -prop.height / 2),
                )
                _rounded_box(draw, frame, corners, 0.06, MAT)
        return
    floor_y = frame((0.0, 0.0))[1]
    draw.rectangle([0, floor_y, size[0], size[1]], fill=FLOOR_FILL)
    draw.line(
        [(0, floor_y), (size[0], floor_y)], fill=FLOOR_LINE, width=max(2, round(0.01 * frame.scale))
    )
    for prop in scene.props:
        if prop.kind == "mat":
            corners = ((prop.x - prop.width / 2, MAT_THICKNESS), (prop.x + prop.width / 2, 0.0))
            _rounded_box(draw, frame, corners, MAT_THICKNESS / 2, MAT_EDGE)
            top = ((corners[0][0] + 0.01, MAT_THICKNESS), (corners[1][0] - 0.01, 0.008))
            _rounded_box(draw, frame, top, MAT_THICKNESS / 3, MAT)
        elif prop.kind == "block":
            corners = ((prop.x - prop.width / 2, prop.height), (prop.x + prop.width / 2, 0.0))
            _rounded_box(draw, frame, corners, 0.025, BLOCK)
        elif prop.kind == "wall":
            _wall(draw, frame, prop, floor_y)
        elif prop.kind == "chair":
            _chair(draw, frame, prop)


def _bezier(points: list[Point], steps: int = 32) -> list[Point]:
    if len(points) != 3:
        return list(points)
    (ax, ay), (cx, cy), (bx, by) = points
    return [
        (
            (1 - t) ** 2 * ax + 2 * (1 - t) * t * cx + t * t * bx,
            (1 - t) ** 2 * ay + 2 * (1 - t) * t * cy + t * t * by,
        )
        for t in (i / steps for i in range(steps + 1))
    ]


def _arrow(draw: ImageDraw.ImageDraw, frame: Frame, points: list[Point]) -> None:
    """A thick arrow, straight (2 points) or curved through a control point (3 points)."""
    pixels = [frame(p) for p in _bezier(points)]
    width = 0.032 * frame.scale
    head_length, head_half_width = 0.1 * frame.scale, 0.06 * frame.scale
    tip = pixels[-1]
    # The direction of travel at the tip, taken over the last stretch of the path.
    back = next((p for p in reversed(pixels) if math.dist(p, tip) >= head_length * 0.5), pixels[0])
    angle = math.atan2(tip[1] - back[1], tip[0] - back[0])
    cos, sin = math.cos(angle), math.sin(angle)
    base = (tip[0] - head_length * cos, tip[1] - head_length * sin)
    shaft = [p for p in pixels if math.dist(p, tip) > head_length * 0.9] + [base]
    left = (base[0] - head_half_width * sin, base[1] + head_half_width * cos)
    right = (base[0] + head_half_width * sin, base[1] - head_half_width * cos)
    # First a rim in the background colour, so the arrow stands out where it crosses the figure.
    rim = ARROW_RIM * frame.scale
    for colour, grow in ((BACKGROUND, rim), (ACCENT, 0.0)):
        line_width = width + 2 * grow
        draw.line(shaft, fill=colour, width=round(line_width), joint="curve")
        x, y = shaft[0]
        r = line_width / 2
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
        head = [tip, left, right]
        if grow:
            centre = ((tip[0] + left[0] + right[0]) / 3, (tip[1] + left[1] + right[1]) / 3)
            head = [_away(p, centre, grow * 2) for p in head]
        draw.polygon(head, fill=colour)


def _away(
    point: tuple[float, float], centre: tuple[float, float], distance: float
) -> tuple[float, float]:
    """`point` pushed `distance` further from `centre`: a slightly larger copy of a triangle."""
    length = max(math.dist(point, centre), 1e-9)
    return (
        point[0] + (point[0] - centre[0]) / length * distance,
        point[1] + (point[1] - centre[1]) / length * distance,
    )


def _mark(draw: ImageDraw.ImageDraw, frame: Frame, point: Point) -> None:
    """A small accent dot: a point of contact the caption refers to."""
    x, y = frame(point)
    for radius, colour in ((0.036, BACKGROUND), (0.024, ACCENT)):
        r = radius * frame.scale
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)


def draw_scene(scene: Scene, size: tuple[int, int], frame: Frame) -> Image.Image:
    """Render one image of the scene at `size` pixels (drawn larger, then shrunk)."""
    canvas = (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE)
    image = Image.new("RGB", canvas, BACKGROUND)
    _props(ImageDraw.Draw(image), frame, scene, canvas)
    for joints, opacity in scene.figures:
        if opacity >= 1:
            draw_figure(ImageDraw.Draw(image), frame, frame.scale, joints, FIGURE)
            continue
        # A ghost: drawn on its own layer, then laid over faintly.
        layer = Image.new("RGBA", canvas, (0, 0, 0, 0))
        ghost_palette = Palette(FIGURE.near, FIGURE.far, FIGURE.near)
        draw_figure(ImageDraw.Draw(layer), frame, frame.scale, joints, ghost_palette)
        faded = [round(value * opacity) for value in range(256)]
        layer.putalpha(layer.getchannel("A").point(faded))
        image.paste(layer, (0, 0), layer)
    draw = ImageDraw.Draw(image)
    for arrow in scene.arrows:
        _arrow(draw, frame, arrow)
    for point in scene.marks:
        _mark(draw, frame, point)
    return image.resize(size, Image.Resampling.LANCZOS)
