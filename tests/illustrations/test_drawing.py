"""Illustrations: kinematics keep limb lengths, rendering is deterministic, errors are clear."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from illustrations.poses import PoseError, load, png_bytes, render_animation, render_still
from illustrations.skeleton import LENGTHS, Pose, solve

POSES = Path(__file__).resolve().parents[2] / "content" / "poses"
angles = st.floats(-180, 180)


@given(angles, angles, angles, angles, angles, angles)
def test_forward_kinematics_keeps_limb_lengths(torso, upper, lower, thigh, shin, foot) -> None:  # type: ignore[no-untyped-def]
    joints = solve(Pose(torso=torso, near_arm=(upper, lower), near_leg=(thigh, shin, foot)))

    def length(a: str, b: str) -> float:
        return math.dist(joints[a], joints[b])

    assert length("hip", "shoulder") == pytest.approx(LENGTHS["torso"])
    assert length("near_shoulder", "near_elbow") == pytest.approx(LENGTHS["upper_arm"])
    assert length("near_elbow", "near_hand") == pytest.approx(LENGTHS["forearm"])
    assert length("near_hip", "near_knee") == pytest.approx(LENGTHS["thigh"])
    assert length("near_knee", "near_ankle") == pytest.approx(LENGTHS["shin"])
    assert length("near_ankle", "near_toe") == pytest.approx(LENGTHS["foot"])


def test_every_pose_file_renders_small_and_deterministically() -> None:
    for path in sorted(POSES.glob("*.yaml")):
        spec = load(path)
        image = render_still(spec, (160, 120))
        assert image.size == (160, 120)
        assert png_bytes(image) == png_bytes(render_still(spec, (160, 120))), path.name
        # Something is drawn: not just the background.
        assert len(image.getcolors(maxcolors=100000) or []) > 3


def test_animation_is_a_looping_gif() -> None:
    data = render_animation(load(POSES / "cat_cow.yaml"), (96, 72))
    assert data[:6] == b"GIF89a"


def test_grounded_figures_rest_on_the_floor_not_through_it() -> None:
    from illustrations.poses import pose_of, posed

    spec = load(POSES / "bird_dog.yaml")
    for key in spec.keyframes.values():
        joints = posed(spec, pose_of(key))
        assert min(y for _, y in joints.points.values()) >= 0.0


def test_a_bad_pose_file_names_the_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("keyframes:\n  a: {torso: 10, elbow: 3}\nstill: {pose: a}\n")
    with pytest.raises(PoseError, match=r"bad.yaml: keyframes.a.elbow: Extra inputs"):
        load(bad)
    bad.write_text("keyframes:\n  a: {torso: 10}\nstill: {pose: b}\n")
    with pytest.raises(PoseError, match=r"bad.yaml: still.pose: unknown keyframe 'b'"):
        load(bad)
