"""Properties: for any arrivals, sends keep to every ceiling and none waits longer than needed;
for any failures on the way, retries never let a later request to a chat overtake an earlier one."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram.error import NetworkError, TimedOut

from tests.throttle.harness import Call, FakeTelegram, make_limiter, send
from tests.throttle.virtual_time import run_in_virtual_time

CLOSE = 1e-6


@dataclass(frozen=True)
class Request:
    chat: int
    bulk: bool
    at: float


@dataclass(frozen=True)
class Ceilings:
    chat_rate: float
    chat_burst: int
    bulk_rate: float
    bulk_burst: int


requests = st.lists(
    st.builds(
        Request,
        chat=st.integers(0, 4),
        bulk=st.booleans(),
        # Coarse steps so that many requests arrive at the very same moment.
        at=st.integers(0, 60).map(lambda step: step * 0.05),
    ),
    min_size=1,
    max_size=40,
)
ceilings = st.builds(
    Ceilings,
    chat_rate=st.sampled_from([0.5, 1.0, 2.0, 3.0]),
    chat_burst=st.integers(1, 3),
    bulk_rate=st.sampled_from([1.0, 5.0, 30.0]),
    bulk_burst=st.integers(1, 4),
)


def run(arrivals: list[Request], limits: Ceilings) -> FakeTelegram:
    async def scenario() -> FakeTelegram:
        telegram = FakeTelegram()
        limiter = make_limiter(
            chat_rate=limits.chat_rate,
            chat_burst=limits.chat_burst,
            bulk_rate=limits.bulk_rate,
            bulk_burst=limits.bulk_burst,
        )
        await asyncio.gather(
            *(
                send(limiter, telegram, request.chat, bulk=request.bulk, tag=index, at=request.at)
                for index, request in enumerate(arrivals)
            )
        )
        return telegram

    return run_in_virtual_time(scenario)


def index(tag: object) -> int:
    assert isinstance(tag, int)
    return tag


@settings(max_examples=150, deadline=None)
@given(requests, ceilings)
def test_sends_keep_to_the_ceilings_and_never_wait_needlessly(
    arrivals: list[Request], limits: Ceilings
) -> None:
    telegram = run(arrivals, limits)
    sent = telegram.sent

    def request_of(call: Call) -> Request:
        return arrivals[index(call.tag)]

    assert sorted(index(call.tag) for call in sent) == list(range(len(arrivals)))

    # Per chat: arrival order kept, and never more than burst + rate * w in any span of w.
    by_chat: dict[int, list[float]] = defaultdict(list)
    for call in sent:
        by_chat[request_of(call).chat].append(call.at)
    for chat, times in by_chat.items():
        arrived = [tag for tag in telegram.arrived if arrivals[index(tag)].chat == chat]
        assert [call.tag for call in sent if request_of(call).chat == chat] == arrived
        for first in range(len(times)):
            for last in range(first, len(times)):
                span = times[last] - times[first]
                assert last - first + 1 <= limits.chat_burst + span * limits.chat_rate + CLOSE

    # Bulk: never more than bulk_burst sends in any bulk_burst / bulk_rate seconds.
    window = limits.bulk_burst / limits.bulk_rate
    bulk_times = [call.at for call in sent if request_of(call).bulk]
    for first in range(len(bulk_times) - limits.bulk_burst):
        assert bulk_times[first + limits.bulk_burst] - bulk_times[first] >= window - CLOSE

    # No needless wait: each send went at the first moment allowed by its arrival, the
    # previous request to its chat, its chat's pace and (if bulk) the bulk ceiling, given
    # everything sent before it. Replayed here independently of the limiter's own code.
    interval = 1.0 / limits.chat_rate
    tolerance = interval * (limits.chat_burst - 1)
    chat_arrival: dict[int, float] = {}
    last_sent: dict[int, float] = {}
    bulk_sent: list[float] = []
    for call in sent:
        request = request_of(call)
        earliest = max(
            request.at,
            last_sent.get(request.chat, 0.0),
            chat_arrival.get(request.chat, 0.0) - tolerance,
        )
        if request.bulk and len(bulk_sent) >= limits.bulk_burst:
            earliest = max(earliest, bulk_sent[-limits.bulk_burst] + window)
        assert abs(call.at - earliest) < CLOSE, (call, earliest)
        chat_arrival[request.chat] = max(chat_arrival.get(request.chat, 0.0), call.at) + interval
        last_sent[request.chat] = call.at
        if request.bulk:
            bulk_sent.append(call.at)


@dataclass(frozen=True)
class Troubled:
    """A request and the failures it meets before Telegram accepts it."""

    chat: int
    bulk: bool
    at: float
    failures: tuple[int | str, ...]  # an int: a 429 with that retry_after; "502", "timeout"


troubled = st.lists(
    st.builds(
        Troubled,
        chat=st.integers(0, 3),
        bulk=st.booleans(),
        at=st.integers(0, 40).map(lambda step: step * 0.05),
        failures=st.lists(
            st.one_of(st.integers(1, 3), st.sampled_from(["502", "timeout"])), max_size=3
        ).map(tuple),
    ),
    min_size=1,
    max_size=25,
)


def as_error(failure: int | str) -> int | Exception:
    if isinstance(failure, int):
        return failure
    return NetworkError("Bad Gateway") if failure == "502" else TimedOut()


@settings(max_examples=100, deadline=None)
@given(troubled)
def test_retries_never_let_a_later_request_to_a_chat_overtake_an_earlier_one(
    arrivals: list[Troubled],
) -> None:
    # Bulk sends hand network errors back to their sender: give them only 429s here.
    plans = [
        [as_error(f) for f in r.failures if isinstance(f, int) or not r.bulk] for r in arrivals
    ]
    failures = sum(len(plan) for plan in plans)

    async def scenario() -> FakeTelegram:
        telegram = FakeTelegram(floods=dict(enumerate(plans)))
        # Deadlines out of the way: a long queue in one chat must not drop anything here.
        limiter = make_limiter(interactive_deadline=1e6, bulk_deadline=1e6)
        await asyncio.gather(
            *(
                send(limiter, telegram, r.chat, bulk=r.bulk, tag=index, at=r.at)
                for index, r in enumerate(arrivals)
            )
        )
        assert limiter.stats.retries == failures  # every failure retried, none dropped
        return telegram

    telegram = run_in_virtual_time(scenario)
    assert sorted(index(call.tag) for call in telegram.sent) == list(range(len(arrivals)))
    for chat in {r.chat for r in arrivals}:
        arrived = [tag for tag in telegram.arrived if arrivals[index(tag)].chat == chat]
        accepted = [call.tag for call in telegram.sent if arrivals[index(call.tag)].chat == chat]
        assert accepted == arrived
        # Not even an attempt goes out before the earlier request to the chat was accepted.
        attempts = [call for call in telegram.attempts if arrivals[index(call.tag)].chat == chat]
        assert [call.tag for call in attempts] == sorted(
            (call.tag for call in attempts), key=arrived.index
        )
