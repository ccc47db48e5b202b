"""A throwaway PostgreSQL server for the tests that check the multi-process claim.

The server is started from the machine's PostgreSQL binaries (Debian's `postgresql` package;
`.ci/run` installs it where it is missing and it can) by bench/postgres.py, which the benchmarks
use too. Without them these tests are skipped with a message saying so; nothing else depends on
them.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.postgres import (
    INSTALL_HINT,
    create_database,
    drop_database,
    free_port,
    postgres_bin,
    throwaway_server,
)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if postgres_bin() is None:
        pytest.skip(f"PostgreSQL is not installed ({INSTALL_HINT}); .ci/run installs it")
    with throwaway_server() as server:
        yield server.url


@pytest.fixture
async def pg_database(postgres_url: str) -> AsyncIterator[str]:
    """A fresh, empty database on the server for one test."""
    name = f"t{os.getpid()}_{free_port()}"
    url = await create_database(postgres_url, name)
    try:
        yield url
    finally:
        await drop_database(postgres_url, name)


async def dispose(*engines: AsyncEngine) -> None:
    await asyncio.gather(*(engine.dispose() for engine in engines))
