"""Delivery end to end: a reply gets through 429 storms, server errors and lost requests exactly
once, two replies to one chat keep their order while the first is retried, and a reminder is
never sent twice (a possible duplicate becomes "uncertain" instead)."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

import pytest

from core.config import Settings
from db.models import ReminderDelivery
from emulator import BotApiEmulator
from emulator.render import plain
from tests.e2e.helpers import FakeClock, daily_reminder_in_utc, dispatch_now, rows

HELP = "What I can do"
# Each kind of fault on sendMessage, as the bot meets it; "timeout" is a request lost on the way
# (never answered, the bot's read time-out expires).
FAULTS = ("429", "502", "500", "timeout")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A one-second read time-out, so that a lost request costs a second, not ten."""
    return settings.model_copy(update={"telegram_read_timeout": 1.0})


def inject(emulator: BotApiEmulator, fault: str, count: int) -> None:
    """The next `count` sendMessage calls meet `fault` (429s ask for a one-second wait)."""
    if fault == "429":
        emulator.faults.rate_limit_next(count, retry_after=1, method="sendMessage")
    elif fault == "timeout":
        emulator.faults.drop_next(count, method="sendMessage")
    else:
        emulator.faults.fail_next(count, status=int(fault), method="sendMessage")


def faults_met(emulator: BotApiEmulator, fault: str) -> int:
    if fault == "timeout":
        return emulator.faults.dropped
    return emulator.stats.errors[int(fault)]


def sent_texts(user) -> list[str]:  # type: ignore[no-untyped-def]
    return [plain(e.message) for e in user.events if e.kind == "send"]


@pytest.mark.parametrize(("fault", "count"), [("429", 20), ("502", 5), ("500", 5), ("timeout", 5)])
async def test_help_is_answered_exactly_once_through_faults(  # type: ignore[no-untyped-def]
    app, emulator, make_user, fault, count, caplog
) -> None:
    user = make_user()
    inject(emulator, fault, count)
    started = time.monotonic()
    await user.send("/help")
    await user.wait_text(HELP, timeout=40)
    elapsed = time.monotonic() - started
    logging.getLogger(__name__).info("/help through %d x %s: %.1f s", count, fault, elapsed)
    await asyncio.sleep(0.5)  # time for a duplicate to show
    [reply] = sent_texts(user)
    assert HELP in reply
    assert faults_met(emulator, fault) == count
    retries = [r.getMessage() for r in caplog.records if r.name.startswith("throttle")]
    assert retries and not [line for line in retries if HELP in line]  # logged, without text


@pytest.mark.parametrize(("fault", "count"), [("429", 2), ("502", 3), ("timeout", 2)])
async def test_two_replies_to_one_chat_arrive_in_order_through_faults(  # type: ignore[no-untyped-def]
    app, emulator, make_user, fault, count
) -> None:
    user = make_user()
    inject(emulator, fault, count)
    # As a handler that fires two replies without waiting for the first to be answered.
    first = asyncio.create_task(app.bot.send_message(user.user_id, "first"))
    await asyncio.sleep(0)
    second = asyncio.create_task(app.bot.send_message(user.user_id, "second"))
    await asyncio.wait_for(asyncio.gather(first, second), 30)
    assert sent_texts(user) == ["first", "second"]
    assert faults_met(emulator, fault) == count


async def settled_status(app) -> str:  # type: ignore[no-untyped-def]
    """The reminder occurrence's status once its send has ended (a few seconds at most)."""
    deadline = time.monotonic() + 10
    while True:
        statuses = [row.status for row in await rows(app, ReminderDelivery)]
        if statuses and statuses[-1] not in ("claimed", "sending"):
            return statuses[-1]
        assert time.monotonic() < deadline, statuses
        await asyncio.sleep(0.1)


@pytest.mark.parametrize(
    ("fault", "count", "status", "messages"),
    [("timeout", 1, "uncertain", 0), ("502", 1, "uncertain", 0), ("429", 2, "sent", 1)],
)
async def test_a_reminder_is_never_sent_twice(  # type: ignore[no-untyped-def]
    app, emulator, make_user, fault, count, status, messages
) -> None:
    """A request that may have reached Telegram is not sent again; a 429 (surely refused) is."""
    clock = FakeClock(datetime(2026, 11, 24, 7, 29, 30, tzinfo=UTC))
    app.bot_data.now = clock
    user = make_user()
    await daily_reminder_in_utc(user, "7:30")
    before = len(sent_texts(user))
    clock.advance(seconds=60)
    inject(emulator, fault, count)
    await dispatch_now(app)
    assert await settled_status(app) == status
    await dispatch_now(app)  # nothing is due any more: the occurrence is settled
    await asyncio.sleep(0.5)
    assert len(sent_texts(user)) - before == messages
    assert faults_met(emulator, fault) == count
