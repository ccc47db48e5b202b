"""`python bot.py check-content`: validate content/ without starting the bot."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from content import ContentError, TextCheck, load_content
from content.phrases import load_phrases, needs_of


def main(root: Path | None = None, checks: Sequence[TextCheck] = ()) -> int:
    """Print "content OK" with counts, or every problem one per line; return the exit code.
    `checks`: those of other rooms (bot.py passes the pain words')."""
    try:
        content = load_content(root, checks)
    except ContentError as error:
        for problem in error.problems:
            print(problem)
        print(
            f"{len(error.problems)} problem(s) found; the bot will not start until they are fixed."
        )
        return 1
    needs = needs_of(content.exercises, content.routines)
    problems, phrases = load_phrases(content.root, content.languages, needs)
    if problems:
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s) found in the audio guide's phrases or clips.")
        return 1
    print(
        f"content OK: {len(content.exercises)} exercises, {len(content.routines)} routines, "
        f"{len(content.languages)} languages, "
        f"{sum(len(book.phrases) for book in phrases.books.values())} spoken phrases with clips"
    )
    return 0
