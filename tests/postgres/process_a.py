"""A second bot process for the PostgreSQL tests: it beats its lease as instance "a", claims due
reminders and "sends" them slowly (each send is appended to a file, as it would reach Telegram),
until the test kills it with SIGKILL. Run: python -m tests.postgres.process_a URL FILE."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta

from db import instances
from db.connection import make_engine, make_transaction_factory
from db.reminders import Claimed
from reminders.dispatcher import BeforeSend, Dispatcher, Result


async def main(url: str, path: str) -> None:
    factory = make_transaction_factory(make_engine(url))
    async with factory() as tx:
        await instances.beat(tx, "a", datetime.now(UTC))
        await tx.commit()
    sent = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (killed, never closed)

    async def send(item: Claimed, before_send: BeforeSend) -> tuple[Result, int | None]:
        await asyncio.sleep(0.02)
        if not await before_send():
            return Result.WITHDRAWN, None
        sent.write(item.key + "\n")  # reached "Telegram"
        return Result.SENT, 1

    dispatcher = Dispatcher(
        factory, send, grace=timedelta(hours=2), owner="a", batch=50, concurrency=4
    )
    while True:
        await dispatcher.dispatch()
        await asyncio.sleep(0.1)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
