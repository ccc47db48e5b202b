"""Group commits: requests that arrive while a batch runs are served together by one call.

`Batched` collects what arrives while a batch is running and serves it with one call of `run`
(one transaction, set-based queries) when the connection is free again. Nothing waits on a
timer: a request that finds nothing running starts a batch at once, so a quiet bot answers as
before and a busy one answers many at a time.

With `gather=True` (the Mini App's posts, read from many connections), the first batch after a
quiet spell waits until two turns of the event loop in a row bring no new request (20 turns at
most, or a full batch): a burst read from the network over several turns is served as one batch
instead of a batch of one that holds SQLite's write lock, which two processes share, while this
process reads the rest of the burst. A lone request is served a few turns later (microseconds).
Telegram's updates need no such wait: one getUpdates answer brings a burst in one turn.

If a batch fails, its requests are run again one by one, so one bad request fails only its own
caller.

Buys: 1,000 after-session ratings within a second share a few transactions on SQLite's one
connection instead of queueing one transaction each (`make bench-ratings`: press -> summary p99);
the safety gate's reads are batched the same way, and the Mini App's checkpoint posts
(`make bench-app-api`: checkpoint p99).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

from perf.slots import parked

logger = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")

GATHER_TURNS = 20  # turns of the loop a batch waits for more at most
QUIET_TURNS = 2  # turns with nothing new that start it (a request read in one turn is
# handled, and so reaches the batch, in the next)

Run = Callable[[Sequence[Item]], Awaitable[Sequence[Result]]]


class Batched(Generic[Item, Result]):
    """`await batched(item)` is `run([item])[0]`, with requests that arrive together served
    together (at most `max_size` a call)."""

    def __init__(self, run: Run[Item, Result], max_size: int = 200, gather: bool = False) -> None:
        self._run = run
        self._max_size = max_size
        self._gather_first = gather
        self._pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self._task: asyncio.Task[None] | None = None
        self.batches = 0  # calls of `run` so far, and the most requests one call served
        self.largest = 0

    async def __call__(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain(), name="batched")
        async with parked():  # an update's slot serves another meanwhile (perf/slots.py)
            return await future

    async def _drain(self) -> None:
        if self._gather_first:
            await self._gather()  # only from idle: the next batches gather while one runs
        while self._pending:
            batch = self._pending[: self._max_size]
            del self._pending[: self._max_size]
            await self._serve(batch)

    async def _gather(self) -> None:
        """Let what is arriving join before the batch starts: the loop turns while each turn
        brings more requests (a full batch, or GATHER_TURNS turns at most)."""
        seen, still = len(self._pending), 0
        for _ in range(GATHER_TURNS):
            if len(self._pending) >= self._max_size:
                return
            await asyncio.sleep(0)
            still = still + 1 if len(self._pending) == seen else 0
            if still >= QUIET_TURNS:
                return
            seen = len(self._pending)

    async def _serve(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        self.batches += 1
        self.largest = max(self.largest, len(batch))
        try:
            results = await self._run([item for item, _ in batch])
        except Exception as error:
            if len(batch) == 1:
                _settle(batch[0][1], error=error)
                return
            logger.warning(
                "a batch of %d failed (%s); running them one by one", len(batch), type(error)
            )
            for one in batch:
                await self._serve([one])
            return
        except BaseException as error:  # cancelled (shutdown): nobody is left waiting forever
            for _, future in batch:
                _settle(future, error=error)
            raise
        for (_, future), result in zip(batch, results, strict=True):
            _settle(future, result=result)


def _settle(
    future: asyncio.Future[Any], *, result: Any = None, error: BaseException | None = None
) -> None:
    """Give a caller its result, unless it stopped waiting (cancelled)."""
    if future.done():
        return
    if isinstance(error, asyncio.CancelledError):
        future.cancel()
    elif error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
