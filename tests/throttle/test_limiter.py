"""The rate limiter with a fake clock: per-chat pace, bulk ceiling, order, 429 retries."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram.error import RetryAfter

from throttle import TelegramRateLimiter


class FakeTime:
    """A clock that sleeping advances, so nothing really waits."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        # Cooperative: each sleeper wakes at its own time, in order of wake-up.
        target = self.now + seconds
        while self.now < target:
            await asyncio.sleep(0)
            self.now = min(target, self.now + 0.001)


def make(time: FakeTime, **kwargs: Any) -> TelegramRateLimiter:
    return TelegramRateLimiter(clock=time.clock, sleep=time.sleep, **kwargs)


async def send(
    limiter: TelegramRateLimiter,
    time: FakeTime,
    log: list[tuple[float, Any]],
    chat: int | None,
    *,
    bulk: bool = False,
    endpoint: str = "sendMessage",
    tag: Any = None,
) -> None:
    async def callback() -> bool:
        log.append((time.now, tag if tag is not None else chat))
        return True

    data = {"chat_id": chat} if chat is not None else {}
    await limiter.process_request(
        callback, (), {}, endpoint, data, {"bulk": True} if bulk else None
    )


async def test_one_chat_keeps_its_pace_after_the_burst() -> None:
    time, log = FakeTime(), []
    limiter = make(time, chat_rate=1.0, chat_burst=3)
    for _ in range(6):
        await send(limiter, time, log, 42)
    times = [t for t, _ in log]
    assert times[:3] == [0.0, 0.0, 0.0]
    assert times[3:] == pytest.approx([1.0, 2.0, 3.0], abs=0.01)


async def test_many_chats_do_not_slow_each_other() -> None:
    time, log = FakeTime(), []
    limiter = make(time, chat_rate=1.0, chat_burst=3, bulk_rate=30)
    await asyncio.gather(*(send(limiter, time, log, chat) for chat in range(1000)))
    assert len(log) == 1000 and max(t for t, _ in log) == 0.0
    assert limiter.stats.waits == {"chat": 0, "bulk": 0, "overall": 0}


async def test_bulk_stays_under_its_ceiling_while_live_chats_go_at_once() -> None:
    time, log = FakeTime(), []
    limiter = make(time, chat_rate=1.0, chat_burst=3, bulk_rate=30, bulk_burst=1)
    bulk = [send(limiter, time, log, 10_000 + n, bulk=True, tag="bulk") for n in range(120)]
    live = [send(limiter, time, log, n, tag="live") for n in range(50)]
    await asyncio.gather(*bulk, *live)
    bulk_times = sorted(t for t, tag in log if tag == "bulk")
    live_times = [t for t, tag in log if tag == "live"]
    assert max(live_times) == 0.0
    for start in bulk_times:  # at most burst + rate in any one-second window
        assert sum(start <= t < start + 1 for t in bulk_times) <= 31
    assert bulk_times[-1] == pytest.approx(119 / 30, abs=0.05)  # 30/s, no faster, no slower


async def test_same_chat_requests_leave_in_arrival_order() -> None:
    time, log = FakeTime(), []
    limiter = make(time, chat_rate=1.0, chat_burst=1)
    await asyncio.gather(*(send(limiter, time, log, 7, tag=n) for n in range(5)))
    assert [tag for _, tag in log] == [0, 1, 2, 3, 4]


async def test_exempt_methods_and_requests_without_chat_are_never_delayed() -> None:
    time, log = FakeTime(), []
    limiter = make(time, chat_rate=1.0, chat_burst=1)
    for _ in range(5):
        await send(limiter, time, log, 7, endpoint="answerCallbackQuery")
        await send(limiter, time, log, None, endpoint="getUpdates")
    assert all(t == 0.0 for t, _ in log)


async def test_retry_after_is_honoured_then_reraised() -> None:
    time = FakeTime()
    limiter = make(time, max_retries=2)
    calls: list[float] = []

    async def flood() -> bool:
        calls.append(time.now)
        raise RetryAfter(5)

    with pytest.raises(RetryAfter):
        await limiter.process_request(flood, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert len(calls) == 3
    assert calls[1] - calls[0] >= 5 and calls[2] - calls[1] >= 5
    assert limiter.stats.retry_after == 3 and limiter.stats.retries == 2

    attempts: list[int] = []

    async def once() -> bool:
        attempts.append(1)
        if len(attempts) == 1:
            raise RetryAfter(1)
        return True

    assert await limiter.process_request(once, (), {}, "sendMessage", {"chat_id": 2}, None)


async def test_idle_chats_are_forgotten() -> None:
    time, log = FakeTime(), []
    limiter = make(time)
    for chat in range(100):
        await send(limiter, time, log, chat)
    assert limiter.tracked_chats() == 100
    time.now += 120
    await send(limiter, time, log, 1)
    assert limiter.tracked_chats() == 1


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.booleans(), st.floats(0, 3)), min_size=1, max_size=40)
)
def test_ceilings_hold_for_any_arrival_pattern(requests: list[tuple[int, bool, float]]) -> None:
    async def run() -> list[tuple[float, Any]]:
        time, log = FakeTime(), []
        limiter = make(time, chat_rate=2.0, chat_burst=2, bulk_rate=5.0, bulk_burst=3)

        async def later(chat: int, bulk: bool, at: float) -> None:
            await time.sleep(at)
            await send(limiter, time, log, chat, bulk=bulk, tag=(chat, bulk))

        await asyncio.gather(*(later(c, b, a) for c, b, a in requests))
        return log

    log = asyncio.run(run())
    assert len(log) == len(requests)
    for chat in range(5):
        times = sorted(t for t, (c, _) in log if c == chat)
        for start in times:  # burst 2 + 2/s: at most 4 in any one-second window (with rounding)
            assert sum(start <= t < start + 0.999 for t in times) <= 4
    bulk_times = sorted(t for t, (_, b) in log if b)
    for start in bulk_times:
        assert sum(start <= t < start + 0.999 for t in bulk_times) <= 3 + 5
