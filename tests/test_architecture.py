"""The import rules of ARCHITECTURE.md, checked on the code so they cannot drift.

Rooms are top-level folders. An import inside `if TYPE_CHECKING:` is a type hint, not an arrow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = (
    "bot",
    "core",
    "handlers",
    "safety",
    "engine",
    "reminders",
    "throttle",
    "db",
    "content",
    "illustrations",
    "emulator",
    "bench",
    "ops",
)
# What each room may import at run time (besides itself and third-party packages).
MAY_IMPORT: dict[str, set[str]] = {
    "core": {"content", "db"},
    "handlers": {"core", "db", "engine", "reminders", "safety", "throttle", "content", "ops"},
    "safety": set(),
    "engine": set(),
    "throttle": set(),
    "reminders": {"db", "safety"},
    "db": {"engine"},
    "content": {"safety"},
    "illustrations": set(),
    "emulator": set(),
    "ops": {"core", "db"},
}
# Known arrows against the target design, to be removed by the restructuring (issue 11). A new
# arrow fails the test; removing one of these makes its entry fail too, so the list stays true.
KNOWN_EXCEPTIONS = {("db", "reminders.schedule")}


def runtime_imports(path: Path) -> set[str]:
    """Modules of ours imported by a file, outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only.update(id(child) for child in ast.walk(node))
    found = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] in OURS}


def arrows() -> set[tuple[str, str]]:
    """(room, imported module) for every import across rooms."""
    found = set()
    for room in MAY_IMPORT:
        for path in (ROOT / room).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for module in runtime_imports(path):
                if module.split(".")[0] != room:
                    found.add((room, module))
    return found


@pytest.mark.parametrize("room", sorted(MAY_IMPORT))
def test_each_room_imports_only_what_it_may(room: str) -> None:
    wrong = {
        module
        for source, module in arrows() - KNOWN_EXCEPTIONS
        if source == room and module.split(".")[0] not in MAY_IMPORT[room]
    }
    assert not wrong, f"{room}/ must not import {sorted(wrong)} (see ARCHITECTURE.md)"


def test_the_known_exceptions_are_still_there() -> None:
    assert arrows() >= KNOWN_EXCEPTIONS, "an exception was removed: drop it from the list"


def test_only_the_entry_point_tests_and_benchmarks_import_the_emulator() -> None:
    assert not {source for source, module in arrows() if module.split(".")[0] == "emulator"}


def test_nothing_below_handlers_imports_them() -> None:
    below = {"core", "safety", "engine", "reminders", "throttle", "db", "content", "ops"}
    assert not {
        (source, module)
        for source, module in arrows()
        if source in below and module.split(".")[0] == "handlers"
    }
