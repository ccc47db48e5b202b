"""Pictures and animations: on disk, a format Telegram takes, big enough, small enough."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from content import Problem
from tests.content.conftest import edit, problems_in, save_stand_in

BIRD_DOG = "content/exercises/bird_dog.yaml"


def test_a_missing_picture(root: Path) -> None:
    (root / "media" / "low_lunge.png").unlink()
    assert problems_in(root) == [
        Problem(
            "content/exercises/low_lunge.yaml",
            "picture",
            "file content/media/low_lunge.png does not exist",
        )
    ]


def test_a_missing_animation_and_variant_picture(root: Path) -> None:
    (root / "media" / "bird_dog.gif").unlink()
    (root / "media" / "bird_dog_easier.png").unlink()
    assert problems_in(root) == [
        Problem(BIRD_DOG, "animation", "file content/media/bird_dog.gif does not exist"),
        Problem(
            BIRD_DOG, "easier.picture", "file content/media/bird_dog_easier.png does not exist"
        ),
    ]


def test_a_picture_too_small_for_telegram(root: Path) -> None:
    save_stand_in(root / "media" / "breathing.png", size=(320, 480))
    assert problems_in(root) == [
        Problem(
            "content/exercises/breathing.yaml",
            "picture",
            "breathing.png is 480 px on its long side; at least 640 px needed",
        )
    ]


def test_a_picture_of_a_megabyte_or_more(root: Path) -> None:
    path = root / "media" / "deep_squat.png"
    path.write_bytes(path.read_bytes() + b"\0" * (1024 * 1024))  # trailing bytes: still a PNG
    [problem] = problems_in(root)
    assert problem.file == "content/exercises/deep_squat.yaml" and problem.field == "picture"
    assert problem.reason == "deep_squat.png is 1.0 MB; Telegram needs under 1.0 MB"


def test_an_animation_of_two_megabytes_or_more(root: Path) -> None:
    path = root / "media" / "cat_cow.gif"
    path.write_bytes(path.read_bytes() + b"\0" * (2 * 1024 * 1024))
    assert problems_in(root) == [
        Problem(
            "content/exercises/cat_cow.yaml",
            "animation",
            "cat_cow.gif is 2.0 MB; Telegram needs under 2.0 MB",
        )
    ]


def test_a_jpeg_picture_is_fine_but_a_gif_named_png_is_not(root: Path) -> None:
    Image.new("RGB", (1024, 768), "white").save(root / "media" / "chair_twist.jpg")
    edit(root / "exercises" / "chair_twist.yaml", lambda d: d.update(picture="chair_twist.jpg"))
    save_stand_in(root / "media" / "breathing.gif")
    (root / "media" / "breathing.gif").rename(root / "media" / "breathing.png")
    assert problems_in(root) == [
        Problem(
            "content/exercises/breathing.yaml",
            "picture",
            "breathing.png is a GIF file; JPEG or PNG needed",
        ),
        Problem(
            "content/exercises/breathing.yaml",
            "picture",
            "breathing.png is 160 px on its long side; at least 640 px needed",
        ),
    ]


def test_a_picture_telegram_would_refuse_for_its_shape(root: Path) -> None:
    save_stand_in(root / "media" / "low_lunge.png", size=(4000, 150))
    assert problems_in(root) == [
        Problem(
            "content/exercises/low_lunge.yaml",
            "picture",
            "low_lunge.png is 4000x150 px; Telegram needs width + height <= 10000 "
            "and sides no more than 20:1",
        )
    ]


def test_a_file_that_is_not_an_image(root: Path) -> None:
    (root / "media" / "seated_cat_cow.png").write_text("not a picture", encoding="utf-8")
    found = problems_in(root)
    # Cat and cow shows the same picture for its easier version: both uses are reported.
    assert [(p.file, p.field) for p in found] == [
        ("content/exercises/cat_cow.yaml", "easier.picture"),
        ("content/exercises/seated_cat_cow.yaml", "picture"),
    ]
    assert all(p.reason.startswith("seated_cat_cow.png is not a readable image") for p in found)
