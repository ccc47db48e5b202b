"""Fixtures for the emulator's own tests: a started emulator, a fake clock, raw HTTP, a PTB Bot."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Bot

from emulator import BotApiEmulator, Limits

TOKEN = "123456789:EMULATOR-test-token_abc"
Api = Callable[..., Awaitable[tuple[int, dict[str, Any]]]]


class FakeClock:
    """A monotonic clock the test moves by hand (rate limits without sleeping)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limits() -> Limits:
    return Limits()


@pytest.fixture
async def emu(tmp_path: Path, clock: FakeClock, limits: Limits) -> AsyncIterator[BotApiEmulator]:
    emulator = BotApiEmulator(media_dir=tmp_path / "media", limits=limits, clock=clock)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
async def api(emu: BotApiEmulator) -> AsyncIterator[Api]:
    """Call a method over HTTP the way PTB encodes it: form fields, non-strings JSON-encoded."""
    async with httpx.AsyncClient(base_url=emu.base_url.removesuffix("/bot")) as client:

        async def call(
            method: str, token: str = TOKEN, **params: Any
        ) -> tuple[int, dict[str, Any]]:
            form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
            response = await client.post(f"/bot{token}/{method}", data=form)
            return response.status_code, response.json()

        yield call


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    """A real python-telegram-bot Bot pointed at the emulator."""
    telegram_bot = Bot(TOKEN, base_url=emu.base_url, base_file_url=emu.base_file_url)
    await telegram_bot.initialize()
    try:
        yield telegram_bot
    finally:
        await telegram_bot.shutdown()
