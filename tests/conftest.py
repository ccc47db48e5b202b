"""Shared fixtures: the local Bot API emulator, the real bot wired to it, and simulated users."""

from __future__ import annotations

import itertools
import logging
import re
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from bot import build_application
from content import Content, load_content
from core.config import Settings
from core.logs import RedactingFormatter, secrets_of, setup_logging
from core.runner import running
from emulator import BotApiEmulator
from handlers.menu import COMMANDS

hypothesis_settings.register_profile("ci", max_examples=60, deadline=None)
hypothesis_settings.load_profile("ci")

TEST_TOKEN = "123456789:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz0123"
# Secrets the test settings carry (the webhook secret and the data key through the environment,
# below; the PostgreSQL password in the bot processes of tests/e2e/test_startup_failures.py):
# none may ever be written.
TEST_WEBHOOK_SECRET = "test-webhook-secret-5b1f0c9e"
TEST_DB_PASSWORD = "test-db-password-7d3a2e61"
# The data key that encrypts health data in every test (DATA_KEY, set below); a second one for
# rotation tests. Neither may ever be written.
TEST_DATA_KEY = "FVUFw0RJ0KMePo9P0Prkjo0L02Thmvv5rJNkPZsXEuQ="
TEST_DATA_KEY_2 = "LKBO_2uf4eiETYkcRdwvRcgXDcoEYifCSVZNjZ8Bw8U="
_user_ids = itertools.count(500001)


class WrittenOutput(logging.Handler):
    """Everything the session wrote, and everything simulated users typed, for the final scan.

    Log records are kept as the bot's own set-up formats them (`model`, while a bot runs) or,
    with no bot running, from WARNING up (what Python writes with no set-up; below that, the
    records come from the tests' own HTTP clients); captured stdout and stderr of each test, and
    the output of bot processes, are added as text.
    """

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(
            RedactingFormatter(
                "%(levelname)s %(name)s: %(message)s",
                [TEST_TOKEN, TEST_WEBHOOK_SECRET, TEST_DB_PASSWORD, TEST_DATA_KEY, TEST_DATA_KEY_2],
            )
        )
        self.model: logging.Handler | None = None
        self.texts: list[str] = []
        self.typed: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        model = self.model
        if model is None and record.levelno < logging.WARNING:
            return
        if model is not None and not model.filter(record):
            return
        self.texts.append((model or self).format(record))

    def forbidden(self) -> dict[str, str]:
        """Each string that must never be written, with what it is."""
        found = {
            TEST_TOKEN: "the bot token",
            TEST_TOKEN.split(":")[1]: "the secret part of the bot token",
            TEST_WEBHOOK_SECRET: "the webhook secret",
            TEST_DB_PASSWORD: "the database password",
            TEST_DATA_KEY: "the data key",
            TEST_DATA_KEY_2: "the second data key",
        }
        for typed in map(str.strip, self.typed):
            if typed.startswith("/"):
                word = typed.split()[0]
                if word[1:].split("@")[0].lower() not in COMMANDS:  # the bot's own may be logged
                    found[typed] = "an unknown command a user typed"
                    if len(word) >= 6:
                        found[word] = "an unknown command a user typed"
                elif typed != word:
                    found[typed] = "a command with what the user typed after it"
            elif len(typed) >= 6:
                found[typed] = "text a user typed"
        return found

    def leaks(self) -> list[str]:
        written = "\n".join(self.texts)
        leaks = []
        for needle, what in self.forbidden().items():
            at = written.find(needle)
            if at >= 0:
                context = written[max(0, at - 160) : at + len(needle) + 40]
                leaks.append(f"{what} ({needle!r}) in: ...{context}...")
        # Short words typed by users ("sore" is a pain report): whole words only.
        for typed in {t.strip() for t in self.typed if 4 <= len(t.strip()) < 6}:
            if typed.isalpha() and re.search(rf"\b{re.escape(typed)}\b", written):
                leaks.append(f"text a user typed ({typed!r})")
        return leaks


OUTPUT = WrittenOutput()


def _recording(push_update: Any) -> Any:
    """BotApiEmulator.push_update, noting the words of every update a simulated person makes."""

    def recording_push_update(self: BotApiEmulator, kind: str, payload: Any) -> Any:
        if isinstance(payload, dict):
            OUTPUT.typed += [
                payload[key] for key in ("text", "caption", "query") if payload.get(key)
            ]
        return push_update(self, kind, payload)

    return recording_push_update


@pytest.fixture(scope="session", autouse=True)
def nothing_secret_is_written() -> Iterator[WrittenOutput]:
    """Collect all output and all typed text; at the end, fail the run if any of it leaked."""
    root = logging.getLogger()
    root.addHandler(OUTPUT)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEBHOOK_SECRET", TEST_WEBHOOK_SECRET)
        patch.setenv("DATA_KEY", TEST_DATA_KEY)
        patch.setattr(BotApiEmulator, "push_update", _recording(BotApiEmulator.push_update))
        yield OUTPUT
    root.removeHandler(OUTPUT)
    leaks = OUTPUT.leaks()
    if leaks:
        pytest.fail("Written to the log or the terminal:\n" + "\n".join(leaks), pytrace=False)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep what each test phase printed to stdout and stderr, for the final scan.

    ("Captured log" sections are pytest's own unredacted copy of records, not the bot's output.)
    """
    for title, content in report.sections:
        if title in (f"Captured stdout {report.when}", f"Captured stderr {report.when}"):
            OUTPUT.texts.append(content)


@contextmanager
def logging_restored() -> Iterator[None]:
    """Undo what the bot's logging set-up changes globally (it may run in-process: bot.main()).

    Its handlers are removed rather than the old list put back: pytest adds fresh handlers of
    its own for each test phase, and an old one put back would collect records for ever.
    """
    root = logging.getLogger()
    hooks = sys.excepthook, threading.excepthook, sys.unraisablehook
    loggers = [
        root,
        *(x for x in root.manager.loggerDict.values() if isinstance(x, logging.Logger)),
    ]
    levels = [(logger, logger.level) for logger in loggers]
    try:
        yield
    finally:
        for handler in root.handlers[:]:
            if handler is not OUTPUT and isinstance(handler.formatter, RedactingFormatter):
                root.removeHandler(handler)
                with suppress(OSError, ValueError):  # a test may have broken its file on purpose
                    handler.close()
        if OUTPUT not in root.handlers:
            root.addHandler(OUTPUT)
        for logger, level in levels:
            logger.setLevel(level)
        sys.excepthook, threading.excepthook, sys.unraisablehook = hooks
        logging.captureWarnings(False)


@pytest.fixture(autouse=True)
def logging_left_as_found() -> Iterator[None]:
    with logging_restored():
        yield


@contextmanager
def bot_logging(settings: Settings) -> Iterator[None]:
    """Log through the bot's real redacting set-up, as bot.py does, and collect what it writes."""
    with logging_restored():
        setup_logging(settings.log_level, [TEST_TOKEN, *secrets_of(settings)])
        root = logging.getLogger()
        OUTPUT.model = root.handlers[0]
        root.addHandler(OUTPUT)
        try:
            yield
        finally:
            OUTPUT.model = None


@pytest.fixture(scope="session")
def content() -> Content:
    """The shipped content, loaded and validated once."""
    return load_content()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'backcare.db'}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for tests: a fresh database, fast routine pacing, no per-chat throttling."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        routine_time_scale=0.05,
        chat_rate_per_second=1000,
        chat_burst=1000,
        bulk_rate_per_second=1000,
        log_level="DEBUG",
    )


@pytest.fixture
async def emulator(tmp_path: Path) -> AsyncIterator[BotApiEmulator]:
    emu = BotApiEmulator(media_dir=tmp_path / "emulator-media")
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
async def app(
    emulator: BotApiEmulator, settings: Settings, content: Content
) -> AsyncIterator[object]:
    """The real bot, polling the emulator over HTTP; it logs through the real set-up."""
    with bot_logging(settings):
        application = build_application(
            settings,
            content,
            token=TEST_TOKEN,
            base_url=emulator.base_url,
            base_file_url=emulator.base_file_url,
        )
        async with running(application):
            yield application


@pytest.fixture
def make_user(emulator: BotApiEmulator):  # type: ignore[no-untyped-def]
    """A factory of simulated users with fresh ids."""

    def make(language: str = "en", name: str = "Ann"):  # type: ignore[no-untyped-def]
        return emulator.add_user(user_id=next(_user_ids), first_name=name, language_code=language)

    return make
