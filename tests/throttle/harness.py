"""A stand-in for Telegram that records when each request reached it, and helpers to send."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

from throttle import TelegramRateLimiter


@dataclass(frozen=True)
class Call:
    at: float
    endpoint: str
    chat_id: object
    tag: object


@dataclass
class FakeTelegram:
    """Records every call (`attempts`) and every call it accepted (`sent`), in time order.

    `floods[tag]` lists the failures the request with that tag meets before it is accepted: a
    number or timedelta is a 429 with that retry_after, an exception is raised as it is (a 5xx
    answer, a time-out); `upload_seconds[tag]` makes its call take that long.
    """

    attempts: list[Call] = field(default_factory=list)
    sent: list[Call] = field(default_factory=list)
    arrived: list[object] = field(default_factory=list)
    floods: dict[object, list[int | float | timedelta | Exception]] = field(default_factory=dict)
    upload_seconds: dict[object, float] = field(default_factory=dict)

    def callback(
        self, endpoint: str, chat_id: object, tag: object
    ) -> Callable[..., Coroutine[Any, Any, bool]]:
        async def call(*args: Any, **kwargs: Any) -> bool:
            record = Call(asyncio.get_running_loop().time(), endpoint, chat_id, tag)
            self.attempts.append(record)
            pending = self.floods.get(tag)
            if pending:
                failure = pending.pop(0)
                if isinstance(failure, Exception):
                    raise failure
                with warnings.catch_warnings():  # PTB 22 warns on building one with an int
                    warnings.simplefilter("ignore", PTBDeprecationWarning)
                    flood = RetryAfter(failure)  # type: ignore[arg-type]
                raise flood
            self.sent.append(record)
            await asyncio.sleep(self.upload_seconds.get(tag, 0.0))
            return True

        return call

    def times(self, tag: object) -> list[float]:
        return [call.at for call in self.sent if call.tag == tag]

    def order(self) -> list[object]:
        return [call.tag for call in self.sent]


def make_limiter(sleeps: list[float] | None = None, **settings: Any) -> TelegramRateLimiter:
    """A limiter on the running (virtual-time) loop's clock; its sleeps go into `sleeps`."""
    loop = asyncio.get_running_loop()

    async def sleep(seconds: float) -> None:
        if sleeps is not None:
            sleeps.append(seconds)
        await asyncio.sleep(seconds)

    return TelegramRateLimiter(clock=loop.time, sleep=sleep, **settings)


async def send(
    limiter: TelegramRateLimiter,
    telegram: FakeTelegram,
    chat_id: object,
    *,
    bulk: bool = False,
    endpoint: str = "sendMessage",
    tag: object = None,
    at: float | None = None,
    delivery: str | None = None,
) -> Any:
    """Send one request through the limiter the way ExtBot does, at virtual time `at`."""
    if at is not None:
        await asyncio.sleep(at - asyncio.get_running_loop().time())
    tag = chat_id if tag is None else tag
    data: dict[str, Any] = {"text": "private words"}
    if chat_id is not None:
        data["chat_id"] = chat_id
    telegram.arrived.append(tag)
    rate_limit_args: dict[str, Any] | None = {"bulk": True} if bulk else None
    if delivery is not None:
        rate_limit_args = {"delivery": delivery}
    return await limiter.process_request(
        telegram.callback(endpoint, chat_id, tag),
        (endpoint, data),
        {},
        endpoint,
        data,
        rate_limit_args,
    )


def most_in_any_window(times: list[float], width: float) -> int:
    """The largest number of `times` inside any half-open window [t, t + width)."""
    ordered = sorted(times)
    most, first = 0, 0
    for last, moment in enumerate(ordered):
        while ordered[first] <= moment - width + 1e-9:
            first += 1
        most = max(most, last - first + 1)
    return most
