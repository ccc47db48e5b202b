"""The import rules of ARCHITECTURE.md, checked on the code so they cannot drift.

Rooms are top-level folders, and the folders of NESTED inside them. Every import counts, those
inside `if TYPE_CHECKING:` too: a type hint names the room it comes from as surely as a call does.
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
    "background",
    "services",
    "ui",
    "safety",
    "guided",
    "reminders",
    "places",
    "throttle",
    "db",
    "content",
    "illustrations",
    "emulator",
    "bench",
    "progress",
    "ops",
    "perf",
    "audio",
    "webapp",
)
# Rooms inside a room: the guided session is one package (guided/) in two layers, its pure
# engine (statuses included) among the rules, its service beside services/.
NESTED = ("guided.engine",)
# Logic without Telegram I/O of its own.
RULES = {"safety", "guided.engine", "reminders", "places", "throttle", "progress"}
# What each room may import at run time (besides itself and third-party packages), top to bottom.
MAY_IMPORT: dict[str, set[str]] = {
    "handlers": {"background", "ops", "guided", "services", "ui", "core", "db", "content"} | RULES,
    # The chat presenter (background/presenter.py) shows what the guided sessions' service asks;
    # the track presenter (background/listening.py) sends what the audio guide renders.
    "background": {"guided", "services", "ui", "core", "db", "content", "perf", "audio"} | RULES,
    # The guided sessions' service: its units of work use the other services' parts (the pain
    # report, progression, the adapted routine) inside its own transactions.
    "guided": {"services", "core", "db", "content", "perf"} | RULES,
    "services": {"core", "db", "content", "perf"} | RULES,
    "ui": {"guided.engine", "progress", "safety", "content"},
    # BotData names the state it holds: rooms below core only (the rules among them).
    "core": {"content", "db", "perf"} | RULES,
    "reminders": {"db", "safety", "places"},
    "safety": set(),
    "guided.engine": {"content"},
    "places": {"content"},  # the time words' type (content/words.py); their data is passed in
    # The session statuses (guided/engine/status.py) are read by every reader of sessions.
    "progress": {"guided.engine"},
    "throttle": set(),
    "db": {"guided.engine", "perf"},  # the statuses; the SQLite driver
    "content": set(),  # checks whose rules live elsewhere (the pain words) are passed in
    "perf": set(),  # the performance machinery: at the bottom, anyone may build on it
    "illustrations": set(),
    "emulator": set(),
    "ops": {"core", "db", "perf"},  # what operators need: serving, health, metrics, key commands
    # The audio guide mixes a track from the content and the engine's timeline; no I/O of the
    # bot's (a presenter sends what it renders).
    "audio": {"content", "guided.engine"},
    # The Mini App: its backend is the guided sessions' service with the chat's gate and
    # /progress numbers (BotData from background), the page's words and figures from content,
    # ui (the chat's dose and title texts) and illustrations (the poses), the audio guide's
    # script, tones and clips (audio); never handlers.
    "webapp": {
        "audio",
        "background",
        "guided",
        "guided.engine",
        "services",
        "ui",
        "content",
        "illustrations",
        "safety",
        "progress",
        "places",
        "perf",
    },
}
# Layers: a room may import only rooms listed after it here (or beside it in RULES).
BELOW_HANDLERS = set(MAY_IMPORT) - {"handlers", "illustrations", "emulator"}


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def imports(path: Path) -> set[str]:
    """Modules of ours (and telegram) imported by a file, wherever the import stands."""
    found = set()
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] in OURS or name == "telegram"}


def room_of(module: str) -> str:
    """The room a module (or a package path) belongs to."""
    for nested in NESTED:
        if module == nested or module.startswith(nested + "."):
            return nested
    return module.split(".")[0]


def files(room: str) -> list[Path]:
    found = (ROOT / room.replace(".", "/")).rglob("*.py")
    return [
        path
        for path in found
        if "migrations" not in path.parts
        and room_of(".".join(path.relative_to(ROOT).with_suffix("").parts)) == room
    ]


def arrows() -> set[tuple[str, str]]:
    """(room, imported module) for every import across rooms."""
    found = set()
    for room in MAY_IMPORT:
        for path in files(room):
            for module in imports(path):
                if room_of(module) not in (room, "telegram"):
                    found.add((room, module))
    return found


def test_type_hints_count_as_imports(tmp_path: Path) -> None:
    hinted = tmp_path / "hinted.py"
    hinted.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from handlers.chats import x\n"
    )
    assert imports(hinted) == {"handlers.chats"}


@pytest.mark.parametrize("room", sorted(MAY_IMPORT))
def test_each_room_imports_only_what_it_may(room: str) -> None:
    wrong = {
        module
        for source, module in arrows()
        if source == room and room_of(module) not in MAY_IMPORT[room]
    }
    assert not wrong, f"{room}/ must not import {sorted(wrong)} (see ARCHITECTURE.md)"


def test_storage_and_numbers_read_only_the_statuses_of_guided_sessions() -> None:
    """db/ and progress/ import nothing of ours but the statuses (and db/ its SQLite driver,
    perf/): never the engine's timers."""
    read = {module for source, module in arrows() if source in ("db", "progress")}
    assert read <= {"guided.engine.status", "perf"}, sorted(read)


def test_no_circle_between_rooms() -> None:
    """Following the imports from any room never leads back to it."""
    edges: dict[str, set[str]] = {}
    for source, module in arrows():
        if room_of(module) in MAY_IMPORT:
            edges.setdefault(source, set()).add(room_of(module))

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for room in edges.get(start, set()) - seen:
            if room == goal or reaches(room, goal, seen | {room}):
                return True
        return False

    circles = sorted(room for room in edges if reaches(room, room, set()))
    assert not circles, f"rooms that import themselves back: {circles}"


def test_only_the_entry_point_tests_and_benchmarks_import_the_emulator() -> None:
    assert not {source for source, module in arrows() if room_of(module) == "emulator"}


def test_nothing_below_handlers_imports_them() -> None:
    assert not {
        (source, module)
        for source, module in arrows()
        if source in BELOW_HANDLERS and room_of(module) == "handlers"
    }


def test_units_of_work_never_touch_telegram() -> None:
    """A transaction cannot span a Telegram call if the code that owns it cannot make one."""
    for room in ("guided", "guided.engine", "services", "db"):
        touching = [p.name for p in files(room) if "telegram" in imports(p)]
        assert not touching, f"{room}/ must not import telegram: {touching}"


def test_the_audio_guide_never_touches_telegram() -> None:
    touching = [p.name for p in files("audio") if "telegram" in imports(p)]
    assert not touching, f"audio/ must not import telegram: {touching}"


@pytest.mark.parametrize("path", files("handlers"), ids=lambda path: path.name)
def test_handlers_open_no_transaction(path: Path) -> None:
    """Handlers call units of work (services/); only model types may come from db/."""
    from_db = {module for module in imports(path) if module.split(".")[0] == "db"}
    assert from_db <= {"db.models"}, f"{path.name} imports {sorted(from_db)}"
    calls = [
        ast.unparse(node)
        for node in ast.walk(parsed(path))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "db"
    ]
    assert not calls, f"{path.name} opens a transaction: {calls}"


@pytest.mark.parametrize("path", files("handlers"), ids=lambda path: path.name)
def test_handler_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 300, f"{path.name} has {lines} lines: split it by feature"


def test_no_handler_reads_a_payload_by_hand() -> None:
    """Payloads are read in one place (handlers/common.on_press, through ui/payloads.py's
    classes): no handler unpacks or splits callback data itself."""
    by_hand = {
        path.name
        for path in files("handlers")
        if path.name != "common.py"
        for node in ast.walk(parsed(path))
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "read")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "unpack")
        )
    }
    assert not by_hand, f"payloads parsed by hand in {sorted(by_hand)}"


def test_keyboards_are_built_in_ui() -> None:
    """Buttons are made in ui/ (their labels, their payloads), not in handlers or background/."""
    building = sorted(
        f"{room}/{path.name}"
        for room in ("handlers", "background")
        for path in files(room)
        if "InlineKeyboardButton(" in path.read_text(encoding="utf-8")
    )
    assert not building, f"keyboards built outside ui/: {building}"


def test_the_stale_button_toast_is_written_once() -> None:
    written = [
        path.name
        for path in files("handlers")
        if '"fallback.stale_button"' in path.read_text(encoding="utf-8")
    ]
    assert written == ["common.py"], written
