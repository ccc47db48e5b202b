"""An asyncio event loop whose clock jumps to the next timer instead of waiting for it.

`asyncio.sleep(5)` returns at once in real time while `loop.time()` moves on by exactly 5, so
tests of the limiter run its real sleeps, in any number of tasks, without real waiting.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class _JumpingSelector(selectors.DefaultSelector):
    """Polls real file descriptors without blocking; a wait for a timer moves the clock."""

    def __init__(self, advance: Callable[[float], None]) -> None:
        super().__init__()
        self._advance = advance

    def select(self, timeout: float | None = None) -> list[tuple[Any, int]]:
        if timeout is None:  # no timer at all: only another thread can wake us
            return super().select(None)
        ready: list[tuple[Any, int]] = super().select(0)
        if not ready and timeout > 0:
            self._advance(timeout)
        return ready


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector event loop on a virtual clock that starts at 0."""

    def __init__(self) -> None:
        self._virtual_now = 0.0
        super().__init__(_JumpingSelector(self._advance))

    def time(self) -> float:
        return self._virtual_now

    def _advance(self, seconds: float) -> None:
        self._virtual_now += seconds


def run_in_virtual_time(
    scenario: Callable[[], Coroutine[Any, Any, T]], *, give_up_after: float = 3600.0
) -> T:
    """Run `scenario()` on a fresh virtual-time loop; a deadlock fails after `give_up_after`
    virtual seconds instead of hanging."""
    loop = VirtualTimeLoop()
    try:
        return loop.run_until_complete(asyncio.wait_for(scenario(), give_up_after))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
