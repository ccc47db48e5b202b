"""Checks for the UI texts of content/locales: dotted keys, str.format templates, Telegram HTML."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from typing import Any

# The tags Telegram's HTML parse mode understands (https://core.telegram.org/bots/api#html-style).
ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "code",
        "pre",
        "a",
        "blockquote",
        "tg-spoiler",
    }
)
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
# Telegram accepts the named entities &lt; &gt; &amp; &quot; and numeric ones.
ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")


def flatten(data: Mapping[Any, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Nested mappings as dotted keys: {start: {welcome: ...}} -> ("start.welcome", ...)."""
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from flatten(value, f"{dotted}.")
        else:
            yield dotted, value


def placeholders(template: str) -> set[str]:
    """The named placeholders of a str.format template (assumes template_problem() is None)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def template_problem(template: str) -> str | None:
    """Why a text is not a usable str.format template with named placeholders, or None."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as error:
        return f"not a valid template ({error}; write {{{{ and }}}} for literal braces)"
    for name in fields:
        if not name.isidentifier():
            shown = "{" + name + "}"
            return f"placeholder {shown} must be a plain name, like {{name}}"
    return None


def html_problem(text: str) -> str | None:
    """Why a text is not valid Telegram HTML (unknown tag, bad nesting, bare < > &), or None."""
    open_tags: list[str] = []
    for match in TAG.finditer(text):
        closing, name, attributes = match.group(1) == "/", match.group(2).lower(), match.group(3)
        if name not in ALLOWED_TAGS:
            return f"tag <{name}> is not allowed by Telegram"
        if closing:
            if not open_tags:
                return f"</{name}> closes a tag that was never opened"
            expected = open_tags.pop()
            if expected != name:
                return f"</{name}> found where </{expected}> was expected"
        else:
            if name == "a" and "href=" not in attributes:
                return '<a> needs an href, like <a href="https://...">'
            open_tags.append(name)
    if open_tags:
        return f"<{open_tags[-1]}> is never closed"
    outside_tags = TAG.sub("", text)
    if "<" in outside_tags or ">" in outside_tags:
        return "a bare < or > (write &lt; or &gt;)"
    if "&" in ENTITY.sub("", outside_tags):
        return "a bare & (write &amp;)"
    return None


def compare_keys(
    reference: Mapping[str, str], other: Mapping[str, str], reference_name: str
) -> list[tuple[str, str]]:
    """(key, reason) for every key missing from or extra in `other`, or with other placeholders."""
    found: list[tuple[str, str]] = []
    for key in sorted(set(reference) - set(other)):
        found.append((key, f"missing (present in {reference_name})"))
    for key in sorted(set(other) - set(reference)):
        found.append((key, f"not in {reference_name} (misspelt key?)"))
    for key in sorted(set(other) & set(reference)):
        if template_problem(other[key]) or template_problem(reference[key]):
            continue  # already reported as a broken template
        theirs, ours = placeholders(other[key]), placeholders(reference[key])
        if theirs != ours:
            found.append(
                (
                    key,
                    f"placeholders {sorted(theirs)} differ from {reference_name}: {sorted(ours)}",
                )
            )
    return found
