"""Alembic environment: runs on the bot's own connection at start, or on DATABASE_URL by hand."""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from core.config import load_settings
from db.connection import make_engine
from db.models import Base

config = context.config
target_metadata = Base.metadata


def run_with_connection(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_standalone() -> None:
    settings = load_settings()
    engine = make_engine(settings.database_url, settings.sqlite_path())
    async with engine.begin() as connection:
        await connection.run_sync(run_with_connection)
    await engine.dispose()


connection = config.attributes.get("connection")
if connection is not None:
    run_with_connection(connection)
else:
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    asyncio.run(run_standalone())
