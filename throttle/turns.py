"""First come, first served turns per key: one holder at a time, the others queue in order.

The limiter keeps each chat's turn from before its wait until Telegram has answered, so a
request to a chat never overtakes an earlier one to the same chat, retries included.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Hashable


class Turns:
    """Exclusive turns by key, handed over in arrival order.

    A key nobody queues for costs one dict entry (to None) and no allocation; the queue of
    futures is created only when a second request arrives for a held key, and the entry goes
    away with the last holder, so the dict holds only chats with a request in progress.
    """

    __slots__ = ("_queues",)

    def __init__(self) -> None:
        self._queues: dict[Hashable, deque[asyncio.Future[None]] | None] = {}

    def __len__(self) -> int:
        """How many keys are held right now."""
        return len(self._queues)

    def busy(self, key: Hashable) -> bool:
        return key in self._queues

    def take_if_free(self, key: Hashable) -> bool:
        """Take the turn for `key` if nobody holds it (never waits)."""
        if key in self._queues:
            return False
        self._queues[key] = None
        return True

    async def take(self, key: Hashable) -> None:
        """Wait for the turn for `key`, behind everybody who asked earlier."""
        queues = self._queues
        if key not in queues:
            queues[key] = None
            return
        queue = queues[key]
        if queue is None:
            queue = queues[key] = deque()
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                # Handed the turn just as we were cancelled: pass it on, or the key stays stuck.
                self.give_back(key)
            else:
                with contextlib.suppress(ValueError):
                    queue.remove(turn)
            raise

    def give_back(self, key: Hashable) -> None:
        """Hand the turn to the next in line, or free the key if nobody is waiting."""
        queue = self._queues[key]
        while queue:
            turn = queue.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        del self._queues[key]
