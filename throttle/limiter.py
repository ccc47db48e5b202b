"""A python-telegram-bot rate limiter: every chat at its own pace, bulk sends under the bulk
ceiling, so thousands of live sessions never queue behind each other or behind reminders; and
each request delivered under its contract (throttle/delivery.py).
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
import warnings
from collections.abc import Awaitable, Callable, Collection, Coroutine
from datetime import timedelta
from typing import Any, Final

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from throttle.delivery import BULK_DEADLINE, WARNING_DEADLINE, Contract, Delivery, delivery_of
from throttle.pacing import ChatKey, ChatPace, WindowCeiling
from throttle.replies import Role, classify
from throttle.stats import Ceiling, LimiterStats
from throttle.turns import Turns

logger = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
Callback = Callable[..., Coroutine[Any, Any, Result]]

# Requests that carry a chat_id but are not messages to Telegram's flood control (or must be
# answered at once, like a button's toast). Anything starting with "get" or "answer" is a read
# or an answer and is never paced either.
UNPACED_ENDPOINTS: Final = frozenset(
    {
        "sendChatAction",
        "deleteMessage",
        "deleteMessages",
        "setMyCommands",
        "deleteMyCommands",
        "setMyName",
        "setMyDescription",
        "setMyShortDescription",
        "setChatMenuButton",
        "setWebhook",
        "deleteWebhook",
        "logOut",
        "close",
        "leaveChat",
    }
)
UNPACED_PREFIXES: Final = ("get", "answer")

# A wait this short is not worth a sleep (and an event loop may wake a timer about this early).
CLOSE_ENOUGH: Final = 1e-6
INTERACTIVE_DEADLINE: Final = 120.0


class SendWithdrawn(Exception):
    """A request's `before_send` hook said no: it was not sent."""


class TelegramRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """Paces each chat on its own, keeps bulk sends under their ceiling, and retries each
    request under its delivery contract.

    Every request with a `chat_id` (except the unpaced endpoints) takes its chat's turn, waits
    for the chat's pace (GCRA: `chat_burst` at once, then `chat_rate` per second), and, if sent
    with `rate_limit_args={"bulk": True}`, for the bulk ceiling (at most `bulk_burst` sends in
    any `bulk_burst / bulk_rate` seconds; 30 in any second by default). `overall_rate` adds the
    same kind of ceiling over every paced request. The chat's turn is held until Telegram has
    answered, so requests to one chat leave one after another in arrival order, retries
    included; requests to different chats never wait for each other.

    `rate_limit_args={"before_send": fn}` calls `await fn()` once the request may go, right
    before it is first sent; if it returns False the request is withdrawn (`SendWithdrawn`) and
    never sent. The reminder dispatcher records "sending" there, so a crash can only leave
    uncertain the few requests actually on their way to Telegram.

    `rate_limit_args={"delivery": Delivery.WARNING}` marks the stop-and-consult warning,
    `{"bulk": True}` (or `{"delivery": Delivery.BULK}`) a reminder; anything else is interactive.
    On `RetryAfter` the request waits `retry_after`, however long, and is sent again until its
    delivery's deadline; meanwhile its chat (or, for a bulk send, every bulk send) is held back.
    Interactive and warning requests are also retried after 5xx answers, time-outs and network
    errors, with exponential backoff and jitter, until the deadline; bulk ones pass those to
    the caller. 400 and 403 pass through at once. The deadline counts from the request's
    arrival; a request that would be retried past it is dropped: its last error is raised,
    logged once and counted in `stats.dropped`. `clock`, `sleep` and `jitter` are injectable so
    tests can run in virtual time.
    """

    def __init__(
        self,
        *,
        chat_rate: float = 1.0,
        chat_burst: int = 3,
        bulk_rate: float = 30.0,
        bulk_burst: int = 30,
        overall_rate: float | None = None,
        overall_burst: int | None = None,
        interactive_deadline: float = INTERACTIVE_DEADLINE,
        warning_deadline: float = WARNING_DEADLINE,
        bulk_deadline: float = BULK_DEADLINE,
        unpaced_endpoints: Collection[str] = UNPACED_ENDPOINTS,
        forget_idle_every: float = 60.0,
        reply_reserve: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._contracts = {
            Delivery.INTERACTIVE: Contract(
                Delivery.INTERACTIVE, interactive_deadline, retry_failures=True
            ),
            # The warning backs off less far: it is worth more attempts in the same time.
            Delivery.WARNING: Contract(
                Delivery.WARNING, warning_deadline, retry_failures=True, max_backoff=4.0
            ),
            Delivery.BULK: Contract(Delivery.BULK, bulk_deadline, retry_failures=False),
        }
        # Follow-ups leave `reply_reserve` sends of the burst for the next reply
        # (throttle/replies.py): a person's action is answered at once, within the same pace.
        self._chat_pace = ChatPace(chat_rate, chat_burst, reply_reserve)
        self._bulk = WindowCeiling(bulk_rate, bulk_burst)
        self._overall: WindowCeiling | None = None
        if overall_rate is not None:
            burst = overall_burst if overall_burst is not None else max(1, math.ceil(overall_rate))
            self._overall = WindowCeiling(overall_rate, burst)
        self._lanes = Turns()  # one turn per chat, held from the wait until Telegram answers
        self._ceiling_turns = Turns()  # the queues for the "bulk" and "overall" ceilings
        self._unpaced = frozenset(name.lower() for name in unpaced_endpoints)
        self._paced_by_endpoint: dict[str, bool] = {}
        self._forget_idle_every = forget_idle_every
        self._next_forget = -math.inf
        self._clock = clock
        self._sleep = sleep
        self._jitter = jitter
        self.stats = LimiterStats()
        self._summary_logged = False

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Log what the limiter did, once (PTB may shut a bot down twice); nothing to close."""
        if not self._summary_logged:
            self._summary_logged = True
            logger.info("Rate limiter: %s", self.stats.summary())

    @property
    def tracked_chats(self) -> int:
        """How many chats the limiter remembers a pace for (idle ones are dropped)."""
        return len(self._chat_pace.arrivals)

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> Result:
        """Send the request when its chat and ceilings allow; retry it as its delivery's
        contract says, holding its chat's turn (so nothing to the chat overtakes it). Its outcome
        is counted by delivery (`stats.outcomes`)."""
        delivery = str(delivery_of(rate_limit_args))
        outcome = "failed"
        try:
            result = await self._process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
            outcome = "sent"
            return result
        except SendWithdrawn:
            outcome = "withdrawn"
            raise
        except RetryAfter:
            outcome = "rate_limited"
            raise
        except Forbidden:
            outcome = "forbidden"
            raise
        except BadRequest:
            outcome = "rejected"
            raise
        finally:
            self.stats.record_outcome(delivery, outcome)

    async def _process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> Result:
        chat_id = data.get("chat_id")
        contract = self._contracts[delivery_of(rate_limit_args)]
        if chat_id is None or not self._is_paced(endpoint):
            return await self._send_unpaced(callback, args, kwargs, endpoint, chat_id, contract)
        chat = chat_id if type(chat_id) is int else chat_key(chat_id)
        bulk = contract.delivery is Delivery.BULK
        self.stats.paced += 1
        now = self._clock()
        if now >= self._next_forget:
            self._forget_idle(now)
        role = Role.OTHER if bulk else classify(chat)
        reserve = role is Role.FOLLOW_UP
        if role is Role.REPLY and await self._take_next_slot(chat, now):
            # The first reply to a person's action goes ahead of the chat's queue (a timed beat
            # waiting out the pace), taking the turn only if nobody holds it.
            holds_lane = self._lanes.take_if_free(chat)
        else:
            holds_lane = True
            if not self._go_now(chat, bulk, now, reserve):
                await self._queue(chat, bulk, reserve)
        try:
            before_send = rate_limit_args.get("before_send") if rate_limit_args else None
            if before_send is not None and not await before_send():
                self.stats.withdrawn += 1
                raise SendWithdrawn(endpoint)
            # The deadline counts from arrival, waits included: it bounds how stale a request
            # may be when it goes out, so a backlog behind an outage drains instead of piling up.
            # Each request still gets at least one attempt.
            started = now
            failures = 0
            while True:
                try:
                    return await self._call(callback, args, kwargs)
                except RetryAfter as error:
                    seconds = retry_after_seconds(error)
                    # Paused even when giving up: the chat's next request would only meet a 429.
                    self._pause_after_429(chat, bulk, self._clock() + seconds)
                    self.stats.rate_limited += 1
                    if not self._may_retry(error, seconds, contract, started, endpoint, chat_id):
                        raise
                    pause = 0.0  # the chat's (or bulk) pause makes the retry wait
                except BadRequest:
                    raise  # a NetworkError to PTB, but the same request cannot succeed
                except NetworkError as error:  # 5xx answers, time-outs, connection errors
                    if not contract.retry_failures:
                        raise
                    self.stats.failed += 1
                    failures += 1
                    pause = self._backoff(contract, failures)
                    if not self._may_retry(error, pause, contract, started, endpoint, chat_id):
                        raise
                if pause > CLOSE_ENOUGH:
                    await self._sleep(pause)
                await self._wait_and_book(chat, bulk, self._clock(), reserve)
        finally:
            if holds_lane:
                self._lanes.give_back(chat)

    @staticmethod
    async def _call(callback: Callback, args: Any, kwargs: dict[str, Any]) -> Result:
        """One attempt (the transport bounds the requests in flight: perf/transport.py)."""
        return await callback(*args, **kwargs)

    async def _take_next_slot(self, chat: ChatKey, now: float) -> bool:
        """Book the chat's next slot for a reply (its whole burst allowed) and wait for it.

        Booked now, before anything already waiting for the chat: a timed beat waiting out the
        pace wakes to find the slot taken and waits one interval more, so the reply is not
        queued an interval behind it. (GCRA books a slot the same whenever it is booked before
        it comes.) False, and nothing booked, when the overall ceiling is in the way: its
        window counts sends when they leave, so the reply then queues like any request.
        """
        wait = self._chat_pace.delay(chat, now)
        overall = self._overall
        if overall is not None and (
            wait > CLOSE_ENOUGH
            or self._ceiling_turns.busy("overall")
            or overall.delay(now) > CLOSE_ENOUGH
        ):
            return False
        self._book(chat, False, now)
        if wait > CLOSE_ENOUGH:
            await self._sleep(wait)
            self.stats.record_wait("chat", wait)
        else:
            self.stats.replies_at_once += 1
        return True

    def _go_now(self, chat: ChatKey, bulk: bool, now: float, reserve: bool = False) -> bool:
        """The fast path: if nothing makes this request wait, take the chat's turn and book it."""
        if (
            self._lanes.busy(chat)
            or self._chat_pace.delay(chat, now, reserve=reserve) > CLOSE_ENOUGH
        ):
            return False
        turns = self._ceiling_turns
        if bulk and (turns.busy("bulk") or self._bulk.delay(now) > CLOSE_ENOUGH):
            return False
        overall = self._overall
        if overall is not None and (turns.busy("overall") or overall.delay(now) > CLOSE_ENOUGH):
            return False
        self._lanes.take_if_free(chat)
        self._book(chat, bulk, now)
        return True

    async def _queue(self, chat: ChatKey, bulk: bool, reserve: bool = False) -> None:
        """The slow path: wait for the chat's turn, then for every ceiling that applies."""
        started = self._clock()
        await self._lanes.take(chat)
        try:
            await self._wait_and_book(chat, bulk, started, reserve)
        except BaseException:
            self._lanes.give_back(chat)
            raise

    async def _wait_and_book(
        self, chat: ChatKey, bulk: bool, started: float, reserve: bool = False
    ) -> None:
        """Holding the chat's turn: wait out its pace, then queue for bulk and overall; book.

        The chat's pace comes first so that a bulk send held by its own chat never blocks the
        bulk queue for the other chats.
        """
        await self._wait_out(chat, bulk=False, overall=False, reserve=reserve)
        self.stats.record_wait("chat", self._clock() - started)
        held: list[Ceiling] = []
        try:
            if bulk:
                await self._pass_ceiling("bulk", chat, bulk, held)
            if self._overall is not None:
                await self._pass_ceiling("overall", chat, bulk, held)
            self._book(chat, bulk, self._clock())
        finally:
            for ceiling in reversed(held):
                self._ceiling_turns.give_back(ceiling)

    async def _pass_ceiling(
        self, ceiling: Ceiling, chat: ChatKey, bulk: bool, held: list[Ceiling]
    ) -> None:
        started = self._clock()
        await self._ceiling_turns.take(ceiling)
        held.append(ceiling)
        await self._wait_out(chat, bulk=bulk, overall=ceiling == "overall")
        self.stats.record_wait(ceiling, self._clock() - started)

    async def _wait_out(
        self, chat: ChatKey, *, bulk: bool, overall: bool, reserve: bool = False
    ) -> None:
        # Looping, not one sleep: a 429 to another bulk send can start a pause while we sleep.
        while (delay := self._delay(chat, self._clock(), bulk, overall, reserve)) > CLOSE_ENOUGH:
            await self._sleep(delay)

    def _delay(
        self, chat: ChatKey, now: float, bulk: bool, overall: bool, reserve: bool = False
    ) -> float:
        delay = self._chat_pace.delay(chat, now, reserve=reserve)
        if bulk:
            delay = max(delay, self._bulk.delay(now))
        if overall and self._overall is not None:
            delay = max(delay, self._overall.delay(now))
        return delay

    def _book(self, chat: ChatKey, bulk: bool, now: float) -> None:
        self._chat_pace.book(chat, now)
        if bulk:
            self._bulk.book(now)
        if self._overall is not None:
            self._overall.book(now)

    def _pause_after_429(self, chat: ChatKey, bulk: bool, until: float) -> None:
        # Telegram does not say which limit a 429 is about. For a bulk send the bulk ceiling is
        # the likely one, so all bulk sends pause (this chat's later requests wait anyway, queued
        # behind the retry). Otherwise assume it is the chat's own pace: only that chat pauses.
        if bulk:
            self._bulk.pause_until(until)
        else:
            self._chat_pace.pause_until(chat, until)

    def _backoff(self, contract: Contract, failures: int) -> float:
        """Seconds before the retry after the `failures`-th failure: doubling, capped, with
        jitter (0.5x to 1.5x) so that chats failing together do not retry together."""
        base = contract.first_backoff * 2.0 ** min(failures - 1, 32)
        return min(contract.max_backoff, base) * (0.5 + self._jitter())

    def _may_retry(
        self,
        error: Exception,
        wait: float,
        contract: Contract,
        started: float,
        endpoint: str,
        chat_id: object,
    ) -> bool:
        """Count and log a retry, or, if the retry would come after the deadline, the drop
        (once). Logs name the delivery, endpoint and chat, never the message itself."""
        reason = "429" if isinstance(error, RetryAfter) else f"{type(error).__name__} ({error})"
        elapsed = self._clock() - started
        if elapsed + wait > contract.deadline:
            self.stats.dropped[contract.delivery] += 1
            logger.warning(
                "Dropped %s to chat %s (%s): %s after %.1f s; a retry in %.1f s would "
                "pass the %.0f s deadline",
                endpoint,
                chat_id,
                contract.delivery,
                reason,
                elapsed,
                wait,
                contract.deadline,
            )
            return False
        self.stats.retries += 1
        logger.warning(
            "%s to chat %s (%s) met %s; retrying in %.1f s",
            endpoint,
            chat_id,
            contract.delivery,
            reason,
            wait,
        )
        return True

    async def _send_unpaced(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        chat_id: object,
        contract: Contract,
    ) -> Result:
        """Requests Telegram does not pace (reads, answers, chat actions, deletions): sent at
        once, and retried only after a 429, until their delivery's deadline."""
        started = self._clock()
        while True:
            try:
                return await self._call(callback, args, kwargs)
            except RetryAfter as error:
                seconds = retry_after_seconds(error)
                self.stats.rate_limited += 1
                if not self._may_retry(error, seconds, contract, started, endpoint, chat_id):
                    raise
            await self._sleep(seconds)

    def _is_paced(self, endpoint: str) -> bool:
        paced = self._paced_by_endpoint.get(endpoint)
        if paced is None:
            name = endpoint.lower()
            paced = name not in self._unpaced and not name.startswith(UNPACED_PREFIXES)
            self._paced_by_endpoint[endpoint] = paced
        return paced

    def _forget_idle(self, now: float) -> None:
        forgotten = self._chat_pace.forget_idle(now)
        self._next_forget = now + self._forget_idle_every
        if forgotten:
            logger.debug("Rate limiter forgot %d idle chats", forgotten)


def chat_key(chat_id: object) -> ChatKey:
    """One key per chat, whether its id came as 42 or "42" (or "@channel", kept as is)."""
    if isinstance(chat_id, int):
        return chat_id
    text = str(chat_id)
    try:
        return int(text)
    except ValueError:
        return text


def retry_after_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, whether PTB gives it as an int or a timedelta."""
    # PTB 22 gives an int and warns that it will become a timedelta (unless PTB_TIMEDELTA is
    # set, then a timedelta): either is read, with no warning on every 429.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
