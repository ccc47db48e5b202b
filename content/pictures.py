"""Checks that a picture or animation of content/media/ exists and that Telegram will take it."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

PICTURE_MIN_LONG_SIDE = 640  # smaller pictures look blurry on a phone once Telegram scales them
PICTURE_MAX_BYTES = 1024 * 1024
ANIMATION_MAX_BYTES = 2 * 1024 * 1024
# Telegram's own limits for photos: width + height at most 10000, sides at most 20 : 1.
PHOTO_MAX_SIDES_SUM = 10_000
PHOTO_MAX_RATIO = 20
PICTURE_FORMATS = {"PNG", "JPEG"}
ANIMATION_FORMATS = {"GIF"}


def _size(byte_count: int) -> str:
    if byte_count >= 1024 * 1024:
        return f"{byte_count / 1024 / 1024:.1f} MB"
    return f"{byte_count // 1024} KB"


def media_problems(path: Path, *, animation: bool) -> list[str]:
    """Every reason this file cannot be sent as a picture (or animation); [] when it can."""
    if not path.is_file():
        return [f"file content/media/{path.name} does not exist"]
    problems = []
    limit = ANIMATION_MAX_BYTES if animation else PICTURE_MAX_BYTES
    byte_count = path.stat().st_size
    if byte_count >= limit:
        problems.append(f"{path.name} is {_size(byte_count)}; Telegram needs under {_size(limit)}")
    try:
        with Image.open(path) as image:
            image_format, (width, height) = image.format or "", image.size
    except (UnidentifiedImageError, OSError, ValueError) as error:
        return [*problems, f"{path.name} is not a readable image ({error})"]
    formats = ANIMATION_FORMATS if animation else PICTURE_FORMATS
    if image_format not in formats:
        wanted = " or ".join(sorted(formats))
        problems.append(f"{path.name} is a {image_format or 'unknown'} file; {wanted} needed")
    if animation:
        return problems
    long_side, short_side = max(width, height), min(width, height)
    if long_side < PICTURE_MIN_LONG_SIDE:
        problems.append(
            f"{path.name} is {long_side} px on its long side; "
            f"at least {PICTURE_MIN_LONG_SIDE} px needed"
        )
    if width + height > PHOTO_MAX_SIDES_SUM or long_side > PHOTO_MAX_RATIO * max(1, short_side):
        problems.append(
            f"{path.name} is {width}x{height} px; Telegram needs width + height <= "
            f"{PHOTO_MAX_SIDES_SUM} and sides no more than {PHOTO_MAX_RATIO}:1"
        )
    return problems
