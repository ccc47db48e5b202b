"""Seed a migrated database (SQLite or PostgreSQL, by URL) with many users and reminders, fast:
plain multi-row inserts, in batches, without the ORM."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from bench.databases import engine
from db.migrate import upgrade_to_head
from db.models import Reminder, User

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
BATCH = 50_000


async def seed(
    url: str,
    users: int,
    *,
    due: datetime | None = None,
    first_id: int = 10_000_000,
    seed_value: int = 1,
) -> None:
    """`users` users with one daily reminder each. With `due`, all are due then; otherwise
    their next due instants spread over the coming day."""
    database = engine(url)
    await upgrade_to_head(database)
    rng = random.Random(seed_value)
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        for start in range(0, users, BATCH):
            ids = range(first_id + start, first_id + min(users, start + BATCH))
            people = [
                {
                    "id": i,
                    "language": "en",
                    "timezone": ZONES[i % len(ZONES)],
                    "consent_at": None,
                    "reminders_paused": False,
                    "created_at": now,
                    "updated_at": now,
                    "last_seen_at": now,
                }
                for i in ids
            ]
            reminders = []
            for i in ids:
                moment = due or now + timedelta(seconds=rng.randrange(120, 86_400))
                reminders.append(
                    {
                        "user_id": i,
                        "chat_id": i,
                        "local_time": moment.strftime("%H:%M"),
                        "days": 127,
                        "zone": "UTC",
                        "enabled": True,
                        "next_due": moment,
                        "created_at": now,
                    }
                )
            async with database.begin() as connection:  # one transaction a batch
                await connection.execute(insert(User), people)
                await connection.execute(insert(Reminder), reminders)
        if database.dialect.name == "postgresql":
            async with database.connect() as connection:  # the planner's statistics, now
                await connection.exec_driver_sql("ANALYZE users, reminders")
    finally:
        await database.dispose()
