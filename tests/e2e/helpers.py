"""Small helpers shared by the end-to-end tests."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import select

from background.reminder_job import schedule_dispatch
from bot import build_application
from emulator.render import plain
from tests.conftest import TEST_TOKEN


class FakeClock:
    """The bot's wall clock, moved by the test instead of sleeping."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


async def rows(app, model):  # type: ignore[no-untyped-def]
    async with app.bot_data.db() as tx:
        return list(await tx.scalars(select(model)))


async def daily_reminder_in_utc(user, typed: str):  # type: ignore[no-untyped-def]
    """Set the user's zone to UTC and a daily reminder at `typed` (e.g. "7:30"), as they would."""
    await user.send("/timezone UTC")
    await user.wait_text("Time zone set")
    await user.send(f"/remind {typed}")
    hours, minutes = typed.split(":")
    return await user.wait_text(f"Done: I will remind you at {int(hours):02d}:{minutes}")


CHECK_IN = {"en": "How is your back today?", "ru": "Как ваша спина сегодня?"}
FIRST_CHECK = {"en": "short safety check", "ru": "проверка безопасности"}
NONE_OF_THESE = {"en": "No, none of these", "ru": "Нет, ничего из этого"}
# The first check's first question: has a clinician assessed this back pain (and is it the same)?
KNOWN_PAIN = {"en": "Yes, and it has not changed", "ru": "Да, и ничего не изменилось"}


async def reach_check_in(user, language: str = "en", timeout: float = 5.0):  # type: ignore[no-untyped-def]
    """Wait for the check-in; answer the warning-sign check first if this is the first session.

    The check is asked once before a user's first session: a clinician has assessed this back
    pain (Yes), then two groups of signs, No to both.
    """
    check_in, first = CHECK_IN[language], FIRST_CHECK[language]
    event = await user.wait_for(
        lambda e: e.kind == "send" and (check_in in plain(e.message) or first in plain(e.message)),
        timeout=timeout,
    )
    if first in plain(event.message):
        await user.press(KNOWN_PAIN[language], message_id=event.message_id)
        await user.wait_for(lambda e: e.kind == "edit" and e.message_id == event.message_id)
        await user.press(NONE_OF_THESE[language], message_id=event.message_id)
        await user.wait_for(lambda e: e.kind == "edit" and e.message_id == event.message_id)
        await user.press(NONE_OF_THESE[language], message_id=event.message_id)
        event = await user.wait_text(check_in, timeout=timeout)
    return event


async def dispatch_now(app) -> None:  # type: ignore[no-untyped-def]
    """Wake the single dispatcher job now (as its timer would at the due instant)."""
    schedule_dispatch(app, app.bot_data.now(), force=True)
    await asyncio.sleep(0.3)


def bot_on(emulator, settings, content):  # type: ignore[no-untyped-def]
    """A bot process on the tests' emulator and database, built anew (as after a restart)."""
    return build_application(
        settings,
        content,
        token=TEST_TOKEN,
        base_url=emulator.base_url,
        base_file_url=emulator.base_file_url,
    )
