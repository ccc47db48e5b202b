"""The rate limiter in virtual time: per-chat pace, bulk ceiling, arrival order, 429 handling."""

from __future__ import annotations

import asyncio
import logging
import warnings
from datetime import timedelta

import pytest
from telegram.error import BadRequest, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from tests.throttle.harness import FakeTelegram, make_limiter, most_in_any_window, send
from tests.throttle.virtual_time import run_in_virtual_time
from throttle import SendWithdrawn, TelegramRateLimiter
from throttle.limiter import retry_after_seconds


def test_one_chat_gets_its_burst_then_one_message_per_second() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram()
        limiter = make_limiter(chat_rate=1.0, chat_burst=3)
        await asyncio.gather(*(send(limiter, telegram, 42) for _ in range(6)))
        assert telegram.times(42) == pytest.approx([0, 0, 0, 1, 2, 3])
        assert limiter.stats.waits["chat"].count == 3
        assert limiter.stats.waits["chat"].seconds == pytest.approx(1 + 2 + 3)

        # One at a time, as the session engine sends: the burst is spent, so the pace holds.
        for _ in range(3):
            await send(limiter, telegram, 42)
        assert telegram.times(42)[6:] == pytest.approx([4, 5, 6])

    run_in_virtual_time(scenario)


def test_a_thousand_chats_go_at_once_without_a_single_sleep() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram()
        sleeps: list[float] = []
        limiter = make_limiter(sleeps)
        await asyncio.gather(*(send(limiter, telegram, chat) for chat in range(1000)))
        assert len(telegram.sent) == 1000
        assert {call.at for call in telegram.sent} == {0.0}
        assert sleeps == []
        assert all(tally.count == 0 for tally in limiter.stats.waits.values())
        assert limiter.stats.paced == 1000 and limiter.tracked_chats == 1000

    run_in_virtual_time(scenario)


def test_bulk_keeps_to_its_ceiling_while_live_chats_pass_at_once() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram()
        limiter = make_limiter(bulk_rate=30.0, bulk_burst=30)
        reminders = [
            send(limiter, telegram, 10_000 + n, bulk=True, tag="reminder") for n in range(120)
        ]
        live = [
            send(limiter, telegram, chat, tag=("live", at), at=at)
            for at, first in ((0.0, 0), (0.5, 100), (2.25, 200))
            for chat in range(first, first + 50)
        ]
        await asyncio.gather(*reminders, *live)

        for call in telegram.sent:
            if call.tag != "reminder":
                assert call.at == call.tag[1]  # type: ignore[index]
        reminder_times = telegram.times("reminder")
        assert most_in_any_window(reminder_times, 1.0) == 30
        # 30 a second and no slower: 120 reminders leave in four whole-second waves.
        assert sorted(reminder_times) == pytest.approx([0] * 30 + [1] * 30 + [2] * 30 + [3] * 30)
        assert limiter.stats.waits["bulk"].count == 90
        assert limiter.stats.waits["chat"].count == 0

    run_in_virtual_time(scenario)


def test_a_bulk_send_waits_for_its_chat_without_holding_up_other_bulk_sends() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram()
        limiter = make_limiter(chat_rate=1.0, chat_burst=3)
        for _ in range(3):
            await send(limiter, telegram, 5, tag="live")
        await asyncio.gather(
            send(limiter, telegram, 5, bulk=True, tag="busy chat"),
            send(limiter, telegram, 6, bulk=True, tag="quiet chat", at=0.1),
        )
        assert telegram.times("busy chat") == pytest.approx([1.0])
        assert telegram.times("quiet chat") == pytest.approx([0.1])

    run_in_virtual_time(scenario)


def test_requests_to_one_chat_leave_in_arrival_order() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram()
        limiter = make_limiter(chat_rate=1.0, chat_burst=1)
        await asyncio.gather(*(send(limiter, telegram, 7, tag=n) for n in range(5)))
        assert telegram.order() == [0, 1, 2, 3, 4]
        assert [call.at for call in telegram.sent] == pytest.approx([0, 1, 2, 3, 4])

    run_in_virtual_time(scenario)


def test_a_live_edit_does_not_overtake_a_reminder_queued_for_the_bulk_ceiling() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram()
        limiter = make_limiter(chat_burst=3, bulk_rate=2.0, bulk_burst=2)
        await asyncio.gather(
            send(limiter, telegram, 100, bulk=True),
            send(limiter, telegram, 101, bulk=True),
            send(limiter, telegram, 7, bulk=True, tag="reminder"),  # the bulk window is full
            send(limiter, telegram, 7, endpoint="editMessageText", tag="edit", at=0.1),
        )
        # Chat 7's own pace would let the edit go at 0.1; it waits for the reminder instead.
        assert telegram.times("reminder") == pytest.approx([1.0])
        assert telegram.times("edit") == pytest.approx([1.0])
        assert telegram.order().index("reminder") < telegram.order().index("edit")

    run_in_virtual_time(scenario)


def test_a_request_waits_until_the_previous_one_to_its_chat_is_answered() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(upload_seconds={"photo": 2.0})
        limiter = make_limiter(chat_burst=3)
        await asyncio.gather(
            send(limiter, telegram, 7, endpoint="sendPhoto", tag="photo"),
            send(limiter, telegram, 7, endpoint="editMessageText", tag="edit", at=0.5),
            send(limiter, telegram, 8, tag="other chat", at=0.5),
        )
        assert telegram.times("edit") == pytest.approx([2.0])  # the upload took until 2.0
        assert telegram.times("other chat") == pytest.approx([0.5])

    run_in_virtual_time(scenario)


def test_a_retry_after_a_429_keeps_its_place_before_later_requests() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(floods={"photo": [3]})
        limiter = make_limiter(chat_rate=1.0, chat_burst=3)
        await asyncio.gather(
            send(limiter, telegram, 7, endpoint="sendPhoto", tag="photo"),
            send(limiter, telegram, 7, endpoint="editMessageText", tag="edit", at=0.5),
        )
        assert [call.at for call in telegram.attempts if call.tag == "photo"] == [0.0, 3.0]
        # After the pause the chat resumes at its steady pace, not with a fresh burst.
        assert telegram.times("edit") == pytest.approx([4.0])
        assert telegram.order() == ["photo", "edit"]

    run_in_virtual_time(scenario)


@pytest.mark.parametrize(
    ("retry_after", "seconds"), [(5, 5.0), (timedelta(seconds=2.5), 2.5)], ids=["int", "timedelta"]
)
def test_a_429_is_retried_after_retry_after_and_pauses_only_its_chat(
    retry_after: int | timedelta, seconds: float
) -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(floods={"flooded": [retry_after]})
        limiter = make_limiter()
        results = await asyncio.gather(
            send(limiter, telegram, 42, tag="flooded"),
            send(limiter, telegram, 42, tag="next", at=1.0),
            send(limiter, telegram, 43, tag="other chat", at=1.0),
        )
        assert results == [True, True, True]
        assert [call.at for call in telegram.attempts if call.tag == "flooded"] == [0, seconds]
        assert telegram.times("next")[0] >= seconds
        assert telegram.times("other chat") == [1.0]
        assert (limiter.stats.rate_limited, limiter.stats.retries) == (1, 1)
        assert limiter.stats.waits["chat"].seconds >= seconds

    run_in_virtual_time(scenario)


def test_a_429_is_logged_with_endpoint_and_chat_but_not_the_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(floods={"photo": [1]})
        await send(make_limiter(), telegram, 4242, endpoint="sendPhoto", tag="photo")

    with caplog.at_level(logging.WARNING, logger="throttle"):
        run_in_virtual_time(scenario)
    [record] = [r for r in caplog.records if r.name.startswith("throttle")]
    assert record.levelno == logging.WARNING
    assert "sendPhoto" in record.getMessage() and "4242" in record.getMessage()
    assert "private words" not in caplog.text


def test_a_429_past_the_deadline_is_raised_and_the_chat_stays_held() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(floods={"doomed": [5, 5, 5, 5]})
        limiter = make_limiter(interactive_deadline=12.0)
        with pytest.raises(RetryAfter):
            await send(limiter, telegram, 42, tag="doomed")
        # The third 429 (at 10) asks for a retry at 15, past the 12 s deadline: dropped.
        assert [call.at for call in telegram.attempts] == [0, 5, 10]
        assert (limiter.stats.rate_limited, limiter.stats.retries) == (3, 2)
        assert limiter.stats.dropped["interactive"] == 1
        # Telegram asked for 5 more seconds at 10: the chat's next request honours that.
        await send(limiter, telegram, 42, tag="later")
        assert telegram.times("later") == pytest.approx([15.0])

    run_in_virtual_time(scenario)


def test_a_429_to_a_bulk_send_pauses_every_bulk_send_but_no_live_one() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(floods={"first reminder": [4]})
        limiter = make_limiter()
        await asyncio.gather(
            send(limiter, telegram, 1, bulk=True, tag="first reminder"),
            *(send(limiter, telegram, chat, bulk=True, tag="reminder", at=0.5) for chat in (2, 3)),
            send(limiter, telegram, 9, tag="live", at=0.5),
        )
        assert telegram.times("first reminder") == pytest.approx([4.0])
        assert telegram.times("reminder") == pytest.approx([4.0, 4.0])
        assert telegram.times("live") == [0.5]

    run_in_virtual_time(scenario)


def test_other_errors_pass_through_unchanged_and_free_the_chat() -> None:
    async def scenario() -> None:
        limiter, telegram = make_limiter(), FakeTelegram()
        refusal = BadRequest("Message is not modified")
        calls = 0

        async def refuse(*args: object, **kwargs: object) -> bool:
            nonlocal calls
            calls += 1
            raise refusal

        with pytest.raises(BadRequest) as raised:
            await limiter.process_request(refuse, (), {}, "editMessageText", {"chat_id": 5}, None)
        assert raised.value is refusal and calls == 1
        assert limiter.stats.retries == 0
        await send(limiter, telegram, 5)
        assert telegram.times(5) == [0.0]

    run_in_virtual_time(scenario)


def test_unpaced_methods_and_requests_without_chat_are_never_delayed() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram()
        sleeps: list[float] = []
        limiter = make_limiter(sleeps, chat_rate=1.0, chat_burst=1)
        paced = [send(limiter, telegram, 7, tag="message") for _ in range(5)]
        unpaced = [
            send(limiter, telegram, chat_id, endpoint=endpoint, tag="unpaced")
            for endpoint, chat_id in [
                ("answerCallbackQuery", None),
                ("getMe", None),
                ("sendChatAction", 7),
                ("deleteMessage", 7),
                ("getChat", 7),
                ("setMyCommands", None),
            ]
            for _ in range(10)
        ]
        await asyncio.gather(*paced, *unpaced)
        assert set(telegram.times("unpaced")) == {0.0}
        # They took nothing from chat 7's pace either.
        assert telegram.times("message") == pytest.approx([0, 1, 2, 3, 4])
        assert limiter.stats.paced == 5 and len(sleeps) == 4

    run_in_virtual_time(scenario)


def test_a_429_to_an_unpaced_request_is_retried_without_pausing_the_chat() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(floods={"toast": [2]})
        limiter = make_limiter()
        await asyncio.gather(
            send(limiter, telegram, 7, endpoint="answerCallbackQuery", tag="toast"),
            send(limiter, telegram, 7, tag="message", at=0.5),
        )
        assert [call.at for call in telegram.attempts if call.tag == "toast"] == [0, 2]
        assert telegram.times("message") == [0.5]

    run_in_virtual_time(scenario)


def test_the_overall_ceiling_caps_everything_when_set() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram()
        limiter = make_limiter(overall_rate=10.0)
        await asyncio.gather(*(send(limiter, telegram, chat, tag="any") for chat in range(25)))
        assert sorted(telegram.times("any")) == pytest.approx([0] * 10 + [1] * 10 + [2] * 5)
        assert limiter.stats.waits["overall"].count == 15

    run_in_virtual_time(scenario)


def test_a_chat_id_given_as_text_shares_the_pace_of_the_same_number() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram()
        limiter = make_limiter(chat_rate=1.0, chat_burst=1)
        await send(limiter, telegram, "-100123", tag="text")
        await send(limiter, telegram, -100123, tag="number")
        assert telegram.times("number") == pytest.approx([1.0])

    run_in_virtual_time(scenario)


def test_idle_chats_are_forgotten_but_a_held_chat_is_not() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram(floods={"held": [200]})
        # A 200 s pause is past the 120 s deadline: the request is dropped, the pause stays.
        limiter = make_limiter(forget_idle_every=60.0)
        for chat in range(100):
            await send(limiter, telegram, chat)
        with pytest.raises(RetryAfter):
            await send(limiter, telegram, 500, tag="held")
        assert limiter.tracked_chats == 101

        await send(limiter, telegram, 1, tag="later", at=120.0)
        assert limiter.tracked_chats == 2  # chat 1 again, and chat 500 (held until 200)
        await send(limiter, telegram, 500, tag="after the pause")
        assert telegram.times("after the pause") == pytest.approx([200.0])

        await send(limiter, telegram, 2, at=400.0)
        assert limiter.tracked_chats == 1

    run_in_virtual_time(scenario)


def test_a_cancelled_waiter_leaves_the_queue_in_order() -> None:
    async def scenario() -> None:
        telegram = FakeTelegram()
        limiter = make_limiter(chat_rate=1.0, chat_burst=1)
        first = asyncio.ensure_future(send(limiter, telegram, 7, tag="first"))
        second = asyncio.ensure_future(send(limiter, telegram, 7, tag="second"))
        third = asyncio.ensure_future(send(limiter, telegram, 7, tag="third"))
        await asyncio.sleep(0.5)
        second.cancel()
        await asyncio.gather(first, third)
        assert second.cancelled()
        assert telegram.order() == ["first", "third"]
        assert telegram.times("third") == pytest.approx([1.0])
        await send(limiter, telegram, 7, tag="fourth", at=5.0)
        assert telegram.times("fourth") == [5.0]

    run_in_virtual_time(scenario)


def test_before_send_runs_once_when_the_request_may_go_and_can_withdraw_it() -> None:
    async def scenario() -> None:
        limiter, telegram = make_limiter(bulk_rate=2, bulk_burst=1), FakeTelegram()
        asked: list[tuple[object, float]] = []

        def hook(tag: object, answer: bool):  # type: ignore[no-untyped-def]
            async def before_send() -> bool:
                asked.append((tag, asyncio.get_running_loop().time()))
                return answer

            return before_send

        async def bulk_send(chat_id: int, answer: bool) -> object:
            data = {"chat_id": chat_id, "text": "hi"}
            return await limiter.process_request(
                telegram.callback("sendMessage", chat_id, chat_id),
                (),
                {},
                "sendMessage",
                data,
                {"bulk": True, "before_send": hook(chat_id, answer)},
            )

        telegram.floods[1] = [1]  # the first is retried after a 429: asked once, not twice
        first = asyncio.create_task(bulk_send(1, True))
        second = asyncio.create_task(bulk_send(2, False))
        assert await first is True
        with pytest.raises(SendWithdrawn):
            await second
        # Each hook ran when its request was let through, not earlier: the 429 held every bulk
        # send for 1 s, the retry of the first went at 1.0, the second half a second later (2/s).
        assert asked == [(1, 0.0), (2, 1.5)]
        assert telegram.order() == [1]  # the withdrawn one never reached Telegram
        assert limiter.stats.withdrawn == 1

    run_in_virtual_time(scenario)


async def test_the_summary_is_logged_once_however_often_it_is_shut_down(caplog) -> None:  # type: ignore[no-untyped-def]
    """PTB shuts the bot (and so its rate limiter) down once per owner: one summary, not two."""
    limiter = TelegramRateLimiter()
    with caplog.at_level(logging.INFO, logger="throttle.limiter"):
        await limiter.shutdown()
        await limiter.shutdown()
    assert [r.getMessage() for r in caplog.records].count(
        f"Rate limiter: {limiter.stats.summary()}"
    ) == 1


def test_the_first_reply_to_an_action_is_never_held_by_the_follow_ups_of_the_last() -> None:
    """A handler's follow-ups leave one send of the burst for the next reply, and a
    reply goes ahead of the chat's queue; every send still keeps Telegram's pace (1/s, 3)."""
    from emulator.limits import TokenBucket
    from throttle import replying_to

    async def scenario() -> None:
        telegram = FakeTelegram()
        limiter = make_limiter(chat_rate=1.0, chat_burst=3)

        async def action(at: float, name: str, follow_ups: int) -> None:
            await asyncio.sleep(at)
            replying_to(7)
            await send(limiter, telegram, 7, tag=f"{name} reply")
            for n in range(follow_ups):
                await send(limiter, telegram, 7, tag=f"{name} follow-up {n}")

        await asyncio.gather(action(0.0, "start", 3), action(0.5, "routine", 0))
        assert telegram.times("routine reply") == pytest.approx([0.5])
        bucket, crossings = TokenBucket(1.0, 3), 0
        for call in telegram.sent:
            if bucket.wait(7, call.at) > 1e-9:
                crossings += 1
            else:
                bucket.take(7, call.at)
        assert crossings == 0, [(c.tag, c.at) for c in telegram.sent]

    run_in_virtual_time(scenario)


def test_a_reply_takes_the_slot_a_timed_beat_is_waiting_for() -> None:
    """A live session's beats have used the chat's burst and the next one is waiting
    out the pace; a reply that arrives meanwhile takes that slot and the beat the one after,
    instead of queueing one interval behind it. Every send keeps Telegram's pace (1/s, 3)."""
    from emulator.limits import TokenBucket
    from throttle import replying_to

    async def scenario() -> None:
        telegram = FakeTelegram()
        limiter = make_limiter(chat_rate=1.0, chat_burst=3)

        async def beats() -> None:  # one after another, as the session's timer sends them
            for n in range(5):
                await send(limiter, telegram, 7, tag=f"beat {n}")

        async def action() -> None:
            await asyncio.sleep(0.5)
            replying_to(7)
            await send(limiter, telegram, 7, tag="reply")

        await asyncio.gather(beats(), action())
        assert telegram.order() == ["beat 0", "beat 1", "beat 2", "reply", "beat 3", "beat 4"]
        assert [call.at for call in telegram.sent] == pytest.approx([0, 0, 0, 1, 2, 3])
        bucket, crossings = TokenBucket(1.0, 3), 0
        for call in telegram.sent:
            if bucket.wait(7, call.at) > 1e-9:
                crossings += 1
            else:
                bucket.take(7, call.at)
        assert crossings == 0, [(c.tag, c.at) for c in telegram.sent]

    run_in_virtual_time(scenario)


@pytest.mark.parametrize("timedeltas", [False, True])
@pytest.mark.parametrize(("given", "seconds"), [(3, 3.0), (timedelta(seconds=2.5), 2.5)])
def test_retry_after_is_read_in_seconds_through_the_public_name_without_a_warning(
    monkeypatch: pytest.MonkeyPatch, timedeltas: bool, given: int | timedelta, seconds: float
) -> None:
    """PTB 22 gives `retry_after` as an int (with a deprecation warning) or, with
    PTB_TIMEDELTA set, a timedelta: either is read, and no 429 logs a warning."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true" if timedeltas else "false")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        error = RetryAfter(given)  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert retry_after_seconds(error) == pytest.approx(seconds)
