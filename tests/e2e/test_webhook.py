"""Webhook mode as an operator runs it (bot.py as a process): updates only at WEBHOOK_URL's path
and only with the secret; /healthz and /metrics on the same port; SIGTERM ends it within the
bound; no secret, or no data key, and it refuses to start, naming the variable. Polling mode:
`bot.py health` asks HEALTH_PORT."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from db.crypto import DataKeys
from tests.conftest import TEST_DATA_KEY, TEST_DATA_KEY_2, TEST_WEBHOOK_SECRET
from tests.e2e.test_startup_failures import (
    ROOT,
    TOKEN,
    assert_no_secret,
    free_port,
    output_of,
    start_bot,
)
from tests.test_crypto import open_database, store_rating

HEADER = "X-Telegram-Bot-Api-Secret-Token"


def bot_env(emulator: Any, **env: str) -> dict[str, str]:
    return {
        "TELEGRAM_BASE_URL": emulator.base_url,
        "TELEGRAM_BASE_FILE_URL": emulator.base_file_url,
        **env,
    }


def update_from(emulator: Any, user: Any, text: str, update_id: int) -> str:
    return json.dumps(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": int(time.time()),
                "chat": emulator.chats[user.user_id].info,
                "from": user.telegram_user(),
                "text": text,
            },
        }
    )


async def until_healthy(client: httpx.AsyncClient, bot: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 30
    while True:
        assert bot.returncode is None, "the bot stopped"
        try:
            if (await client.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "never healthy"
        await asyncio.sleep(0.1)


async def health_command(tmp_path: Path, **env: str) -> int:
    probe = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        "health",
        cwd=tmp_path,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    await output_of(probe)
    assert probe.returncode is not None
    return probe.returncode


async def test_the_webhook_takes_updates_only_at_its_path_with_the_secret(
    emulator: Any, tmp_path: Path
) -> None:
    port = free_port()
    user = emulator.add_user(700101, first_name="Hook")
    env = bot_env(
        emulator,
        WEBHOOK_URL="https://bot.example.org/telegram",
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        SHUTDOWN_TIMEOUT_SECONDS="8",
    )
    bot = await start_bot(tmp_path, **env)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            await until_healthy(client, bot)
            assert emulator.webhook.get("url") == "https://bot.example.org/telegram"
            assert emulator.webhook.get("secret_token") == TEST_WEBHOOK_SECRET
            body = update_from(emulator, user, "/help", 1)
            json_type = {"Content-Type": "application/json"}
            wrong = await client.post(
                "/telegram", content=body, headers={**json_type, HEADER: "a-guess"}
            )
            missing = await client.post("/telegram", content=body, headers=json_type)
            elsewhere = await client.post(
                "/", content=body, headers={**json_type, HEADER: TEST_WEBHOOK_SECRET}
            )
            assert (wrong.status_code, missing.status_code, elsewhere.status_code) == (
                403,
                403,
                404,
            )
            await user.expect_silence(0.5)  # none of them was taken
            right = await client.post(
                "/telegram", content=body, headers={**json_type, HEADER: TEST_WEBHOOK_SECRET}
            )
            assert right.status_code == 200
            await user.wait_text("/routine", timeout=15)  # the /help answer
            health = await client.get("/healthz")
            assert (health.status_code, health.content) == (200, b"")
            metrics = (await client.get("/metrics")).text
            assert 'backcare_updates_total{kind="message"} 1.0' in metrics
            assert 'backcare_sends_total{kind="interactive",outcome="sent"}' in metrics
            assert "backcare_reply_latency_seconds_count 1.0" in metrics
            assert "backcare_live_sessions 0.0" in metrics
            assert "backcare_errors_total 0.0" in metrics
        assert await health_command(tmp_path, **env) == 0
        stopping = time.monotonic()
        bot.send_signal(signal.SIGTERM)
        written = await output_of(bot, timeout=30)
        assert time.monotonic() - stopping < 8 + 3  # the bound, and the interpreter's exit
    finally:
        if bot.returncode is None:
            bot.kill()
            await output_of(bot)
    assert bot.returncode == 0, written
    assert_no_secret(written)
    assert "a-guess" not in written
    assert await health_command(tmp_path, **env) == 1  # nobody answers now


async def test_without_a_secret_the_webhook_refuses_to_start(tmp_path: Path) -> None:
    bot = await start_bot(
        tmp_path, WEBHOOK_URL="https://bot.example.org/telegram", WEBHOOK_SECRET=""
    )
    written = await output_of(bot)
    assert bot.returncode == 2, written
    assert "WEBHOOK_SECRET: is required with WEBHOOK_URL" in written
    assert "Traceback" not in written


async def test_without_a_data_key_a_real_bot_refuses_to_start(tmp_path: Path) -> None:
    bot = await start_bot(tmp_path, DATA_KEY="")
    written = await output_of(bot)
    assert bot.returncode == 2, written
    assert "DATA_KEY: is required with a token" in written


async def test_a_wrong_data_key_is_refused_before_anything_runs(
    emulator: Any, tmp_path: Path
) -> None:
    engine = await open_database(tmp_path / "bot.db", DataKeys([TEST_DATA_KEY]))
    await store_rating(engine, 3, "neck")
    await engine.dispose()
    bot = await start_bot(tmp_path, **bot_env(emulator, DATA_KEY=TEST_DATA_KEY_2))
    written = await output_of(bot)
    assert bot.returncode == 1, written
    assert (
        written.rstrip()
        .splitlines()[-1]
        .startswith("Backcare stopped: DATA_KEY does not open this database")
    ), written
    assert "Traceback" not in written
    assert_no_secret(written)
    assert TEST_DATA_KEY not in written and TEST_DATA_KEY_2 not in written


@pytest.mark.parametrize("metrics", [False, True])
async def test_in_polling_mode_health_asks_the_health_port(
    emulator: Any, tmp_path: Path, metrics: bool
) -> None:
    health_port, metrics_port = free_port(), free_port()
    env = bot_env(emulator, HEALTH_PORT=str(health_port))
    if metrics:
        env["METRICS_PORT"] = str(metrics_port)
    assert await health_command(tmp_path, **env) == 1  # not running yet
    bot = await start_bot(tmp_path, **env)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{health_port}") as client:
            await until_healthy(client, bot)
            assert (await client.get("/metrics")).status_code == 404  # only on METRICS_PORT
        assert await health_command(tmp_path, **env) == 0
        if metrics:
            async with httpx.AsyncClient() as client:
                answer = await client.get(f"http://127.0.0.1:{metrics_port}/metrics")
            assert "backcare_sends_total" in answer.text
        bot.send_signal(signal.SIGTERM)
        written = await output_of(bot, timeout=30)
    finally:
        if bot.returncode is None:
            bot.kill()
            await output_of(bot)
    assert bot.returncode == 0, written
