"""The terminal chat, driven through a pipe; and the standalone `python -m emulator`."""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Callable

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from emulator import BotApiEmulator
from emulator.state import Event
from emulator.terminal import render_event, run_terminal_chat
from tests.emulator.conftest import Api


async def eventually(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    """Let the chat's tasks run until the condition holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_message_arriving_while_the_prompt_waits_is_printed(
    api: Api, emu: BotApiEmulator
) -> None:
    user = emu.add_user(1001, "Ann")
    screen = io.StringIO()
    with create_pipe_input() as pipe:
        chat = asyncio.create_task(
            run_terminal_chat(emu, user, pipe_input=pipe, output=PlainTextOutput(screen))
        )
        await asyncio.sleep(0.05)  # the prompt is up, nothing typed
        keyboard = {"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]}
        status, _ = await api(
            "sendMessage",
            chat_id=1001,
            text="<b>Time</b> for your <i>back</i> routine",
            parse_mode="HTML",
            reply_markup=keyboard,
        )
        assert status == 200
        await eventually(lambda: "Time for your back routine" in screen.getvalue())
        assert "Backcare" in screen.getvalue() and "[1] Yes" in screen.getvalue()

        pipe.send_text("hello bot\r")
        await eventually(lambda: len(emu.updates) == 1)
        assert emu.updates[0]["message"]["text"] == "hello bot"
        pipe.send_text("1\r")  # a bare number presses that button
        await eventually(lambda: len(emu.updates) == 2)
        assert emu.updates[1]["callback_query"]["data"] == "y"
        pipe.send_text("!loc\r")
        await eventually(lambda: len(emu.updates) == 3)
        assert emu.updates[2]["message"]["location"]["latitude"] == 52.52

        await api("editMessageText", chat_id=1001, message_id=1, text="Time: 0:05\nkeep going")
        await eventually(lambda: "↻ #1 Time: 0:05 / keep going" in screen.getvalue())
        pipe.send_text("!help\r")
        await eventually(lambda: "!sticker" in screen.getvalue())
        pipe.send_text("!quit\r")
        await asyncio.wait_for(chat, 3)
    assert not chat.exception()


async def test_a_button_of_an_older_message_can_be_pressed(api: Api, emu: BotApiEmulator) -> None:
    """'#N 2' presses a button of message #N: one of two open questions, or an old button whose
    keyboard the bot has since taken off (to try how the bot answers it)."""
    user = emu.add_user(1001, "Ann")
    screen = io.StringIO()
    with create_pipe_input() as pipe:
        chat = asyncio.create_task(
            run_terminal_chat(emu, user, pipe_input=pipe, output=PlainTextOutput(screen))
        )
        for text, data in (("First?", "a"), ("Second?", "b")):
            keyboard = {
                "inline_keyboard": [
                    [{"text": "x", "callback_data": "x"}, {"text": "Go", "callback_data": data}]
                ]
            }
            await api("sendMessage", chat_id=1001, text=text, reply_markup=keyboard)
        await eventually(lambda: "Second?" in screen.getvalue())
        pipe.send_text("#1 2\r")  # the older of the two questions
        await eventually(lambda: len(emu.updates) == 1)
        assert emu.updates[0]["callback_query"]["data"] == "a"
        await api("editMessageReplyMarkup", chat_id=1001, message_id=1)
        pipe.send_text("#1 2\r")  # its buttons are gone: pressed as it was shown
        await eventually(lambda: len(emu.updates) == 2)
        assert emu.updates[1]["callback_query"]["data"] == "a"
        pipe.send_text("#2 7\r")
        await eventually(lambda: "There is no button [7] on message #2" in screen.getvalue())
        pipe.send_text("!quit\r")
        await asyncio.wait_for(chat, 3)
    assert not chat.exception()


async def test_messages_sent_before_the_chat_opened_are_shown_first(
    api: Api, emu: BotApiEmulator
) -> None:
    user = emu.add_user(1001, "Ann")
    await api("sendMessage", chat_id=1001, text="Your session was interrupted")  # at start-up
    screen = io.StringIO()
    with create_pipe_input() as pipe:
        chat = asyncio.create_task(
            run_terminal_chat(emu, user, pipe_input=pipe, output=PlainTextOutput(screen))
        )
        await eventually(lambda: "Your session was interrupted" in screen.getvalue())
        pipe.send_text("!quit\r")
        await asyncio.wait_for(chat, 3)
    assert screen.getvalue().count("Your session was interrupted") == 1


async def test_ctrl_d_ends_the_chat(emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    with create_pipe_input() as pipe:
        chat = asyncio.create_task(
            run_terminal_chat(emu, user, pipe_input=pipe, output=PlainTextOutput(io.StringIO()))
        )
        await asyncio.sleep(0.05)
        pipe.send_text("\x04")
        await asyncio.wait_for(chat, 3)


def test_rendering_escapes_odd_text_and_shows_files() -> None:
    message = {
        "message_id": 3,
        "text": "a <b> & \x1b[31m",
        "entities": [{"type": "bold", "offset": 0, "length": 1}],
        "reply_markup": {"inline_keyboard": [[{"text": "<Go>", "callback_data": "g"}]]},
    }
    event = Event("send", 1, 3, "sendMessage", message, 0.0, 0.0)
    rendered = render_event(event, "Backcare", lambda file_id: None)
    assert rendered is not None
    assert "<b>a</b> &lt;b&gt; &amp; \N{REPLACEMENT CHARACTER}[31m" in rendered
    assert "<b>[1]</b> &lt;Go&gt;" in rendered
    photo = {"message_id": 4, "photo": [{"file_id": "F"}], "caption": "Cat"}
    shown = render_event(
        Event("send", 1, 4, "sendPhoto", photo, 0.0, 0.0), "Backcare", lambda _: "/m/photo.png"
    )
    assert shown is not None and "[photo: /m/photo.png]" in shown and "Cat" in shown


async def test_python_dash_m_emulator_prints_its_base_url() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "emulator", "--port", "0", stdout=asyncio.subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 10)
        assert line.decode().startswith("base_url=http://127.0.0.1:")
    finally:
        process.terminate()
        await process.wait()
