"""Telegram's HTML parse mode: plain text and entities, or Telegram's "can't parse" reasons.

A small tokenizer that follows the order of checks of Telegram's own parser (tdlib), so that
the same input fails with the same description and byte offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ENTITY_TYPES = {
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
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
CHARACTER_REFERENCE = re.compile(r"&(?:#x([0-9a-fA-F]{1,8})|#([0-9]{1,9})|([a-zA-Z]{2,4}));")


class ParseError(ValueError):
    """The reason after Telegram's "can't parse entities: "."""


@dataclass
class Parsed:
    text: str
    entities: list[dict[str, object]] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    start: int  # UTF-16 offset in the output
    attributes: dict[str, str]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode_reference(source: str, index: int) -> tuple[str, int] | None:
    """The character of an HTML entity at source[index] ("&...;") and the index after it."""
    match = CHARACTER_REFERENCE.match(source, index)
    if match is None:
        return None
    hexadecimal, decimal, name = match.groups()
    if name is not None:
        character = NAMED_ENTITIES.get(name)
        return (character, match.end()) if character else None
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


class _HtmlParser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.index = 0
        self.out: list[str] = []
        self.length = 0  # UTF-16 units written so far
        self.open: list[_Open] = []
        self.entities: list[dict[str, object]] = []

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode())

    def at_end(self) -> bool:
        return self.index >= len(self.source)

    def peek(self) -> str:
        return "" if self.at_end() else self.source[self.index]

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.length += utf16_len(text)

    def run(self) -> Parsed:
        while not self.at_end():
            character = self.source[self.index]
            if character == "&":
                decoded = _decode_reference(self.source, self.index)
                if decoded is not None:
                    self.emit(decoded[0])
                    self.index = decoded[1]
                    continue
            if character != "<":
                self.emit(character)  # a lone "&" or an unknown entity is kept as written
                self.index += 1
                continue
            begin = self.index
            self.index += 1
            if self.peek() == "/":
                self.end_tag(begin)
            else:
                self.start_tag(begin)
        if self.open:
            raise ParseError(
                f'Can\'t find end tag corresponding to start tag "{self.open[-1].tag}"'
            )
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))  # type: ignore[operator]
        return Parsed("".join(self.out), self.entities)

    def read_until(self, stop: str) -> str:
        start = self.index
        while not self.at_end() and not self.peek().isspace() and self.peek() not in stop:
            self.index += 1
        return self.source[start : self.index]

    def skip_spaces(self) -> None:
        while not self.at_end() and self.peek().isspace():
            self.index += 1

    def start_tag(self, begin: int) -> None:
        name = self.read_until(">").lower()
        offset = self.byte_offset(begin)
        if self.at_end():
            raise ParseError(f"Unclosed start tag at byte offset {offset}")
        if name not in ENTITY_TYPES:
            raise ParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
        attributes: dict[str, str] = {}
        while True:
            self.skip_spaces()
            if self.at_end():
                raise ParseError(f"Unclosed start tag at byte offset {offset}")
            if self.peek() == ">":
                break
            attribute = self.read_until("=>").lower()
            if not attribute:
                raise ParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset {offset}'
                )
            self.skip_spaces()
            if self.peek() != "=":
                if name == "blockquote" and attribute == "expandable":
                    attributes[attribute] = ""
                    continue
                raise ParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {offset}'
                )
            self.index += 1
            self.skip_spaces()
            attributes[attribute] = self.attribute_value(offset)
        self.index += 1  # ">"
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        self.open.append(_Open(name, self.length, attributes))

    def attribute_value(self, tag_offset: int) -> str:
        quote = self.peek()
        if quote not in ("'", '"'):
            return self.read_until(">")
        self.index += 1
        value: list[str] = []
        while not self.at_end() and self.peek() != quote:
            decoded = _decode_reference(self.source, self.index)
            if decoded is not None:
                value.append(decoded[0])
                self.index = decoded[1]
            else:
                value.append(self.peek())
                self.index += 1
        if self.at_end():
            raise ParseError(f"Unclosed start tag at byte offset {tag_offset}")
        self.index += 1
        return "".join(value)

    def end_tag(self, begin: int) -> None:
        offset = self.byte_offset(begin)
        if not self.open:
            raise ParseError(f"Unexpected end tag at byte offset {offset}")
        self.index += 1  # "/"
        name = self.read_until(">").lower()
        self.skip_spaces()
        if self.peek() != ">":
            raise ParseError(f"Unclosed end tag at byte offset {offset}")
        self.index += 1
        opened = self.open.pop()
        if name and name != opened.tag:
            raise ParseError(
                f'Unmatched end tag at byte offset {offset}, expected "</{opened.tag}>", '
                f'found "</{name}>"'
            )
        entity = self.entity_for(opened)
        if entity is not None and self.length > opened.start:
            entity.update(offset=opened.start, length=self.length - opened.start)
            self.entities.append(entity)

    def entity_for(self, opened: _Open) -> dict[str, object] | None:
        kind = ENTITY_TYPES[opened.tag]
        attributes = opened.attributes
        if opened.tag == "a":
            url = attributes.get("href", "")
            return {"type": kind, "url": url} if url else None
        if opened.tag == "tg-emoji":
            emoji_id = attributes.get("emoji-id", "")
            return {"type": kind, "custom_emoji_id": emoji_id} if emoji_id else None
        if opened.tag == "blockquote" and "expandable" in attributes:
            return {"type": "expandable_blockquote"}
        if opened.tag == "code" and self.open and self.open[-1].tag == "pre":
            # Telegram folds <pre><code class="language-x"> into one pre entity with language x.
            language = attributes.get("class", "")
            if language.startswith("language-"):
                self.open[-1].attributes["language"] = language.removeprefix("language-")
            return None
        if opened.tag == "pre" and attributes.get("language"):
            return {"type": kind, "language": attributes["language"]}
        return {"type": kind}


def parse_html(source: str) -> Parsed:
    """Validate like Telegram and return the plain text with its entities (UTF-16 offsets)."""
    return _HtmlParser(source).run()


def strip_tags(source: str) -> str:
    """The text of an HTML snippet, tags removed, even if Telegram would refuse it."""
    try:
        return parse_html(source).text
    except ParseError:
        without_tags = re.sub(r"<[^>]*>", "", source)
        return CHARACTER_REFERENCE.sub(
            lambda match: (_decode_reference(match.group(0), 0) or (match.group(0), 0))[0],
            without_tags,
        )
