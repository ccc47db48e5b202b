"""The bot process at start-up: a failure ends with one clear line and a non-zero exit; no secret
(token, webhook secret, database password) and no user's words are printed, even at DEBUG."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.conftest import OUTPUT, TEST_DB_PASSWORD, TEST_WEBHOOK_SECRET

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
SECRETS = (TOKEN, TOKEN.split(":")[1], TEST_WEBHOOK_SECRET, TEST_DB_PASSWORD)
REJECTED = "Telegram rejected the bot token (or TELEGRAM_BASE_URL is wrong)"


class NotFound(BaseHTTPRequestHandler):
    """What a wrong TELEGRAM_BASE_URL, or Telegram for a revoked token, answers: 404."""

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"ok": false, "error_code": 404, "description": "Not Found"}'
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def not_found_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start_bot(tmp_path: Path, **env: str) -> asyncio.subprocess.Process:
    """bot.py as a real process (in tmp_path: no .env is read), with TOKEN and `env`."""
    environment = {
        **os.environ,  # WEBHOOK_SECRET=TEST_WEBHOOK_SECRET comes from tests/conftest.py
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "LOG_LEVEL": "INFO",
        **env,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        cwd=tmp_path,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def output_of(bot: asyncio.subprocess.Process, timeout: float = 60) -> str:
    out, err = await asyncio.wait_for(bot.communicate(), timeout)
    written = out.decode() + err.decode()
    OUTPUT.texts.append(written)  # the session's final scan reads it too
    return written


def assert_no_secret(written: str) -> None:
    for secret in SECRETS:
        assert secret not in written, (secret, written)


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
async def test_a_rejected_token_ends_with_one_clear_line(
    not_found_url: str, tmp_path: Path, level: str
) -> None:
    bot = await start_bot(tmp_path, TELEGRAM_BASE_URL=not_found_url, LOG_LEVEL=level)
    written = await output_of(bot)
    assert bot.returncode not in (0, None), written
    assert_no_secret(written)
    assert "AttributeError" not in written
    assert "Traceback" not in written
    assert written.count(REJECTED) == 1, written
    assert written.rstrip().splitlines()[-1].startswith(REJECTED)


async def test_an_unreachable_database_ends_with_one_clear_line(emulator, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    database = f"postgresql+asyncpg://backcare:{TEST_DB_PASSWORD}@127.0.0.1:{free_port()}/backcare"
    bot = await start_bot(
        tmp_path,
        TELEGRAM_BASE_URL=emulator.base_url,
        TELEGRAM_BASE_FILE_URL=emulator.base_file_url,
        DATABASE_URL=database,
        LOG_LEVEL="DEBUG",
    )
    written = await output_of(bot)
    assert bot.returncode not in (0, None), written
    assert_no_secret(written)
    assert "AttributeError" not in written
    last = written.rstrip().splitlines()[-1]
    assert last.startswith("Backcare stopped: "), written
    assert "Connect" in last or "connect" in last, last  # says what failed


async def test_the_webhook_secret_and_updates_are_never_logged_at_debug(
    emulator, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    user = emulator.add_user(700001, first_name="Webhook")
    bot = await start_bot(
        tmp_path,
        TELEGRAM_BASE_URL=emulator.base_url,
        TELEGRAM_BASE_FILE_URL=emulator.base_file_url,
        WEBHOOK_URL="https://bot.example.org/hook",
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        LOG_LEVEL="DEBUG",
    )
    try:
        deadline = time.monotonic() + 30
        while emulator.webhook.get("url") != "https://bot.example.org/hook":
            assert bot.returncode is None and time.monotonic() < deadline, "no setWebhook"
            await asyncio.sleep(0.1)
        assert emulator.webhook.get("secret_token") == TEST_WEBHOOK_SECRET
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": emulator.chats[user.user_id].info,
                "from": user.telegram_user(),
                "text": "my back is aching",
            },
        }
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(100):  # the webhook server starts listening after setWebhook
                try:
                    wrong = await client.post(
                        "/hook",
                        content=json.dumps(update),
                        headers={
                            "Content-Type": "application/json",
                            "X-Telegram-Bot-Api-Secret-Token": "a-guess-from-outside",
                        },
                    )
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            else:
                pytest.fail("the webhook server never listened")
            assert wrong.status_code == 403
            right = await client.post(
                "/hook",
                content=json.dumps(update),
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": TEST_WEBHOOK_SECRET,
                },
            )
            assert right.status_code == 200
        await user.next_message(timeout=15)  # the update was processed (the pain warning)
    finally:
        if bot.returncode is None:
            bot.send_signal(signal.SIGTERM)
        written = await output_of(bot)
    assert "setWebhook" in written  # the call was logged, without its parameters
    assert_no_secret(written)
    assert "my back is aching" not in written
    assert "a-guess-from-outside" not in written
