"""The terminal chat's language (bot.terminal_language): what its Telegram user and the Mini App
link's launch data carry, read from the locale variables as a Telegram app reads the system's."""

from __future__ import annotations

import pytest

from bot import terminal_language
from content import load_content

CONTENT = load_content()


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "C"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({}, "en"),
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "C", "LC_ALL": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "en_GB.UTF-8", "LANGUAGE": "ru:en"}, "ru"),
        ({"LANG": "de_DE.UTF-8"}, "en"),  # no German content: the default
        ({"LANGUAGE": "de:ru", "LANG": "C"}, "ru"),
    ],
)
def test_the_terminals_language_is_one_the_content_has(
    environ: dict[str, str], language: str
) -> None:
    assert terminal_language(environ, CONTENT) == language
