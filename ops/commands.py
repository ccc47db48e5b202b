"""The operator's commands of bot.py: health, new-key, rotate-key."""

from __future__ import annotations

import asyncio
import sys

from core.config import Settings
from db.connection import make_engine, make_transaction_factory
from db.crypto import DataKeyError, new_key
from db.keys import rotate_keys
from db.migrate import upgrade_to_head
from ops.health import probe


def health_command(settings: Settings) -> int:
    """`bot.py health`: 0 if the running bot answers /healthz with 200, else 1 (or 2)."""
    code, line = probe(settings)
    print(line, file=sys.stderr if code else sys.stdout)
    return code


def new_key_command() -> int:
    """`bot.py new-key`: print a fresh data key (for DATA_KEY)."""
    print(new_key())
    return 0


def rotate_key_command(settings: Settings) -> int:
    """`bot.py rotate-key`: re-encrypt all health data under the first key of DATA_KEY."""
    keys = settings.data_keys()
    if keys is None:
        print("DATA_KEY is not set: put the new key first, then the old ones.", file=sys.stderr)
        return 2
    try:
        count = asyncio.run(_rotate(settings))
    except DataKeyError as error:
        print(f"Rotation stopped, nothing changed: {error}", file=sys.stderr)
        return 1
    print(
        f"Re-encrypted {count} stored values under the first key of DATA_KEY. "
        "The other keys may now be removed from DATA_KEY."
    )
    return 0


async def _rotate(settings: Settings) -> int:
    keys = settings.data_keys()
    engine = make_engine(settings.database_url, settings.sqlite_path(), keys=keys)
    try:
        await upgrade_to_head(engine)
        async with make_transaction_factory(engine)() as tx:
            assert keys is not None
            count = await rotate_keys(tx, keys)
            await tx.commit()
        return count
    finally:
        await engine.dispose()
