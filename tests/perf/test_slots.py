"""perf/slots.py: at most N handlers run at once; one parked in a wait lends its slot out and,
woken, goes before new updates; cancellations never lose or double a slot."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from perf.slots import Slots, parked


async def test_a_parked_handler_lends_its_slot_and_comes_back_before_new_updates() -> None:
    slots = Slots(1)
    order: list[str] = []
    woken = asyncio.Event()
    b_started, b_may_end = asyncio.Event(), asyncio.Event()

    async def a() -> None:
        async with slots.occupy():
            order.append("a runs")
            async with parked():
                await woken.wait()
            order.append("a goes on")

    async def b() -> None:
        async with slots.occupy():
            order.append("b runs")
            b_started.set()
            await b_may_end.wait()

    async def c() -> None:
        async with slots.occupy():
            order.append("c runs")

    first = asyncio.create_task(a())
    await asyncio.sleep(0)
    second = asyncio.create_task(b())  # gets the slot a lent out
    await asyncio.wait_for(b_started.wait(), 2)  # b runs while a is parked
    third = asyncio.create_task(c())  # a new update: waits
    await asyncio.sleep(0)
    woken.set()  # a's wait is over: it waits for the slot too, ahead of c
    await asyncio.sleep(0)
    assert order == ["a runs", "b runs"]
    b_may_end.set()
    await asyncio.gather(first, second, third)
    assert order == ["a runs", "b runs", "a goes on", "c runs"]
    assert slots.free == 1


async def test_parked_outside_a_slot_just_waits() -> None:
    async with parked():
        await asyncio.sleep(0)


async def test_a_task_started_by_a_handler_does_not_lend_the_handlers_slot() -> None:
    slots = Slots(1)
    parked_meanwhile, handler_may_end = asyncio.Event(), asyncio.Event()
    other_ran: list[bool] = []

    async def background() -> None:
        async with parked():  # the handler's slot is not this task's to lend
            parked_meanwhile.set()
            await handler_may_end.wait()

    async def handler() -> None:
        async with slots.occupy():
            task = asyncio.create_task(background())  # inherits the context
            await parked_meanwhile.wait()
            other = asyncio.create_task(other_handler())
            await asyncio.sleep(0.01)
            assert other_ran == []  # the handler still runs: its slot is still its own
            handler_may_end.set()
            await task
        await other

    async def other_handler() -> None:
        async with slots.occupy():
            other_ran.append(True)

    await handler()
    assert other_ran == [True]
    assert slots.free == 1


async def test_a_cancelled_waiter_loses_no_slot() -> None:
    slots = Slots(1)
    release = asyncio.Event()

    async def holder() -> None:
        async with slots.occupy():
            await release.wait()

    async def waiter() -> None:
        async with slots.occupy():
            raise AssertionError("never runs")

    held = asyncio.create_task(holder())
    await asyncio.sleep(0)
    queued = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    queued.cancel()
    release.set()
    await held
    await asyncio.gather(queued, return_exceptions=True)
    assert slots.free == 1


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(1, 4),
    handlers=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 3), st.booleans()), min_size=1, max_size=25
    ),
)
async def test_never_more_running_than_slots_and_all_given_back(
    count: int, handlers: list[tuple[int, int, bool]]
) -> None:
    """Handlers that run, park, run again, some cancelled on the way: at no moment do more than
    `count` run outside a parked wait, and every slot comes back."""
    slots = Slots(count)
    running = 0
    most = 0

    async def handler(before: int, parked_for: int) -> None:
        nonlocal running, most
        async with slots.occupy():
            running += 1
            most = max(most, running)
            try:
                for _ in range(before):
                    await asyncio.sleep(0)
            finally:
                running -= 1
            async with parked():
                for _ in range(parked_for):
                    await asyncio.sleep(0)
            running += 1
            most = max(most, running)
            try:
                await asyncio.sleep(0)
            finally:
                running -= 1

    tasks = [asyncio.create_task(handler(before, wait)) for before, wait, _ in handlers]
    await asyncio.sleep(0)
    for task, (_, _, cancel) in zip(tasks, handlers, strict=True):
        if cancel:
            task.cancel()
            await asyncio.sleep(0)
    await asyncio.gather(*tasks, return_exceptions=True)
    assert most <= count
    assert slots.free == count
