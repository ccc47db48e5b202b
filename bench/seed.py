"""Seed a migrated SQLite database with many users and reminders, fast (plain sqlite3)."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from db.connection import make_engine
from db.migrate import upgrade_to_head

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Europe/Moscow",
    "UTC",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "Asia/Tokyo",
]


def migrate(path: Path) -> None:
    async def run() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{path}", path)
        await upgrade_to_head(engine)
        await engine.dispose()

    asyncio.run(run())


def seed(
    path: Path,
    users: int,
    *,
    due: datetime | None = None,
    first_id: int = 10_000_000,
    seed_value: int = 1,
) -> None:
    """`users` users with one daily reminder each. With `due`, all are due then; otherwise
    their next due instants spread over the coming day."""
    migrate(path)
    rng = random.Random(seed_value)
    now = datetime.now(UTC).replace(microsecond=0)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    stamp = now.isoformat(sep=" ")
    batch = 50_000
    for start in range(0, users, batch):
        ids = range(first_id + start, first_id + min(users, start + batch))
        connection.executemany(
            "INSERT INTO users (id, language, timezone, consent_at, reminders_paused, created_at,"
            " updated_at, last_seen_at) VALUES (?, 'en', ?, NULL, 0, ?, ?, ?)",
            [(i, ZONES[i % len(ZONES)], stamp, stamp, stamp) for i in ids],
        )
        rows = []
        for i in ids:
            moment = due or now + timedelta(seconds=rng.randrange(120, 86_400))
            local = moment.strftime("%H:%M")
            rows.append((i, i, local, 127, "UTC", 1, moment.isoformat(sep=" "), stamp))
        connection.executemany(
            "INSERT INTO reminders (user_id, chat_id, local_time, days, zone, enabled, next_due,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        connection.commit()
    connection.close()
