"""Reading bot messages: their plain text, and text split into styled pieces for a terminal."""

from __future__ import annotations

from typing import Any

from emulator.markup import strip_tags

STYLES = {
    "bold": "bold",
    "italic": "italic",
    "underline": "underline",
    "strikethrough": "strike",
    "code": "code",
    "pre": "code",
    "spoiler": "spoiler",
}


def plain(message: dict[str, Any] | str | None) -> str:
    """The text or caption of a message without formatting (a string: its tags removed)."""
    if message is None:
        return ""
    if isinstance(message, str):
        return strip_tags(message)
    return str(message.get("text") or message.get("caption") or "")


def styled_segments(message: dict[str, Any]) -> list[tuple[frozenset[str], str]]:
    """The message's text as (styles, piece) runs; styles among bold, italic, underline, ..."""
    text = plain(message)
    entities = message.get("entities") or message.get("caption_entities") or []
    units = text.encode("utf-16-le")
    styles: list[set[str]] = [set() for _ in range(len(units) // 2)]
    for entity in entities:
        style = STYLES.get(str(entity.get("type")))
        if style is None:
            continue
        start = max(int(entity.get("offset", 0)), 0)
        for index in range(start, min(start + int(entity.get("length", 0)), len(styles))):
            styles[index].add(style)
    segments: list[tuple[frozenset[str], str]] = []
    start = 0
    for index in range(1, len(styles) + 1):
        if index == len(styles) or styles[index] != styles[start]:
            piece = units[start * 2 : index * 2].decode("utf-16-le", errors="replace")
            segments.append((frozenset(styles[start]), piece))
            start = index
    return segments
