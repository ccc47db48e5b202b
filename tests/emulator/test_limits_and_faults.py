"""Telegram's sending limits (on an injected clock) and the failures a test can inject."""

from __future__ import annotations

import datetime as dtm
import time

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from emulator import BotApiEmulator, Limits
from tests.emulator.conftest import TOKEN, Api, FakeClock

# PTB 22 warns that retry_after will become a timedelta; seconds() below reads either.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def seconds(retry_after: int | dtm.timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, dtm.timedelta) else retry_after


@pytest.mark.parametrize("limits", [Limits(mode="reject")])
async def test_per_chat_limit_rejects_after_a_burst_of_three(
    bot: Bot, emu: BotApiEmulator, clock: FakeClock
) -> None:
    user = emu.add_user(1001)
    for number in range(3):
        await bot.send_message(user.user_id, f"burst {number}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(user.user_id, "one too many")
    assert seconds(caught.value.retry_after) == 1
    # Not counted: chat actions, callback answers and deletions.
    await bot.send_chat_action(user.user_id, "typing")
    await bot.delete_message(user.user_id, 1)
    assert (emu.stats.rejected_429, emu.stats.per_chat_violations) == (1, 1)
    clock.advance(1.0)
    await bot.send_message(user.user_id, "after a second")
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("edits count too", user.user_id, 2)
    assert len([e for e in emu.events if e.kind == "send"]) == 4


@pytest.mark.parametrize("limits", [Limits(mode="reject", per_chat_burst=1, per_chat_rate=0.2)])
async def test_retry_after_is_rounded_up_from_the_bucket(
    api: Api, emu: BotApiEmulator, clock: FakeClock
) -> None:
    emu.add_user(1001)
    assert (await api("sendMessage", chat_id=1001, text="a"))[0] == 200
    clock.advance(0.5)
    status, body = await api("sendMessage", chat_id=1001, text="b")
    assert (status, body) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 5",
            "parameters": {"retry_after": 5},
        },
    )


async def test_count_mode_serves_everything_and_counts_violations(
    bot: Bot, emu: BotApiEmulator, clock: FakeClock
) -> None:
    user = emu.add_user(1001)
    for number in range(5):
        await bot.send_message(user.user_id, f"message {number}")
    assert (emu.stats.per_chat_violations, emu.stats.rejected_429) == (2, 0)
    assert len(user.messages) == 5
    clock.advance(3.0)  # the bucket refills at one message per second
    for number in range(3):
        await bot.send_message(user.user_id, f"later {number}")
    assert emu.stats.per_chat_violations == 2


@pytest.mark.parametrize("limits", [Limits(global_rate=30, global_burst=4)])
async def test_global_limit_counts_across_chats(bot: Bot, emu: BotApiEmulator) -> None:
    for user_id in range(2001, 2007):
        emu.add_user(user_id)
        await bot.send_message(user_id, "broadcast")
    assert (emu.stats.global_violations, emu.stats.per_chat_violations) == (2, 0)


@pytest.mark.parametrize("limits", [Limits(mode="off", per_chat_burst=1)])
async def test_limits_off(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    for _ in range(4):
        await bot.send_message(user.user_id, "free")
    assert emu.stats.per_chat_violations == 0


async def test_blocked_user_gives_forbidden(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    user.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(user.user_id, "hello?")
    user.unblock()
    assert (await bot.send_message(user.user_id, "hello again")).message_id == 1
    emu.faults.block(user.user_id)
    with pytest.raises(Forbidden):
        await bot.send_photo(user.user_id, b"GIF89a")
    assert emu.stats.errors[403] == 2 and emu.stats.uploads == 0


async def test_injected_429_storm_for_one_method(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    emu.faults.rate_limit_next(2, retry_after=7, method="sendMessage")
    await bot.send_chat_action(user.user_id, "typing")  # another method is not affected
    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(user.user_id, "x")
        assert seconds(caught.value.retry_after) == 7
    await bot.send_message(user.user_id, "through")


async def test_injected_server_errors(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    emu.faults.fail_next(1, status=502)
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{emu.base_url}{TOKEN}/getMe")
    assert response.status_code == 502 and "<h1>502 Bad Gateway</h1>" in response.text
    emu.faults.fail_next(1, status=500, method="sendMessage")
    await bot.get_me()
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(user.user_id, "x")
    emu.faults.fail_next(5)
    emu.faults.clear()
    await bot.send_message(user.user_id, "all clear")
    with pytest.raises(ValueError):
        emu.faults.fail_next(1, status=404)


async def test_a_dropped_request_is_never_processed_nor_answered(emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    bot = Bot(TOKEN, base_url=emu.base_url, request=HTTPXRequest(read_timeout=0.3))
    async with bot:
        emu.faults.drop_next(1, method="sendMessage")
        await bot.get_me()  # another method is not affected
        started = time.monotonic()
        with pytest.raises(TimedOut) as caught:
            await bot.send_message(user.user_id, "lost on the way")
        # The client gave up waiting for an answer: a read time-out, as after a real loss.
        assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
        assert 0.3 <= time.monotonic() - started < 2.0
        assert user.events == [] and emu.stats.by_method["sendMessage"] == 0
        assert emu.faults.dropped == 1
        # Nothing was processed, so sending it again delivers it exactly once.
        await bot.send_message(user.user_id, "sent again")
        assert [e.message["text"] for e in user.events if e.message] == ["sent again"]


async def test_a_dropped_request_can_end_in_a_closed_connection(emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    async with Bot(TOKEN, base_url=emu.base_url) as bot:
        emu.faults.drop_next(2, close_after=0.1)
        started = time.monotonic()
        for _ in range(2):
            with pytest.raises(NetworkError) as caught:
                await bot.send_message(user.user_id, "cut off")
            assert not isinstance(caught.value, TimedOut)
            assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)
        assert time.monotonic() - started < 2.0  # well before the 5 s read time-out
        assert user.events == [] and emu.faults.dropped == 2
        emu.faults.drop_next(3)
        emu.faults.clear()
        await bot.send_message(user.user_id, "all clear")
        with pytest.raises(ValueError):
            emu.faults.drop_next(1, close_after=-1)


async def test_latency_is_added_to_every_answer(bot: Bot, emu: BotApiEmulator) -> None:
    emu.faults.latency = 0.2
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.2


async def test_unknown_chat_does_not_use_the_bucket(bot: Bot, emu: BotApiEmulator) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(31337, "nobody")
    assert emu.stats.per_chat_violations == 0 and emu.stats.errors[400] == 1
