"""Forward kinematics: segment lengths never change, foreshortening and blending behave."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from illustrations.skeleton import LENGTHS, Pose, solve

angles = st.floats(-360, 360, allow_nan=False)
three = st.tuples(angles, angles, angles)


@given(back=st.tuples(angles, angles), neck=angles, arm=three, leg=three)
def test_forward_kinematics_keeps_every_segment_length(
    back: tuple[float, float],
    neck: float,
    arm: tuple[float, float, float],
    leg: tuple[float, float, float],
) -> None:
    joints = solve(Pose(back=back, neck=neck, near_arm=arm, far_leg=leg, shoulders=(0.3, 0.1)))
    pairs = {
        "lower_back": ("pelvis", "waist"),
        "upper_back": ("waist", "chest"),
        "neck": ("chest", "neck"),
        "upper_arm": ("near_shoulder", "near_elbow"),
        "forearm": ("near_elbow", "near_wrist"),
        "hand": ("near_wrist", "near_fingers"),
        "thigh": ("far_hip", "far_knee"),
        "shin": ("far_knee", "far_ankle"),
        "foot": ("far_ankle", "far_toe"),
    }
    for segment, (start, end) in pairs.items():
        assert math.dist(joints[start], joints[end]) == pytest.approx(LENGTHS[segment]), segment


def test_foreshortening_shows_part_of_a_segment() -> None:
    joints = solve(Pose(near_leg=(0, -90, 0), foreshorten={"near_thigh": 0.5}))
    assert math.dist(joints["near_hip"], joints["near_knee"]) == pytest.approx(LENGTHS["thigh"] / 2)
    assert math.dist(joints["far_hip"], joints["far_knee"]) == pytest.approx(LENGTHS["thigh"])


def test_shoulder_and_hip_offsets_are_split_between_the_sides() -> None:
    joints = solve(Pose(shoulders=(0.36, 0.0), hips=(0.2, 0.0)))
    assert joints["near_shoulder"][0] - joints["far_shoulder"][0] == pytest.approx(0.36)
    assert joints["near_hip"][0] == pytest.approx(0.1)
    assert joints["far_hip"][0] == pytest.approx(-0.1)


def test_blend_runs_from_one_pose_to_the_other_the_short_way_round() -> None:
    start = Pose(near_arm=(170, -90, 0), pelvis=(0, 0))
    end = Pose(near_arm=(-170, -90, 0), pelvis=(1, 0))
    assert start.blend(end, 0).near_arm[0] == pytest.approx(170)
    middle = start.blend(end, 0.5)
    assert middle.near_arm[0] % 360 == pytest.approx(180)  # through 180, not through 0
    assert middle.pelvis == (0.5, 0)
    assert start.blend(end, 1).near_arm[0] % 360 == pytest.approx(190)
