"""perf/batching.py with `gather` (the Mini App's posts): what arrives over a few turns of the
loop is one batch; a lone request is served a few turns later (no timer); a flood that never
pauses still starts within a bound. Without it, a batch starts at once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from perf.batching import GATHER_TURNS, QUIET_TURNS, Batched


def recorder() -> tuple[Batched[int, int], list[list[int]]]:
    calls: list[list[int]] = []

    async def run(items: Sequence[int]) -> list[int]:
        calls.append(list(items))
        return [item * 2 for item in items]

    return Batched(run, gather=True), calls


async def after_turns(batched: Batched[int, int], turns: int) -> int:
    for _ in range(turns):
        await asyncio.sleep(0)
    return await batched(turns)


async def test_requests_arriving_over_a_few_turns_share_one_batch() -> None:
    """As a burst read from the network over several turns (one request a turn here)."""
    batched, calls = recorder()
    results = await asyncio.gather(*(after_turns(batched, turn) for turn in range(5)))
    assert results == [0, 2, 4, 6, 8]
    assert calls == [[0, 1, 2, 3, 4]]


async def test_a_lone_request_is_served_a_few_turns_later() -> None:
    batched, calls = recorder()
    served = asyncio.ensure_future(batched(7))
    turns = 0
    while not served.done() and turns < 50:
        await asyncio.sleep(0)
        turns += 1
    assert served.result() == 14 and calls == [[7]]
    assert turns <= QUIET_TURNS + 4


async def test_a_flood_that_never_pauses_starts_its_first_batch_within_the_bound() -> None:
    batched, calls = recorder()
    flood = [asyncio.ensure_future(after_turns(batched, turn)) for turn in range(3 * GATHER_TURNS)]
    await asyncio.gather(*flood)
    assert len(calls[0]) <= GATHER_TURNS + 1  # started while requests still came every turn
    assert sorted(n for call in calls for n in call) == list(range(3 * GATHER_TURNS))


async def test_a_full_batch_starts_at_once() -> None:
    calls: list[int] = []

    async def run(items: Sequence[int]) -> list[int]:
        calls.append(len(items))
        return list(items)

    batched: Batched[int, int] = Batched(run, max_size=3)
    assert await asyncio.gather(*(batched(n) for n in range(7))) == list(range(7))
    assert calls == [3, 3, 1]


async def test_without_gather_a_batch_starts_at_the_next_turn() -> None:
    """Telegram's updates (ratings, the gate's reads): what one turn brought, served at once."""
    calls: list[list[int]] = []

    async def run(items: Sequence[int]) -> list[int]:
        calls.append(list(items))
        return list(items)

    batched: Batched[int, int] = Batched(run)
    await asyncio.gather(*(after_turns(batched, turn) for turn in range(5)))
    assert len(calls) > 1 and calls[0] == [0]
