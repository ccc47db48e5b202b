"""The real bot on its own emulator for one fuzz example, and what counts as the bot breaking:
a log record at ERROR or above, a request the emulator refused as Telegram would (a Bot API rule
broken), or a button press left unanswered."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot import build_application
from content import Content
from core.config import Settings
from core.runner import running
from emulator import ApiError, BotApiEmulator, Limits
from emulator import server as emulator_server
from emulator.wire import Call
from tests.conftest import TEST_TOKEN, bot_logging

# Refusals that break no rule. Telegram answers an edit that changes nothing with "message is
# not modified": a double tap asks for exactly that, and the bot takes it calmly (the handler
# where it is likely, else the error handler, at INFO; were it not handled, the ERROR would fail
# the run on its own). When PTB stops polling it abandons its long poll and sends one last
# getUpdates, which ends the abandoned one with a 409 that nobody reads. Every other refusal is
# a broken Bot API rule.
EXPECTED_REFUSALS = ("message is not modified", "terminated by other getUpdates request")
SETTLE_TIMEOUT = 30.0  # seconds for the bot to take in and handle one batch of updates


@dataclass(frozen=True)
class KnownIssue:
    """A failure the fuzz found in a file this change could not touch, reported to its owner.

    While a batch holds a press that triggers it (any batch, if `triggered_by` is None), its
    traceback (an ERROR record containing `trace`) and that press left unanswered are counted,
    not failed. Remove the entry once the file is fixed.
    """

    name: str
    trace: str
    triggered_by: Callable[[str], bool] | None


# None left: the reminder buttons' id is now read strictly too (handlers/nudges.py).
KNOWN_ISSUES: list[KnownIssue] = []


@dataclass
class Refusal:
    """A request the emulator refused, as Telegram would have."""

    method: str
    code: int
    description: str

    def expected(self) -> bool:
        return any(reason in self.description for reason in EXPECTED_REFUSALS)


class ErrorRecords(logging.Handler):
    """Every record at ERROR or above, with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@dataclass
class Watch:
    """What went wrong since the last look."""

    errors: ErrorRecords = field(default_factory=ErrorRecords)
    refusals: list[Refusal] = field(default_factory=list)
    expected: int = 0  # expected refusals seen (counted, not failed)

    def take_problems(self) -> list[str]:
        problems = list(self.errors.lines)
        for refusal in self.refusals:
            if refusal.expected():
                self.expected += 1
            else:
                problems.append(f"{refusal.method} refused: {refusal.code} {refusal.description}")
        self.errors.lines.clear()
        self.refusals.clear()
        return problems


def _recording(
    serve: Callable[[BotApiEmulator, Call], Awaitable[Any]], into: list[Refusal]
) -> Callable[[BotApiEmulator, Call], Awaitable[Any]]:
    async def recorded(emu: BotApiEmulator, call: Call) -> Any:
        try:
            return await serve(emu, call)
        except ApiError as error:
            into.append(Refusal(call.method, error.code, error.description))
            raise

    return recorded


@contextmanager
def refusals_recorded(into: list[Refusal]) -> Iterator[None]:
    """Keep every request the emulator refuses, with its reason.

    The emulator counts refusals by code only (`stats.errors`); its method table is wrapped
    here, for as long as this lasts, to keep the reason too.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name, serve in list(emulator_server.METHODS.items()):
            patch.setitem(emulator_server.METHODS, name, _recording(serve, into))
        yield


def fuzz_settings(database: Path) -> Settings:
    """Test settings, with the flood limits out of the way: every update reaches a handler."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{database}",
        routine_time_scale=0.05,
        chat_rate_per_second=1000,
        chat_burst=1000,
        bulk_rate_per_second=1000,
        user_burst=1_000_000,
        user_rate_per_second=1_000_000,
        max_pending_per_chat=1_000_000,
        log_level="INFO",  # DEBUG would be thousands of lines per example, for nothing checked
    )


@asynccontextmanager
async def watched_bot(
    content: Content, watch: Watch
) -> AsyncIterator[tuple[BotApiEmulator, Application]]:
    """A fresh emulator and database, and the real bot polling it, logging as in production;
    `watch` sees what goes wrong from its start to the end of its shutdown."""
    root = logging.getLogger()
    with (
        tempfile.TemporaryDirectory(prefix="fuzz-") as folder,
        refusals_recorded(watch.refusals),
    ):
        settings = fuzz_settings(Path(folder) / "backcare.db")
        emulator = BotApiEmulator(media_dir=Path(folder) / "media", limits=Limits(mode="off"))
        await emulator.start()
        try:
            with bot_logging(settings):  # it replaces the root logger's handlers: add ours after
                root.addHandler(watch.errors)
                try:
                    application = build_application(
                        settings,
                        content,
                        token=TEST_TOKEN,
                        base_url=emulator.base_url,
                        base_file_url=emulator.base_file_url,
                    )
                    async with running(application):
                        yield emulator, application
                finally:
                    root.removeHandler(watch.errors)
        finally:
            await emulator.stop()


async def settle(emulator: BotApiEmulator, application: Application) -> None:
    """Wait until the bot has fetched every update and no handler is running or waiting."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_TIMEOUT
    quiet = 0
    while quiet < 3:  # three looks in a row: a fetched update becomes a task a moment later
        idle = (
            not emulator.updates
            and application.update_queue.empty()
            and application.update_processor.current_concurrent_updates == 0
        )
        quiet = quiet + 1 if idle else 0
        if loop.time() > deadline:
            raise AssertionError(f"the bot did not finish its updates in {SETTLE_TIMEOUT} s")
        await asyncio.sleep(0.003)
