"""Telegram's HTML parse mode: validation with Telegram's errors, plain text and entities."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

ALLOWED = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]*))?)*)\s*(/?)>"
)
ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class ParseError(ValueError):
    """Telegram's "can't parse entities" with its description."""


@dataclass
class Parsed:
    text: str
    entities: list[dict[str, object]]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _unescape(chunk: str, offset: int) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        if name in NAMED:
            return NAMED[name]
        raise ParseError(
            f'Unsupported HTML entity "&{name};" at byte offset {offset + match.start()}'
        )

    if "<" in chunk:
        raise ParseError(f"Unexpected end of name token at byte offset {offset + chunk.index('<')}")
    return ENTITY.sub(replace, chunk)


def parse_html(source: str) -> Parsed:
    """Validate like Telegram and return the plain text with its entities (UTF-16 offsets)."""
    out: list[str] = []
    entities: list[dict[str, object]] = []
    stack: list[tuple[str, int, dict[str, object]]] = []
    entity: dict[str, object]
    position = 0
    length16 = 0
    for match in TAG.finditer(source):
        chunk = _unescape(source[position : match.start()], len(source[:position].encode()))
        out.append(chunk)
        length16 += utf16_len(chunk)
        closing, name, attrs = match.group(1) == "/", match.group(2).lower(), match.group(3)
        byte_offset = len(source[: match.start()].encode())
        if name not in ALLOWED:
            raise ParseError(f'Unsupported start tag "{name}" at byte offset {byte_offset}')
        if closing:
            if not stack or stack[-1][0] != name:
                expected = f'"</{stack[-1][0]}>"' if stack else "nothing"
                raise ParseError(
                    f"Unmatched end tag at byte offset {byte_offset}, expected "
                    f'{expected}, found "</{name}>"'
                )
            _, start, entity = stack.pop()
            if length16 > start:
                entity.update(offset=start, length=length16 - start)
                entities.append(entity)
        else:
            entity = {"type": ALLOWED[name]}
            if name == "a":
                href = re.search(r"href=[\"']?([^\"'\s>]*)", attrs)
                if not href:
                    raise ParseError(f"Can't find end of href at byte offset {byte_offset}")
                entity["url"] = html.unescape(href.group(1))
            if name == "span" and "tg-spoiler" not in attrs:
                raise ParseError(f'Unsupported start tag "span" at byte offset {byte_offset}')
            if name == "blockquote" and "expandable" in attrs:
                entity["type"] = "expandable_blockquote"
            stack.append((name, length16, entity))
        position = match.end()
    tail = _unescape(source[position:], len(source[:position].encode()))
    out.append(tail)
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -int(e["length"])))  # type: ignore[call-overload]
    return Parsed("".join(out), entities)
