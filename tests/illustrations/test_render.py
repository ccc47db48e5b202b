"""Rendering: requested sizes, figures on the floor, deterministic PNG and GIF bytes, the CLI."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

from PIL import Image

from illustrations.__main__ import main
from illustrations.build import animation_frames, place, png_bytes, render_animation, render_still
from illustrations.figure import lowest_edge
from illustrations.render import BACKGROUND, MAT_THICKNESS, WALL
from illustrations.spec import load, parse

POSES = Path(__file__).resolve().parents[2] / "content" / "poses"
TINY = """
props: [{kind: mat, width: 2}]
keyframes:
  stand: {}
  reach: {like: stand, near_arm: [90, 90, 90]}
still: {pose: reach, ghost: stand}
arrows: [[[near_fingers, 0, 0.1], [near_fingers, 0, 0.3]]]
animation: {size: [64, 48], fps: 4, transition: 0.5, sequence: [[stand, 0.5], [reach, 0.5]]}
"""


def test_a_tiny_pose_renders_at_the_requested_size_with_something_drawn() -> None:
    image = render_still(parse(Path("tiny.yaml"), TINY), (120, 90))
    assert image.size == (120, 90)
    colours = {colour for _, colour in image.getcolors(maxcolors=120 * 90) or []}
    assert BACKGROUND in colours
    assert len(colours) > 10  # figure, mat, arrow and their smoothed edges


def test_every_figure_rests_on_the_mat_or_floor_not_through_it() -> None:
    for path in sorted(POSES.glob("*.yaml")):
        spec = load(path)
        if spec.view == "top":
            continue
        level = MAT_THICKNESS if any(prop.kind == "mat" for prop in spec.props) else 0.0
        for name in spec.keyframes:
            assert abs(lowest_edge(place(spec, spec.pose(name))) - level) < 1e-9, (path, name)


def test_the_animation_holds_each_keyframe_then_eases_into_the_next() -> None:
    spec = parse(Path("tiny.yaml"), TINY)
    frames = animation_frames(spec)
    assert [seconds for _, seconds in frames] == [0.5, 0.25, 0.5, 0.25]
    assert frames[0][0] == spec.pose("stand")
    assert frames[2][0] == spec.pose("reach")


def test_a_keyframe_held_0_seconds_is_passed_through_at_speed() -> None:
    spec = parse(
        Path("tiny.yaml"),
        TINY.replace(
            "sequence: [[stand, 0.5], [reach, 0.5]]",
            "sequence: [[stand, 0.5, 1.0], [mid, 0, 0.5], [reach, 0.5]]",
        ).replace("  reach: {", "  mid: {like: stand, near_arm: [0, 0, 0]}\n  reach: {"),
    )
    frames = animation_frames(spec)
    # stand held, 3 frames of its 1 s move; mid shown once (no hold), 1 frame of its 0.5 s
    # move; reach held, 1 frame of the default 0.5 s move back.
    assert [seconds for _, seconds in frames] == [0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.5, 0.25]
    # Into mid the move does not slow down: its last step is longer than its first.
    near = [pose.near_arm[0] for pose, _ in frames[:5]]
    steps = [abs(b - a) for a, b in itertools.pairwise(near)]
    assert steps[-1] > steps[0]


def test_a_wall_is_drawn_behind_the_figure() -> None:
    text = TINY.replace("props: [{kind: mat, width: 2}]", "props: [{kind: wall, x: -0.5}]")
    image = render_still(parse(Path("tiny.yaml"), text), (120, 90))
    colours = {colour for _, colour in image.getcolors(maxcolors=120 * 90) or []}
    assert WALL in colours


def test_the_gif_loops_forever_at_its_size() -> None:
    data = render_animation(parse(Path("tiny.yaml"), TINY))
    gif = Image.open(io.BytesIO(data))
    assert gif.format == "GIF" and gif.size == (64, 48)
    assert gif.n_frames == 4
    assert gif.info["loop"] == 0


def test_drawing_the_same_pose_twice_gives_the_same_bytes() -> None:
    spec = load(POSES / "cat_cow.yaml")
    assert png_bytes(render_still(spec, (160, 100))) == png_bytes(render_still(spec, (160, 100)))
    assert render_animation(spec, (64, 40)) == render_animation(spec, (64, 40))


def test_the_command_redraws_one_picture_and_names_a_bad_file(tmp_path: Path) -> None:
    poses, media = tmp_path / "poses", tmp_path / "media"
    poses.mkdir()
    (poses / "tiny.yaml").write_text(TINY.replace("[64, 48]", "[48, 36]"), encoding="utf-8")
    assert main(["--poses", str(poses), "--media", str(media), "--only", "tiny"]) == 0
    first = (media / "tiny.png").read_bytes(), (media / "tiny.gif").read_bytes()
    assert main(["--poses", str(poses), "--media", str(media), "--only", "tiny"]) == 0
    assert ((media / "tiny.png").read_bytes(), (media / "tiny.gif").read_bytes()) == first
    assert main(["--poses", str(poses), "--media", str(media), "--only", "nothing"]) == 2
    (poses / "broken.yaml").write_text("keyframes: {a: {}}\nstill: {pose: b}\n")
    assert main(["--poses", str(poses), "--media", str(media), "--only", "broken"]) == 1
