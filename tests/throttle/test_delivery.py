"""The contract of each delivery, in virtual time: 429 storms of any length get through,
5xx answers and time-outs are retried with backoff (interactive, warning) or handed back (bulk),
deadlines drop and count; and which failures surely never left, with real httpx errors."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot
from telegram.request import BaseRequest, HTTPXRequest

from background import reminder_job
from background.reminder_job import send_reminder
from db.reminders import Claimed
from emulator import BotApiEmulator
from perf.transport import AiohttpRequest
from reminders.dispatcher import Result
from tests.throttle.harness import FakeTelegram, make_limiter, send
from tests.throttle.virtual_time import run_in_virtual_time
from throttle import Delivery, TelegramRateLimiter, never_left

DELIVERIES = [Delivery.INTERACTIVE, Delivery.WARNING, Delivery.BULK]
RETRYING = [Delivery.INTERACTIVE, Delivery.WARNING]


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in pairwise(times)]


def attempts(telegram: FakeTelegram, tag: object) -> list[float]:
    return [call.at for call in telegram.attempts if call.tag == tag]


# --- 429s ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("delivery", DELIVERIES)
def test_a_429_storm_longer_than_three_retries_gets_through(delivery: Delivery) -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(floods={"reply": [1] * 20})
        limiter = make_limiter()
        assert await send(limiter, telegram, 42, tag="reply", delivery=delivery) is True
        assert gaps(attempts(telegram, "reply")) == pytest.approx([1.0] * 20)
        assert telegram.times("reply") == pytest.approx([20.0])
        assert (limiter.stats.rate_limited, limiter.stats.retries) == (20, 20)
        assert sum(limiter.stats.dropped.values()) == 0

    run_in_virtual_time(scenario)


def test_a_long_retry_after_is_waited_out_whole_within_the_deadline() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(floods={"reply": [timedelta(seconds=90), 25]})
        limiter = make_limiter()
        await send(limiter, telegram, 42, tag="reply")
        assert attempts(telegram, "reply") == pytest.approx([0, 90, 115])

    run_in_virtual_time(scenario)


@pytest.mark.parametrize(
    ("delivery", "deadline"),
    [(Delivery.INTERACTIVE, 45.0), (Delivery.WARNING, 120.0), (Delivery.BULK, 600.0)],
)
def test_429s_past_the_deadline_are_dropped_counted_and_logged_once(
    delivery: Delivery, deadline: float, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(floods={"doomed": [10] * 100})
        limiter = make_limiter(interactive_deadline=45.0)
        with pytest.raises(RetryAfter):
            await send(limiter, telegram, 4242, tag="doomed", delivery=delivery)
        tried = attempts(telegram, "doomed")
        assert tried[-1] <= deadline < tried[-1] + 10
        assert limiter.stats.dropped == {d.value: int(d == delivery) for d in Delivery}

    with caplog.at_level(logging.WARNING, logger="throttle"):
        run_in_virtual_time(scenario)
    [drop] = [r for r in caplog.records if r.getMessage().startswith("Dropped")]
    assert drop.levelno == logging.WARNING
    assert all(word in drop.getMessage() for word in (delivery.value, "sendMessage", "4242"))
    assert "private words" not in caplog.text


# --- 5xx answers, time-outs, network errors ------------------------------------------------------


@pytest.mark.parametrize(
    ("delivery", "cap"), [(Delivery.INTERACTIVE, 8.0), (Delivery.WARNING, 4.0)]
)
def test_server_errors_and_time_outs_back_off_and_get_through(
    delivery: Delivery, cap: float
) -> None:
    async def scenario() -> None:
        failures: list[int | float | timedelta | Exception] = [
            NetworkError("Bad Gateway"),
            NetworkError("Internal Server Error (500)"),
            TimedOut(),
        ] * 3
        telegram = FakeTelegram(floods={"reply": failures})
        limiter = make_limiter(jitter=lambda: 0.5)  # the factor 0.5 + jitter is then exactly 1
        assert await send(limiter, telegram, 42, tag="reply", delivery=delivery) is True
        doubling = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0]
        assert gaps(attempts(telegram, "reply")) == pytest.approx([min(cap, d) for d in doubling])
        assert (limiter.stats.failed, limiter.stats.retries) == (9, 9)

    run_in_virtual_time(scenario)


def test_the_jitter_spreads_retries_between_half_and_one_and_a_half_times_the_backoff() -> None:
    async def scenario() -> None:
        for jitter, factor in ((0.0, 0.5), (0.999, 1.499)):
            telegram = FakeTelegram(floods={"reply": [TimedOut()] * 3})
            limiter = make_limiter(chat_burst=10, jitter=lambda j=jitter: j)  # pace aside
            await send(limiter, telegram, 42, tag="reply")
            expected = [0.25 * factor, 0.5 * factor, 1.0 * factor]
            assert gaps(attempts(telegram, "reply")) == pytest.approx(expected)

    run_in_virtual_time(scenario)


@pytest.mark.parametrize(
    ("delivery", "deadline"), [(Delivery.INTERACTIVE, 30.0), (Delivery.WARNING, 120.0)]
)
def test_failures_past_the_deadline_are_dropped_and_counted(
    delivery: Delivery, deadline: float
) -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(floods={"doomed": [NetworkError("Bad Gateway")] * 1000})
        limiter = make_limiter(interactive_deadline=30.0)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await send(limiter, telegram, 42, tag="doomed", delivery=delivery)
        tried = attempts(telegram, "doomed")
        assert deadline - 12.0 < tried[-1] <= deadline  # the next backoff would pass it
        assert limiter.stats.dropped[delivery] == 1
        assert limiter.stats.retries == len(tried) - 1
        # The chat is free again at once: a failure does not pause it.
        telegram.floods.clear()
        await send(limiter, telegram, 42, tag="next", delivery=delivery)
        assert telegram.times("next") == [tried[-1]]

    run_in_virtual_time(scenario)


def test_the_deadline_counts_from_arrival_yet_every_request_is_tried() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(
            floods={"first": [40], "late": [], "failing": [NetworkError("Bad Gateway")] * 100}
        )
        limiter = make_limiter(interactive_deadline=30.0)
        await asyncio.gather(
            send(limiter, telegram, 7, tag="first"),  # 429: the chat is held until 40
            send(limiter, telegram, 7, tag="late", at=0.5),
            send(limiter, telegram, 8, tag="failing", at=1.0),
            return_exceptions=True,
        )
        # Queued past its deadline, "late" is still tried once, and gets through.
        assert telegram.times("late") == pytest.approx([40.0])  # when the pause ends
        # "failing" arrived at 1.0: its retries stop by 31.0.
        assert 1.0 + 30.0 - 12.0 < attempts(telegram, "failing")[-1] <= 31.0
        # The 40 s retry_after of "first" is past its 30 s deadline: dropped at once.
        assert attempts(telegram, "first") == [0.0] and telegram.times("first") == []
        assert limiter.stats.dropped["interactive"] == 2  # "first" and "failing"

    run_in_virtual_time(scenario)


@pytest.mark.parametrize(
    "error",
    [NetworkError("Bad Gateway"), NetworkError("Internal Server Error (500)"), TimedOut()],
    ids=["502", "500", "timeout"],
)
def test_bulk_network_errors_are_handed_to_the_sender_unretried(error: Exception) -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(floods={"reminder": [error]})
        limiter = make_limiter()
        with pytest.raises(NetworkError) as raised:
            await send(limiter, telegram, 42, bulk=True, tag="reminder")
        assert raised.value is error  # unchanged: the sender reads its cause
        assert len(attempts(telegram, "reminder")) == 1
        assert (limiter.stats.retries, limiter.stats.failed) == (0, 0)
        assert sum(limiter.stats.dropped.values()) == 0
        await send(limiter, telegram, 42, bulk=True, tag="next reminder")
        assert telegram.times("next reminder") == [0.0]

    run_in_virtual_time(scenario)


@pytest.mark.parametrize("delivery", DELIVERIES)
@pytest.mark.parametrize(
    "error", [BadRequest("Chat not found"), Forbidden("bot was blocked")], ids=["400", "403"]
)
def test_a_request_that_cannot_succeed_is_never_repeated(
    delivery: Delivery, error: Exception
) -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(floods={"refused": [error]})
        limiter = make_limiter()
        with pytest.raises(type(error)):
            await send(limiter, telegram, 42, tag="refused", delivery=delivery)
        assert len(telegram.attempts) == 1 and limiter.stats.retries == 0

    run_in_virtual_time(scenario)


# --- order and deliveries --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failures",
    [[NetworkError("Bad Gateway")] * 3, [TimedOut()] * 2, [3, NetworkError("Bad Gateway")]],
    ids=["502", "timeout", "429 then 502"],
)
def test_a_later_message_never_overtakes_one_being_retried(
    failures: list[int | float | timedelta | Exception],
) -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(floods={"first": failures})
        limiter = make_limiter(jitter=lambda: 0.5)
        await asyncio.gather(
            send(limiter, telegram, 7, tag="first"),
            send(limiter, telegram, 7, tag="second", at=0.1),
            send(limiter, telegram, 7, endpoint="editMessageText", tag="edit", at=0.2),
            send(limiter, telegram, 8, tag="other chat", at=0.1),
        )
        assert [t for t in telegram.order() if t != "other chat"] == ["first", "second", "edit"]
        assert telegram.times("second")[0] >= telegram.times("first")[0]
        assert telegram.times("other chat") == [0.1]  # other chats never wait for it

    run_in_virtual_time(scenario)


def test_a_warning_is_retried_like_a_reply_and_counted_apart() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(floods={"warning": [TimedOut()] * 1000})
        limiter = make_limiter()
        with pytest.raises(TimedOut):
            await send(limiter, telegram, 42, tag="warning", delivery="warning")
        assert limiter.stats.dropped == {"interactive": 0, "warning": 1, "bulk": 0}

    run_in_virtual_time(scenario)


def test_an_unknown_delivery_is_refused_before_anything_is_sent() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram()
        with pytest.raises(ValueError, match="urgent"):
            await send(make_limiter(), telegram, 42, delivery="urgent")
        assert telegram.attempts == []

    run_in_virtual_time(scenario)


def test_a_negative_deadline_is_refused() -> None:
    async def scenario() -> None:
        with pytest.raises(ValueError, match="bulk"):
            make_limiter(bulk_deadline=-1.0)

    run_in_virtual_time(scenario)


@given(
    st.lists(
        st.one_of(
            st.integers(1, 30),
            st.just(NetworkError("Bad Gateway")),
            st.just(TimedOut()),
        ),
        max_size=12,
    ),
    st.floats(10, 300),
)
def test_delivered_unless_the_failures_outlast_the_deadline(
    failures: list[int | float | timedelta | Exception], deadline: float
) -> None:
    """Delivered exactly when the waits the failures call for fit in the deadline."""
    waits, backoff = [], 0.25
    for failure in failures:
        if isinstance(failure, int):
            waits.append(float(failure))
        else:
            waits.append(backoff * 1.5)  # jitter fixed at 1.0: the factor is 0.5 + 1.0
            backoff = min(8.0, backoff * 2)
    fits = all(sum(waits[: i + 1]) <= deadline for i in range(len(waits)))

    async def scenario() -> None:
        telegram = FakeTelegram(floods={"reply": list(failures)})
        # A chat pace this fast never adds to the waits (the model above leaves it out).
        limiter = make_limiter(chat_rate=1000.0, interactive_deadline=deadline, jitter=lambda: 1.0)
        try:
            await send(limiter, telegram, 42, tag="reply")
        except (NetworkError, RetryAfter):
            assert not fits
            assert limiter.stats.dropped["interactive"] == 1
        else:
            assert fits and telegram.floods["reply"] == []
        tried = attempts(telegram, "reply")
        assert tried[-1] - tried[0] <= deadline

    run_in_virtual_time(scenario)


# --- which failures surely never left: real errors from PTB's HTTPXRequest ----------------------

TOKEN = "123456789:DELIVERY-test-token_abc"
MARKUP = InlineKeyboardMarkup([[InlineKeyboardButton("Start", callback_data="n:1:start")]])


def closed_port() -> int:
    """A local port nobody listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def failure_of(request: BaseRequest, url: str) -> NetworkError:
    with pytest.raises(NetworkError) as raised:
        await request.post(url)
    return raised.value


async def test_only_a_refused_connection_or_a_pool_time_out_surely_never_left(
    tmp_path: Path,
) -> None:
    async with BotApiEmulator(media_dir=tmp_path) as emu:
        url = f"{emu.base_url}{TOKEN}/getMe"
        request = HTTPXRequest(connection_pool_size=1, pool_timeout=0.2, read_timeout=0.5)
        await request.initialize()
        try:
            refused = await failure_of(request, f"http://127.0.0.1:{closed_port()}/bot/getMe")
            assert isinstance(refused.__cause__, httpx.ConnectError) and never_left(refused)

            emu.faults.drop_next(1)  # holds the pool's only connection until the read time-out
            holder = asyncio.ensure_future(failure_of(request, url))
            await asyncio.sleep(0.05)
            pool = await failure_of(request, url)
            assert isinstance(pool, TimedOut) and isinstance(pool.__cause__, httpx.PoolTimeout)
            assert never_left(pool)
            read = await holder
            assert isinstance(read, TimedOut) and isinstance(read.__cause__, httpx.ReadTimeout)
            assert not never_left(read)  # it was sent; Telegram may have processed it

            emu.faults.drop_next(1, close_after=0.05)
            cut = await failure_of(request, url)
            assert isinstance(cut.__cause__, httpx.RemoteProtocolError) and not never_left(cut)

            emu.faults.fail_next(1, status=502)
            bad_gateway = await failure_of(request, url)
            assert not never_left(bad_gateway)  # an answer: the request surely arrived
        finally:
            await request.shutdown()


async def test_the_aiohttp_transport_tells_the_same_failures_apart(tmp_path: Path) -> None:
    """The same contract on Backcare's transport (perf/transport.py, the default). A request
    beyond its connections waits for one, in order, with no time-out: it never meets the pool's
    time-out (which PTB's own transport gives, above)."""
    async with BotApiEmulator(media_dir=tmp_path) as emu:
        url = f"{emu.base_url}{TOKEN}/getMe"
        request = AiohttpRequest(1, pool_timeout=0.1, connect_timeout=0.1, read_timeout=0.5)
        await request.initialize()
        try:
            refused = await failure_of(request, f"http://127.0.0.1:{closed_port()}/bot/getMe")
            assert isinstance(refused.__cause__, aiohttp.ClientConnectorError)
            assert never_left(refused)

            emu.faults.drop_next(1)  # holds the only connection until the read time-out
            holder = asyncio.ensure_future(failure_of(request, url))
            await asyncio.sleep(0.05)
            queued = asyncio.ensure_future(request.post(url))  # longer than the pool time-out
            read = await holder
            assert isinstance(read, TimedOut) and not never_left(read)  # sent: maybe processed
            assert (await queued)["is_bot"] is True  # sent once the connection was free

            emu.faults.drop_next(1, close_after=0.05)
            cut = await failure_of(request, url)
            assert isinstance(cut.__cause__, aiohttp.ClientError) and not never_left(cut)

            emu.faults.fail_next(1, status=502)
            bad_gateway = await failure_of(request, url)
            assert not never_left(bad_gateway)  # an answer: the request surely arrived
        finally:
            await request.shutdown()


@pytest.mark.parametrize(
    ("cause", "left"),
    [
        (httpx.ConnectTimeout("no answer to SYN"), False),
        (httpx.WriteTimeout("half the body sent"), True),
        (httpx.ReadError("connection reset"), True),
    ],
)
def test_time_outs_are_told_apart_by_their_cause(cause: Exception, left: bool) -> None:
    # PTB raises TimedOut from every httpx time-out; only its cause says whether bytes left.
    error = TimedOut()
    error.__cause__ = cause
    assert never_left(error) is not left


# --- send_reminder: retried only when the request surely never left -----------------------------


@dataclass
class Reminders:
    """A reminder sender's view: a real ExtBot with the limiter, talking to the emulator."""

    emu: BotApiEmulator
    bot: ExtBot[dict[str, Any]]
    user_id: int = 1001
    asked: int = 0  # how often the dispatcher's before_send was called

    async def send(self) -> Result:
        async def before_send() -> bool:
            self.asked += 1
            return True

        item = Claimed(
            "r1:2026-11-24T07:30", 1, self.user_id, self.user_id, datetime.now(UTC), "en"
        )
        application = SimpleNamespace(bot=self.bot)
        result, _ = await send_reminder(application, item, "Time to move", MARKUP, before_send)  # type: ignore[arg-type]
        return result

    def received(self) -> int:
        return len([e for e in self.emu.users[self.user_id].events if e.kind == "send"])


@pytest.fixture
async def reminders(tmp_path: Path) -> AsyncIterator[Reminders]:
    async with BotApiEmulator(media_dir=tmp_path) as emu:
        emu.add_user(1001)
        request = HTTPXRequest(connection_pool_size=1, pool_timeout=0.2, read_timeout=0.5)
        bot = ExtBot(
            TOKEN, base_url=emu.base_url, request=request, rate_limiter=TelegramRateLimiter()
        )
        async with bot:
            yield Reminders(emu, bot)


@pytest.mark.parametrize(
    ("fault", "met"),
    [
        (lambda f: f.drop_next(1, method="sendMessage"), lambda e: e.faults.dropped),
        (lambda f: f.drop_next(1, "sendMessage", close_after=0.05), lambda e: e.faults.dropped),
        (lambda f: f.fail_next(1, status=502), lambda e: e.stats.errors[502]),
        (lambda f: f.fail_next(1, status=500), lambda e: e.stats.errors[500]),
    ],
    ids=["read time-out", "dropped connection", "502", "500"],
)
async def test_a_reminder_that_may_have_left_is_uncertain_and_not_sent_again(
    reminders: Reminders, fault: Any, met: Any
) -> None:
    fault(reminders.emu.faults)
    assert await reminders.send() is Result.UNCERTAIN
    await asyncio.sleep(0.2)
    assert met(reminders.emu) == 1  # one attempt, not repeated
    assert reminders.received() == 0 and reminders.asked == 1


async def test_a_reminder_that_met_a_pool_time_out_is_retried_and_sent_once(
    reminders: Reminders,
) -> None:
    reminders.emu.faults.drop_next(1, method="getChat")  # occupies the only connection for 0.5 s
    holder = asyncio.ensure_future(reminders.bot.get_chat(reminders.user_id))
    await asyncio.sleep(0.05)
    assert await reminders.send() is Result.SENT
    with pytest.raises(TimedOut):
        await holder
    assert reminders.received() == 1
    assert reminders.asked >= 2  # sent again after the pool time-out


async def test_a_reminder_that_cannot_connect_is_retried_then_failed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(reminder_job, "NETWORK_RETRIES", (0.01, 0.01, 0.01))
    url = f"http://127.0.0.1:{closed_port()}/bot"
    bot = ExtBot(TOKEN, base_url=url, rate_limiter=TelegramRateLimiter())
    async with BotApiEmulator(media_dir=tmp_path) as emu:  # only for the Reminders record
        sender = Reminders(emu, bot)
        assert await sender.send() is Result.FAILED
    assert sender.asked == 4  # the first try and three retries
