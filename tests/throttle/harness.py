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

    `floods[tag]` lists the retry_after answers (429) that the request with that tag gets
    before it is accepted; `upload_seconds[tag]` makes its call take that long.
    """

    attempts: list[Call] = field(default_factory=list)
    sent: list[Call] = field(default_factory=list)
    arrived: list[object] = field(default_factory=list)
    floods: dict[object, list[int | float | timedelta]] = field(default_factory=dict)
    upload_seconds: dict[object, float] = field(default_factory=dict)

    def callback(
        self, endpoint: str, chat_id: object, tag: object
    ) -> Callable[..., Coroutine[Any, Any, bool]]:
        async def call(*args: Any, **kwargs: Any) -> bool:
            record = Call(asyncio.get_running_loop().time(), endpoint, chat_id, tag)
            self.attempts.append(record)
            pending = self.floods.get(tag)
            if pending:
                with warnings.catch_warnings():  # PTB 22 warns on building one with an int
                    warnings.simplefilter("ignore", PTBDeprecationWarning)
                    flood = RetryAfter(pending.pop(0))  # type: ignore[arg-type]
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
) -> Any:
    """Send one request through the limiter the way ExtBot does, at virtual time `at`."""
    if at is not None:
        await asyncio.sleep(at - asyncio.get_running_loop().time())
    tag = chat_id if tag is None else tag
    data: dict[str, Any] = {"text": "private words"}
    if chat_id is not None:
        data["chat_id"] = chat_id
    telegram.arrived.append(tag)
    return await limiter.process_request(
        telegram.callback(endpoint, chat_id, tag),
        (endpoint, data),
        {},
        endpoint,
        data,
        {"bulk": True} if bulk else None,
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
