"""`python bot.py check-content`: validate content/ without starting the bot."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from content import ContentError, TextCheck, load_content


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
    print(
        f"content OK: {len(content.exercises)} exercises, {len(content.routines)} routines, "
        f"{len(content.languages)} languages"
    )
    return 0
