"""The terminal chat prints messages that arrive unasked; the token never reaches the log."""

from __future__ import annotations

import asyncio
import logging
import re

from prompt_toolkit.input import create_pipe_input

from core.logs import setup_logging
from emulator.terminal import run_terminal_chat
from tests.conftest import TEST_TOKEN


async def test_terminal_prints_a_job_message_while_the_prompt_waits(
    app, emulator, make_user
) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    printed: list[str] = []
    with create_pipe_input() as pipe:
        chat = asyncio.create_task(
            run_terminal_chat(emulator, user, pipe_input=pipe, write=printed.append)
        )
        pipe.send_text("/help\r")
        for _ in range(100):
            if any("What I can do" in line for line in printed):
                break
            await asyncio.sleep(0.05)
        assert any("What I can do" in line for line in printed)

        async def remind(context) -> None:  # type: ignore[no-untyped-def]
            await context.bot.send_message(user.user_id, "<b>Time</b> for your back routine.")

        app.job_queue.run_once(remind, when=0.2)  # nothing typed: the prompt is waiting
        for _ in range(100):
            if any("Time" in line and "back routine" in line for line in printed):
                break
            await asyncio.sleep(0.05)
        shown = next(line for line in printed if "back routine" in line)
        assert "<b>Time</b>" in shown  # bold is rendered, not shown as raw tags
        pipe.send_text("/start\r")
        for _ in range(100):
            if any("[1]" in line and "I agree" in line for line in printed):
                break
            await asyncio.sleep(0.05)
        pipe.send_text("1\r")  # a bare number presses that button
        for _ in range(100):
            if any("Your ratings will be stored" in line for line in printed):
                break
            await asyncio.sleep(0.05)
        assert any("Your ratings will be stored" in line for line in printed)
        pipe.send_text("!quit\r")
        await asyncio.wait_for(chat, 5)


async def test_token_never_appears_in_any_log_line(app, make_user, capfd) -> None:  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        setup_logging("DEBUG", [TEST_TOKEN])
        for name in ("httpx", "httpcore", "telegram", "apscheduler"):
            logging.getLogger(name).setLevel(logging.DEBUG)
        user = make_user()
        await user.send("/start")
        await user.next_message()
        logging.getLogger("test").warning("a line holding the token %s", TEST_TOKEN)
        logging.getLogger("test").error("and a traceback", exc_info=ValueError(TEST_TOKEN))
        await asyncio.sleep(0.3)
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])
    err = capfd.readouterr().err
    assert "HTTP Request" in err or "sendMessage" in err  # httpx really logged the request URLs
    assert TEST_TOKEN not in err
    assert TEST_TOKEN.split(":")[1] not in err
    assert re.search(r"REDACTED", err)
