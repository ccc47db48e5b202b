"""Where the bot serves its Mini App (bot.py as an operator runs it): webhook mode on the
webhook's own port at MINI_APP_URL's path, polling mode on MINI_APP_LISTEN:MINI_APP_PORT; the
chat's menu button opens it; without MINI_APP_URL nothing of the app is offered or served."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import httpx

from emulator.users import inline_buttons
from tests.e2e.test_startup_failures import TOKEN, free_port, output_of, start_bot
from tests.e2e.test_webhook import bot_env
from webapp.auth import launch_data


async def until_served(client: httpx.AsyncClient, bot: Any, path: str) -> httpx.Response:
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        assert bot.returncode is None, "the bot stopped"
        try:
            answer = await client.get(path)
            if answer.status_code == 200:
                return answer
        except httpx.TransportError:
            pass
        assert asyncio.get_running_loop().time() < deadline, "never served"
        await asyncio.sleep(0.1)


async def stop(bot: Any) -> str:
    if bot.returncode is None:
        bot.send_signal(signal.SIGTERM)
    return await output_of(bot, timeout=30)


async def check_app(client: httpx.AsyncClient, bot: Any, prefix: str) -> None:
    page = await until_served(client, bot, prefix + "/")
    assert "Content-Security-Policy" in page.headers and "<script" in page.text
    assert (await client.get(prefix + "/api/home")).status_code == 401  # no launch data
    signed = {"Authorization": "tma " + launch_data(700201, TOKEN)}
    home = await client.get(prefix + "/api/home", headers=signed)
    assert home.status_code == 200
    assert home.json()["gate"]["kind"] == "first_check"  # a new person: the chat's check first


async def test_webhook_mode_serves_the_app_on_the_webhooks_port(
    emulator: Any, tmp_path: Path
) -> None:
    port = free_port()
    env = bot_env(
        emulator,
        WEBHOOK_URL="https://bot.example.org/telegram",
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        MINI_APP_URL="https://bot.example.org/app/",
    )
    bot = await start_bot(tmp_path, **env)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            await check_app(client, bot, "/app")
            assert (await client.get("/healthz")).status_code == 200  # beside it, as before
        menu = emulator.menu_buttons.get(None)
        assert menu == {
            "type": "web_app",
            "text": "Backcare",
            "web_app": {"url": "https://bot.example.org/app/"},
        }
    finally:
        written = await stop(bot)
    assert bot.returncode == 0, written


async def test_polling_mode_serves_the_app_on_its_own_port(emulator: Any, tmp_path: Path) -> None:
    port = free_port()
    env = bot_env(
        emulator,
        MINI_APP_URL=f"http://127.0.0.1:{port}/",
        MINI_APP_PORT=str(port),
    )
    bot = await start_bot(tmp_path, **env)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            await check_app(client, bot, "")
    finally:
        written = await stop(bot)
    assert bot.returncode == 0, written


async def test_without_a_url_nothing_of_the_app_is_offered(
    app: Any, emulator: Any, make_user: Any
) -> None:
    assert app.bot_data.settings.mini_app_url is None
    user = make_user()
    await user.send("/routine")
    message = await user.next_message()
    assert inline_buttons(message) and not [b for b in inline_buttons(message) if "web_app" in b]
    await user.send("/exercises")
    library = await user.next_message()
    assert not [b for b in inline_buttons(library) if "web_app" in b]
    assert emulator.menu_buttons == {}  # the chat's menu button is left as it was
