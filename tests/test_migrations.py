"""The migrations build exactly the schema the models describe, and upgrade old data safely."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from db.connection import make_engine
from db.migrate import alembic_config, upgrade_to_head
from db.models import Base


async def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    await upgrade_to_head(engine)

    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []
    await engine.dispose()


async def test_upgrade_keeps_existing_users_and_marks_them_seen(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")

    def to_0003(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")

    async with engine.begin() as connection:
        await connection.run_sync(to_0003)
        await connection.execute(
            text(
                "INSERT INTO users (id, language, reminders_paused, created_at, updated_at) "
                "VALUES (7, 'en', 0, '2026-01-02 03:04:05', '2026-02-03 04:05:06')"
            )
        )
    await upgrade_to_head(engine)
    async with engine.connect() as connection:
        seen = (await connection.execute(text("SELECT last_seen_at FROM users"))).scalar_one()
    assert str(seen).startswith("2026-02-03 04:05:06")
    await engine.dispose()
