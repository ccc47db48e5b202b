"""A minimal MarkdownV2 parse mode: the common entities and Telegram's escaping rules.

Supported: *bold*, _italic_, __underline__, ~strikethrough~, ||spoiler||, `code`,
```pre```, [text](url) and backslash escapes. Block quotes and custom emoji are not.
"""

from __future__ import annotations

from emulator.markup import Parsed, ParseError, utf16_len

RESERVED = set("_*[]()~`>#+-=|{}.!")
MARKERS = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}
NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
}


class _MarkdownParser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.index = 0
        self.out: list[str] = []
        self.length = 0
        self.open: list[tuple[str, int, int]] = []  # entity type, UTF-16 start, byte offset
        self.entities: list[dict[str, object]] = []

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode())

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.length += utf16_len(text)

    def run(self) -> Parsed:
        source = self.source
        while self.index < len(source):
            character = source[self.index]
            if character == "\\" and self.index + 1 < len(source):
                self.emit(source[self.index + 1])
                self.index += 2
            elif character == "`":
                self.code()
            elif source.startswith("__", self.index) or source.startswith("||", self.index):
                self.toggle(MARKERS[source[self.index : self.index + 2]], 2)
            elif character in "*_~":
                self.toggle(MARKERS[character], 1)
            elif character == "[":
                self.open.append(("text_link", self.length, self.byte_offset(self.index)))
                self.index += 1
            elif character == "]" and self.open and self.open[-1][0] == "text_link":
                self.link_end()
            elif character in RESERVED:
                raise ParseError(
                    f"Character '{character}' is reserved and must be escaped with the "
                    "preceding '\\'"
                )
            else:
                self.emit(character)
                self.index += 1
        if self.open:
            kind, _, offset = self.open[-1]
            raise ParseError(f"Can't find end of {NAMES[kind]} entity at byte offset {offset}")
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))  # type: ignore[operator]
        return Parsed("".join(self.out), self.entities)

    def toggle(self, kind: str, width: int) -> None:
        if self.open and self.open[-1][0] == kind:
            _, start, _ = self.open.pop()
            if self.length > start:
                self.entities.append({"type": kind, "offset": start, "length": self.length - start})
        else:
            self.open.append((kind, self.length, self.byte_offset(self.index)))
        self.index += width

    def read_escaped(self, end: str, kind: str, begin: int) -> str:
        """Text up to an unescaped `end` (inside code, pre and URLs only ` \\ ) are escaped)."""
        chunk: list[str] = []
        while self.index < len(self.source):
            if self.source.startswith(end, self.index):
                self.index += len(end)
                return "".join(chunk)
            if self.source[self.index] == "\\" and self.index + 1 < len(self.source):
                self.index += 1
            chunk.append(self.source[self.index])
            self.index += 1
        raise ParseError(f"Can't find end of {kind} entity at byte offset {begin}")

    def code(self) -> None:
        begin = self.byte_offset(self.index)
        is_pre = self.source.startswith("```", self.index)
        self.index += 3 if is_pre else 1
        language = ""
        if is_pre:
            newline = self.source.find("\n", self.index)
            first_line = self.source[self.index : newline] if newline >= 0 else ""
            if first_line and " " not in first_line and "`" not in first_line:
                language = first_line
                self.index = newline + 1
        body = self.read_escaped("```" if is_pre else "`", "Pre" if is_pre else "Code", begin)
        start = self.length
        self.emit(body)
        if body:
            entity: dict[str, object] = {
                "type": "pre" if is_pre else "code",
                "offset": start,
                "length": self.length - start,
            }
            if language:
                entity["language"] = language
            self.entities.append(entity)

    def link_end(self) -> None:
        _, start, begin = self.open.pop()
        self.index += 1
        if not self.source.startswith("(", self.index):
            raise ParseError(f"Can't find end of a URL at byte offset {begin}")
        self.index += 1
        url = self.read_escaped(")", "TextUrl", begin)
        if self.length > start and url:
            self.entities.append(
                {"type": "text_link", "offset": start, "length": self.length - start, "url": url}
            )


def parse_markdown_v2(source: str) -> Parsed:
    """Validate MarkdownV2 like Telegram (minimally) and return text and entities."""
    return _MarkdownParser(source).run()
