"""Reading bot messages: plain text, and text with bold/italic marked for a terminal."""

from __future__ import annotations

from typing import Any


def plain(message: dict[str, Any] | None) -> str:
    """The message's text or caption, without formatting."""
    if not message:
        return ""
    return str(message.get("text") or message.get("caption") or "")


def styled_segments(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(style, text) pieces: style is "" or a space-separated set of bold/italic/underline/code."""
    text = plain(message)
    entities = message.get("entities") or message.get("caption_entities") or []
    units = text.encode("utf-16-le")
    styles: list[set[str]] = [set() for _ in range(len(units) // 2)]
    names = {
        "bold": "bold",
        "italic": "italic",
        "underline": "underline",
        "code": "code",
        "pre": "code",
        "strikethrough": "strike",
    }
    for entity in entities:
        style = names.get(str(entity.get("type")))
        if style:
            for index in range(
                int(entity["offset"]), int(entity["offset"]) + int(entity["length"])
            ):
                if index < len(styles):
                    styles[index].add(style)
    segments: list[tuple[str, str]] = []
    start = 0
    for index in range(1, len(styles) + 1):
        if index == len(styles) or styles[index] != styles[start]:
            piece = units[start * 2 : index * 2].decode("utf-16-le", errors="replace")
            segments.append((" ".join(sorted(styles[start])), piece))
            start = index
    return segments
