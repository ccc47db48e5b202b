"""Pose files: a mistake is reported with the file, the field and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from illustrations.spec import PoseError, load, parse

GOOD = """
keyframes:
  a: {back: [90, 90]}
  b: {like: a, neck: 80}
still: {pose: b}
"""


def test_like_copies_a_keyframe_then_overrides_fields() -> None:
    spec = parse(Path("x.yaml"), GOOD)
    assert spec.pose("b").back == (90, 90)
    assert spec.pose("b").neck == 80
    assert spec.pose("a").neck == 90


def test_view_sets_the_defaults_a_pose_leaves_out() -> None:
    side = parse(Path("x.yaml"), GOOD)
    front = parse(Path("x.yaml"), "view: front\n" + GOOD)
    assert side.pose("a").turn == 1 and front.pose("a").turn == 0
    assert front.pose("a").torso_width[1] > side.pose("a").torso_width[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("keyframes:\n  a: {elbow: 3}\nstill: {pose: a}\n", r"keyframes\.a\.elbow: Extra inputs"),
        ("keyframes:\n  a: {near_arm: [1, 2]}\nstill: {pose: a}\n", r"keyframes\.a\.near_arm"),
        ("keyframes:\n  a: {}\nstill: {pose: b}\n", r"still\.pose: unknown keyframe 'b'"),
        ("keyframes:\n  a: {like: c}\nstill: {pose: a}\n", r"keyframes\.a\.like: unknown"),
        ("keyframes:\n  a: {like: a}\nstill: {pose: a}\n", r"keyframes\.a\.like: a loop"),
        (
            "keyframes:\n  a: {foreshorten: {tail: 0.5}}\nstill: {pose: a}\n",
            r"keyframes\.a\.foreshorten: Value error, unknown segment 'tail'",
        ),
        (
            "keyframes:\n  a: {}\nstill: {pose: a}\narrows: [[[nose, 0, 0], [0, 1]]]\n",
            r"arrows\.0\.0: unknown joint 'nose'",
        ),
        (
            "keyframes:\n  a: {}\nstill: {pose: a}\nanimation: {sequence: [[a, 1], [z, 1]]}\n",
            r"animation\.sequence\.1: unknown keyframe 'z'",
        ),
        (
            "keyframes:\n  a: {}\nstill: {pose: a}\nanimation: {sequence: [[a, 0], [a, 0]]}\n",
            r"animation\.sequence: Value error, hold at least one keyframe",
        ),
        (
            "keyframes:\n  a: {}\nstill: {pose: a}\nanimation: {sequence: [[a, 1, 0], [a, 1]]}\n",
            r"animation\.sequence: Value error, 0: seconds of the move must be above 0",
        ),
        ("keyframes: [\n", r"not valid YAML"),
    ],
)
def test_a_bad_pose_file_names_the_file_and_the_field(
    tmp_path: Path, text: str, message: str
) -> None:
    bad = tmp_path / "bad_pose.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(PoseError, match=r"bad_pose\.yaml: " + message):
        load(bad)


def test_a_missing_file_is_a_pose_error(tmp_path: Path) -> None:
    with pytest.raises(PoseError, match=r"missing\.yaml: cannot read"):
        load(tmp_path / "missing.yaml")
