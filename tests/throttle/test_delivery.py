"""The delivery rule in virtual time: retried through 429, 5xx and time-outs until a deadline."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from tests.throttle.virtual_time import run_in_virtual_time
from throttle.delivery import WARNING, DeliveryStats, Rule, deliver


class Flaky:
    """Fails with the given errors in turn, then answers; records when each attempt came."""

    def __init__(self, errors: list[Exception]) -> None:
        self.errors = list(errors)
        self.attempts: list[float] = []

    async def __call__(self) -> str:
        self.attempts.append(asyncio.get_running_loop().time())
        if self.errors:
            raise self.errors.pop(0)
        return "sent"


def test_429_waits_retry_after_each_time() -> None:
    async def scenario() -> None:
        send = Flaky([RetryAfter(3)] * 4)
        assert await deliver(send, WARNING) == "sent"
        gaps = [b - a for a, b in zip(send.attempts, send.attempts[1:], strict=False)]
        assert gaps == pytest.approx([3, 3, 3, 3])

    run_in_virtual_time(scenario)


def test_server_errors_and_time_outs_back_off_and_get_through() -> None:
    async def scenario() -> None:
        errors: list[Exception] = [NetworkError("Bad Gateway")] * 3 + [TimedOut()] * 2
        send = Flaky(errors)
        assert await deliver(send, WARNING, jitter=lambda: 0.5) == "sent"
        gaps = [b - a for a, b in zip(send.attempts, send.attempts[1:], strict=False)]
        assert gaps == pytest.approx([0.25, 0.5, 1.0, 2.0, 4.0])  # doubling, capped at 4 s

    run_in_virtual_time(scenario)


def test_gives_up_at_the_deadline_and_counts_the_drop() -> None:
    async def scenario() -> None:
        stats = DeliveryStats()
        send = Flaky([NetworkError("Internal Server Error (500)")] * 1000)
        with pytest.raises(NetworkError):
            await deliver(send, WARNING, stats=stats)
        assert send.attempts[-1] <= WARNING.deadline
        assert stats.dropped == {"warning": 1}
        assert stats.retries["warning"] == len(send.attempts) - 1

    run_in_virtual_time(scenario)


@pytest.mark.parametrize("error", [BadRequest("chat not found"), Forbidden("blocked")])
def test_a_request_that_cannot_succeed_is_not_repeated(error: Exception) -> None:
    async def scenario() -> None:
        send = Flaky([error])
        with pytest.raises(type(error)):
            await deliver(send, WARNING)
        assert len(send.attempts) == 1

    run_in_virtual_time(scenario)


@given(
    st.lists(
        st.one_of(
            st.integers(1, 30).map(RetryAfter),
            st.just(NetworkError("Bad Gateway")),
            st.just(TimedOut()),
        ),
        max_size=12,
    ),
    st.floats(10, 300),
)
def test_delivered_unless_the_failures_outlast_the_deadline(
    errors: list[Exception], deadline: float
) -> None:
    """Delivered exactly when the waits the failures call for fit in the deadline."""
    rule = Rule("test", deadline=deadline)
    waits, backoff = [], rule.first_backoff
    for error in errors:
        if isinstance(error, RetryAfter):
            waits.append(float(error._retry_after.total_seconds()))  # type: ignore[attr-defined]
        else:
            waits.append(backoff * 1.5)  # jitter fixed at 1.0: the factor is 0.5 + 1.0
            backoff = min(rule.max_backoff, backoff * 2)
    fits = all(sum(waits[: i + 1]) <= deadline for i in range(len(waits)))

    async def scenario() -> None:
        send = Flaky(errors)
        try:
            await deliver(send, rule, jitter=lambda: 1.0)
        except (NetworkError, RetryAfter):
            assert not fits
        else:
            assert fits and send.errors == []
        assert send.attempts[-1] - send.attempts[0] <= deadline

    run_in_virtual_time(scenario)
