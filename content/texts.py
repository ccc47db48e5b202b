"""Checks for the UI texts of content/locales: dotted keys, str.format templates, Telegram HTML;
and the shape of a check whose rules live elsewhere (`TextCheck`: the pain words, whose rules are
safety/painwords.py's, are checked by a TextCheck that bot.py passes to the loader)."""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import babel

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


@dataclass(frozen=True)
class TextCheck:
    """A check of the UI texts of every language whose rules another room owns, passed to the
    loader by whoever loads the content (bot.py: the pain words, safety/painwords.py)."""

    # (flat texts by language code, each code's English name, the default language) ->
    # (language, key, reason) for each problem.
    problems: Callable[
        [Mapping[str, Mapping[str, str]], Mapping[str, str], str], Iterable[tuple[str, str, str]]
    ]
    may_be_empty: frozenset[str] = frozenset()  # keys whose text may be "" (none)


# CLDR plural categories: a text given as {one: ..., other: ...} has forms chosen by a count.
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})


def is_plural(value: Any) -> bool:
    """A mapping of plural forms ({one: ..., few: ..., other: ...}), not a section of keys."""
    return (
        isinstance(value, Mapping)
        and "other" in value
        and all(isinstance(key, str) and key in PLURAL_CATEGORIES for key in value)
    )


@functools.lru_cache(maxsize=64)
def _plural_rule(language: str) -> Any:
    return babel.Locale.parse(language).plural_form


def plural_category(language: str, count: float) -> str:
    """The CLDR plural category of a count in a language (Babel's rules): one, few, many..."""
    category: str = _plural_rule(language)(count)
    return category


def plural_categories(language: str) -> frozenset[str]:
    """Every plural form a language needs, "other" included."""
    return frozenset(_plural_rule(language).tags) | {"other"}


def plural_problems(language: str, forms: Mapping[str, Any]) -> list[str]:
    """Why a plural text does not give exactly the forms its language needs, each usable."""
    needed = plural_categories(language)
    problems = []
    if missing := sorted(needed - set(forms)):
        problems.append(
            f"needs the plural forms {', '.join(sorted(needed))} (missing: {', '.join(missing)})"
        )
    if extra := sorted(set(forms) - needed):
        problems.append(
            f"{language} has no plural form {', '.join(extra)} "
            f"(it uses {', '.join(sorted(needed))})"
        )
    for category, template in forms.items():
        if not isinstance(template, str) or not template.strip():
            problems.append(f"the {category} form must be a non-empty text")
        elif placeholders(template) != placeholders(forms["other"]) and not template_problem(
            template
        ):
            problems.append(f"the {category} form has other placeholders than the other form")
    return problems


def flatten(data: Mapping[Any, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Nested mappings as dotted keys: {start: {welcome: ...}} -> ("start.welcome", ...).

    A mapping of plural forms is one text: it is yielded whole.
    """
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and not is_plural(value):
            yield from flatten(value, f"{dotted}.")
        else:
            yield dotted, value


def odd_keys(data: Mapping[Any, Any], prefix: str = "") -> Iterator[str]:
    """Dotted paths of keys YAML did not read as text (off, yes, no, 1 ... become bool or int)."""
    for key, value in data.items():
        if not isinstance(key, str):
            yield f"{prefix}{key!r}"
        elif isinstance(value, Mapping):
            yield from odd_keys(value, f"{prefix}{key}.")


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
