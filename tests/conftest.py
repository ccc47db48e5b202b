"""Shared fixtures: the local Bot API emulator, the real bot wired to it, and simulated users."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from bot import build_application
from content import Content, load_content
from core.config import Settings
from core.runner import running
from emulator import BotApiEmulator

hypothesis_settings.register_profile("ci", max_examples=60, deadline=None)
hypothesis_settings.load_profile("ci")

TEST_TOKEN = "123456789:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz0123"
_user_ids = itertools.count(500001)


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
    """The real bot, polling the emulator over HTTP."""
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
