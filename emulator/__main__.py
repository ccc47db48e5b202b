"""`python -m emulator [--port N] [--user ID]`: a standalone emulator for manual use."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from emulator.server import BotApiEmulator


async def serve(port: int, user_ids: list[int]) -> None:
    emulator = BotApiEmulator()
    await emulator.start(port)
    for user_id in user_ids:
        emulator.add_user(user_id)
    print(f"base_url={emulator.base_url}", flush=True)
    print(f"base_file_url={emulator.base_file_url}", flush=True)
    try:
        await asyncio.Event().wait()  # until Ctrl-C
    finally:
        await emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument(
        "--user", type=int, action="append", default=[], help="add a simulated user (chat) id"
    )
    arguments = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(arguments.port, arguments.user or [100001]))


if __name__ == "__main__":
    main()
