"""The committed pictures and animations: all present, within Telegram-friendly limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

CONTENT = Path(__file__).resolve().parents[2] / "content"
PICTURES = [
    "breathing",
    "breathing_easier",
    "breathing_harder",
    "baby_cobra",
    "baby_cobra_easier",
    "baby_cobra_harder",
    "bird_dog",
    "bird_dog_easier",
    "bird_dog_harder",
    "cat_cow",
    "low_lunge",
    "low_lunge_easier",
    "low_lunge_harder",
    "deep_squat",
    "deep_squat_easier",
    "lying_twist",
    "lying_twist_easier",
    "chair_twist",
    "chair_twist_easier",
    "seated_cat_cow",
    "seated_cat_cow_easier",
]
ANIMATIONS = ["baby_cobra", "bird_dog", "cat_cow", "lying_twist"]


@pytest.mark.parametrize("name", PICTURES)
def test_each_picture_has_pose_data_and_fits_the_limits(name: str) -> None:
    assert (CONTENT / "poses" / f"{name}.yaml").is_file()
    path = CONTENT / "media" / f"{name}.png"
    assert path.stat().st_size < 1024 * 1024
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert max(image.size) >= 640


@pytest.mark.parametrize("name", ANIMATIONS)
def test_each_animation_loops_and_fits_the_limits(name: str) -> None:
    path = CONTENT / "media" / f"{name}.gif"
    assert path.stat().st_size < 2 * 1024 * 1024
    with Image.open(path) as gif:
        assert gif.format == "GIF"
        assert max(gif.size) >= 480
        assert gif.info["loop"] == 0
        assert gif.n_frames > 10
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
        assert 2000 <= sum(durations) <= 15000  # a loop of a few seconds
