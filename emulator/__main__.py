"""`python -m emulator [PORT]`: run a standalone emulator and print its base_url."""

from __future__ import annotations

import asyncio
import contextlib
import sys

from emulator.server import BotApiEmulator


async def main(port: int) -> None:
    emulator = BotApiEmulator()
    await emulator.start(port)
    print(f"base_url={emulator.base_url}\nbase_file_url={emulator.base_file_url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8081))
