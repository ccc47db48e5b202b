"""The databases a benchmark runs on (--databases sqlite postgres): a SQLite file in the run's
work directory, or a fresh database on a throwaway PostgreSQL server (bench/postgres.py); and
the main figures of each, printed side by side."""

from __future__ import annotations

import argparse
import asyncio
import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bench.postgres import (
    INSTALL_HINT,
    LIKE_SQLITE,
    PostgresServer,
    create_database,
    drop_database,
    postgres_bin,
    throwaway_server,
)
from db.connection import make_engine

KINDS = ("sqlite", "postgres")
NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
_numbers = itertools.count(1)


def add_option(parser: argparse.ArgumentParser, default: Sequence[str]) -> None:
    parser.add_argument(
        "--databases",
        nargs="+",
        choices=KINDS,
        default=list(default),
        metavar="DATABASE",
        help=f"one or more of {', '.join(KINDS)}, run in that order (default: "
        f"{' '.join(default)}; postgres needs PostgreSQL installed: {INSTALL_HINT})",
    )


def runnable(kinds: Sequence[str]) -> list[str]:
    """The chosen databases that can run on this machine; says why PostgreSQL is left out, and
    stops when nothing is left to run."""
    chosen = list(dict.fromkeys(kinds))
    if "postgres" in chosen and postgres_bin() is None:
        chosen.remove("postgres")
        why = f"its server binaries (initdb, postgres) are not installed ({INSTALL_HINT})"
        if not chosen:
            raise SystemExit(f"PostgreSQL cannot run: {why}")
        print(f"PostgreSQL skipped: {why}; running on {', '.join(NAMES[k] for k in chosen)} only")
    return chosen


@dataclass
class Database:
    """One kind of database for a benchmark; `fresh` makes each run's own."""

    kind: str
    server: PostgresServer | None = None

    @property
    def name(self) -> str:
        return NAMES[self.kind]

    @property
    def described(self) -> str:
        if self.server is None:
            return "SQLite (one file, WAL, synchronous=NORMAL)"
        return (
            f"PostgreSQL {self.server.version} (a throwaway server on this machine, "
            f"{', '.join(f'{k}={v}' for k, v in LIKE_SQLITE.items())})"
        )

    async def fresh(self, workdir: Path) -> str:
        """The URL of a new, empty database for one run (SQLite: bench.db in `workdir`)."""
        if self.server is None:
            return f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        return await create_database(self.server.url, f"bench{next(_numbers)}")

    async def discard(self, url: str) -> None:
        """Delete a database made by `fresh` (its bot stopped)."""
        if self.server is None:
            await asyncio.to_thread(Path(url.split(":///", 1)[1]).unlink, missing_ok=True)
        else:
            await drop_database(self.server.url, url.rsplit("/", 1)[1])

    def server_cpu(self) -> float:
        """CPU seconds used so far by a database server of its own (0 for SQLite: its work is
        done inside the bot's process and counted there)."""
        return self.server.cpu_seconds() if self.server is not None else 0.0


@contextmanager
def opened(kind: str) -> Iterator[Database]:
    """The database of this kind, with its server running while the block runs."""
    if kind == "sqlite":
        yield Database(kind)
        return
    with throwaway_server(LIKE_SQLITE) as server:
        yield Database(kind, server)


def engine(url: str) -> AsyncEngine:
    """The bot's engine for `url` (a SQLite file's folder created private, as the bot does)."""
    sqlite_path = Path(url.split(":///", 1)[1]) if url.startswith("sqlite") else None
    return make_engine(url, sqlite_path)


def comparison(
    figures: dict[str, dict[str, float]], rows: Sequence[tuple[str, str, str]]
) -> list[str]:
    """The main figures side by side, one line per (key, label, format) of `rows`; nothing
    when fewer than two ran. A figure one lacks shows as "-"."""
    if len(figures) < 2:
        return []
    names = [NAMES.get(kind, kind) for kind in figures]
    width = max(len(label) for _, label, _ in rows) + 2
    lines = [
        f"{' beside '.join(names)}, main figures:",
        "  " + " " * width + "".join(f"{name:>14}" for name in names),
    ]
    for key, label, style in rows:
        values = [
            style.format(kind_figures[key]) if key in kind_figures else "-"
            for kind_figures in figures.values()
        ]
        lines.append(f"  {label:<{width}}" + "".join(f"{value:>14}" for value in values))
    return lines
