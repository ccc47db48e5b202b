"""Fairness under a flood: one person sending as fast as they can stalls nobody else, is told
calmly (at most once a minute) to slow down, and is still heard when they report pain; the
processor forgets idle chats and people, and logs drops by count at most once a minute."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot, Update

from core.updates import PerChatUpdateProcessor
from emulator.render import plain
from handlers.chats import pain_reports
from handlers.hearing import lexicon
from tests.conftest import TEST_TOKEN

FLOOD = 1000
BURST = 100  # as many as one getUpdates returns
BURST_EVERY = 0.3  # seconds: the flood lasts ~3 s, while the other person asks
# Every Bot API call takes this long, as over a network: a handler is no longer nearly free, so
# a chat's backlog takes time to clear (tests/conftest.py removes the per-chat pace).
ROUND_TRIP = 0.05
SLOW_DOWN = "You are sending messages faster than I can answer"
PAIN_WARNING = ("Stop the exercise now", "Please stop any exercise now")


async def flood(user, pain_at: int | None = None) -> None:  # type: ignore[no-untyped-def]
    """Send FLOOD messages as fast as a client can, in bursts; one of them may report pain."""
    for index in range(FLOOD):
        await user.send("it hurts" if index == pain_at else f"hello {index}")
        if index % BURST == BURST - 1:
            await asyncio.sleep(BURST_EVERY)


async def test_a_flood_from_one_person_does_not_stall_another(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    emulator.faults.latency = ROUND_TRIP
    flooder, other = make_user(name="Flo"), make_user(name="Otto")
    started = time.monotonic()
    flooding = asyncio.create_task(flood(flooder))
    times, during = [], []
    for _ in range(5):
        await asyncio.sleep(0.4)
        during.append(not flooding.done())
        sent = time.monotonic()
        await other.send("/help")
        try:
            event = await other.wait_text("What I can do", timeout=1.0)
            times.append(round(event.monotonic - sent, 3))
        except AssertionError:
            times.append(float("inf"))
    await flooding
    print(f"/help answered in {times} s during a {FLOOD}-message flood")
    assert all(t < 1.0 for t in times), times
    assert all(during), "the flood ended before the last /help: the test proves nothing"
    assert time.monotonic() - started < 15


async def test_the_flooder_is_told_once_and_heard_on_pain(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    emulator.faults.latency = ROUND_TRIP
    flooder = make_user(name="Flo")
    # In the middle of a burst: the bucket is empty and the backlog full when the pain arrives.
    flooding = asyncio.create_task(flood(flooder, pain_at=FLOOD // 2 + BURST // 2))
    warning = await flooder.wait_for(
        lambda e: e.kind == "send" and any(w in plain(e.message) for w in PAIN_WARNING),
        timeout=5,
    )
    assert not flooding.done()  # heard during the flood, not after it
    await flooding
    await asyncio.sleep(0.5)  # what was let through has had time to be answered
    notices = [e for e in flooder.events if e.kind == "send" and SLOW_DOWN in plain(e.message)]
    assert len(notices) == 1, len(notices)
    assert notices[0].monotonic < warning.monotonic  # the notice came at once, in the flood
    answered = [e for e in flooder.events if e.kind == "send"]
    assert len(answered) < 60, len(answered)  # the excess was dropped, not queued


# --- the processor alone, on a clock the test moves ------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def bot(emulator) -> AsyncIterator[Bot]:  # type: ignore[no-untyped-def]
    telegram_bot = Bot(TEST_TOKEN, base_url=emulator.base_url)
    await telegram_bot.initialize()
    try:
        yield telegram_bot
    finally:
        await telegram_bot.shutdown()


def message(bot: Bot, user_id: int, text: str, chat_id: int | None = None) -> Update:
    chat = {"id": chat_id or user_id, "type": "private" if chat_id is None else "group"}
    if chat_id is not None:
        chat["title"] = "Back club"
    data: dict[str, Any] = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": "Flo", "language_code": "ru"},
            "text": text,
        },
    }
    return Update.de_json(data, bot)


async def test_a_backlog_is_capped_pain_goes_first_and_idle_state_is_forgotten(  # type: ignore[no-untyped-def]
    bot, emulator, settings, content, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="core.updates")
    clock = Clock()
    processor = PerChatUpdateProcessor(
        settings, content, never_drop=pain_reports(lexicon(content)), clock=clock
    )
    flooder = emulator.add_user(700001, "Flo", "ru")
    ran: list[str] = []
    gate = asyncio.Event()

    async def handle(text: str) -> None:
        await gate.wait()  # the chat's first update holds its turn until the test lets go
        ran.append(text)

    texts = [f"hello {i}" for i in range(30)] + ["у меня болит спина", "hello 30"]
    tasks = [
        asyncio.create_task(processor.process_update(message(bot, flooder.user_id, t), handle(t)))
        for t in texts
    ]
    await asyncio.sleep(0.1)
    assert processor.tracked() == (1, 1)
    gate.set()
    await asyncio.gather(*tasks)
    # Ten pending at most (one running, nine waiting): the rest dropped, except the pain report,
    # which went ahead of the nine waiting.
    assert ran == ["hello 0", "у меня болит спина", *[f"hello {i}" for i in range(1, 10)]]
    notice = await flooder.wait_text("быстрее, чем я успеваю ответить")  # in their language
    assert notice.kind == "send"
    drops = [r for r in caplog.records if r.name == "core.updates"]
    assert len(drops) == 1 and "0 over the rate, 1 over the chat's backlog" in drops[0].message
    assert "hello" not in drops[0].message

    # A group chat: the same person's flood there gets no notice, and the drops are logged again
    # only a minute after the first log line, with the count in between.
    for i in range(40):
        await processor.process_update(message(bot, flooder.user_id, f"x{i}", -4001), handle("g"))
    assert len([r for r in caplog.records if r.name == "core.updates"]) == 1
    clock.now += 61
    await processor.process_update(message(bot, flooder.user_id, "later"), handle("later"))
    drops = [r.message for r in caplog.records if r.name == "core.updates"]
    assert len(drops) == 2 and "30 over the rate, 20 over the chat's backlog" in drops[1], drops
    await asyncio.sleep(0.2)
    assert [e for e in flooder.events if "быстрее" in plain(e.message)] == [notice]

    # Idle: the chats are forgotten at once, the person once their bucket is full and their
    # quiet minute has passed.
    assert processor.tracked() == (0, 1)
    clock.now += 61
    await processor.process_update(message(bot, 700002, "hi"), handle("hi"))
    assert processor.tracked() == (0, 1)  # only the newcomer
    await processor.shutdown()
    assert processor.tracked() == (0, 0)


async def test_a_chat_waits_for_its_turn_before_it_takes_a_slot(bot, settings, content) -> None:  # type: ignore[no-untyped-def]
    processor = PerChatUpdateProcessor(
        settings, content, never_drop=pain_reports(lexicon(content)), max_concurrent_updates=2
    )
    gate = asyncio.Event()
    ran: list[str] = []

    async def handle(text: str) -> None:
        if text.startswith("busy"):
            await gate.wait()
        ran.append(text)

    busy = [
        asyncio.create_task(processor.process_update(message(bot, 700001, t), handle(t)))
        for t in [f"busy {i}" for i in range(5)]
    ]
    await asyncio.sleep(0.05)
    # One slot is taken by the busy chat's running update; its waiting ones hold none.
    other = processor.process_update(message(bot, 700002, "other"), handle("other"))
    await asyncio.wait_for(other, timeout=1)
    assert ran == ["other"]
    gate.set()
    await asyncio.gather(*busy)
    assert ran == ["other", *[f"busy {i}" for i in range(5)]]
