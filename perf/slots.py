"""The update slots: at most `UPDATE_SLOTS` handlers run at once, and a handler waiting parked in
a group commit (perf/batching.py) lends its slot out meanwhile.

Buys: under a burst of new users the other updates wait here instead of crowding the event loop,
so the timers of running sessions keep their beat (`make bench-timers`: the first 30 s, while
1,000 sessions start). Lending the slot of a parked handler lets the next update join the same
batch, so more ratings share one transaction (`make bench-ratings`: press -> summary p99). The
same two-queue gate, of one, is a chat's turn in core/updates.py (pain reports first).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar


class Slots:
    """A semaphore with two queues: the first served before the rest (here, handlers coming back
    from a parked wait before new updates; a chat's turn, core/updates.py: pain reports first)."""

    def __init__(self, count: int) -> None:
        self._free = count
        self._first: deque[asyncio.Future[None]] = deque()
        self._rest: deque[asyncio.Future[None]] = deque()

    @property
    def free(self) -> int:
        return self._free

    async def acquire(self, *, first: bool = False) -> None:
        """Take a slot; `first`: ahead of every waiter not `first`."""
        if self._free > 0 and not self._first and (first or not self._rest):
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._first if first else self._rest
        queue.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # granted as it was cancelled: pass it on
            else:
                queue.remove(waiter)
            raise

    def release(self) -> None:
        """Give a slot back: to the next waiter (`first` ones first), else to the pool."""
        for queue in (self._first, self._rest):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._free += 1

    @asynccontextmanager
    async def occupy(self) -> AsyncIterator[None]:
        """Run the body in a slot, which `parked()` inside it may lend out meanwhile."""
        await self.acquire()
        occupant = _Occupant(self)
        token = _current.set(occupant)
        try:
            yield
        finally:
            _current.reset(token)
            if occupant.seated:
                occupant.seated = False
                self.release()


class _Occupant:
    def __init__(self, slots: Slots) -> None:
        self.slots = slots
        self.seated = True
        # A task the handler starts inherits this context; only the handler's own task may lend
        # its slot (a task outliving the handler would otherwise take one back and keep it).
        self.task = asyncio.current_task()


_current: ContextVar[_Occupant | None] = ContextVar("update_slot", default=None)


@asynccontextmanager
async def parked() -> AsyncIterator[None]:
    """The body only waits (for a batch's result): the caller's slot, if it holds one, is free
    meanwhile, and taken back (ahead of new updates) before the handler goes on."""
    occupant = _current.get()
    if occupant is None or not occupant.seated or occupant.task is not asyncio.current_task():
        yield
        return
    occupant.seated = False
    occupant.slots.release()
    try:
        yield
    finally:
        # Cancelled here: the slot is not ours to give back.
        await occupant.slots.acquire(first=True)
        occupant.seated = True
