"""A chat with the bot in the terminal: bot messages are printed as they arrive, even mid-typing."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from typing import Any

from prompt_toolkit import PromptSession
from prompt_toolkit.formatted_text import HTML
from prompt_toolkit.input import Input
from prompt_toolkit.patch_stdout import patch_stdout
from prompt_toolkit.shortcuts import print_formatted_text

from emulator.render import styled_segments
from emulator.state import Event
from emulator.users import SAMPLE_LOCATION, SimulatedUser

HELP = """Terminal commands:
  a number      press that button on the newest message with buttons
  !loc [LAT LON] share a location (default: Berlin)
  !sticker      send a sticker
  !quit         leave (or Ctrl-C / Ctrl-D)
Anything else is sent to the bot as a message; /commands work as in Telegram."""

TAGS = {"bold": "b", "italic": "i", "underline": "u", "code": "style fg='ansicyan'", "strike": "s"}


def render_event(event: Event, file_path: Callable[[str], Any]) -> str | None:
    """A bot event as prompt_toolkit HTML, or None for events not worth printing."""
    message = event.message
    if event.kind == "answer":
        return f"<i>  (toast) {html.escape(event.answer)}</i>" if event.answer else None
    if event.kind == "delete":
        return f"<i>  (message {event.message_id} deleted)</i>"
    if message is None:
        return None
    lines = []
    prefix = "<b>Backcare</b>" if event.kind == "send" else f"<i>  ↻ message {event.message_id}</i>"
    for kind in ("photo", "animation", "document", "video"):
        if kind in message:
            media = message[kind][-1] if kind == "photo" else message[kind]
            lines.append(f"<i>[{kind}: {html.escape(str(file_path(media['file_id'])))}]</i>")
    body = []
    for style, piece in styled_segments(message):
        escaped = html.escape(piece)
        for name in style.split():
            tag = TAGS.get(name, "b")
            escaped = f"<{tag}>{escaped}</{tag.split()[0]}>"
        body.append(escaped)
    text = "".join(body)
    if text:
        lines.append("\n".join("  " + line for line in text.split("\n")))
    markup = message.get("reply_markup") or {}
    buttons = [button["text"] for row in markup.get("inline_keyboard", []) for button in row]
    if buttons:
        lines.append(
            "  "
            + "  ".join(f"<b>[{n}]</b> {html.escape(label)}" for n, label in enumerate(buttons, 1))
        )
    keyboard = [
        b if isinstance(b, str) else b["text"] for row in markup.get("keyboard", []) for b in row
    ]
    if keyboard:
        lines.append(
            "  keyboard: "
            + "  ".join(f"«{html.escape(k)}»" for k in keyboard)
            + "  (type the text, or !loc)"
        )
    return prefix + ":\n" + "\n".join(lines)


async def run_terminal_chat(
    emulator: Any,
    user: SimulatedUser,
    *,
    pipe_input: Input | None = None,
    write: Callable[[str], None] | None = None,
) -> None:
    """Chat until !quit, Ctrl-C or Ctrl-D. `pipe_input`/`write` let tests drive it."""

    def show(markup: str) -> None:
        if write is not None:
            write(markup)
        else:
            try:
                print_formatted_text(HTML(markup))
            except Exception:  # odd markup must never end the chat
                print(markup)

    def on_event(event: Event) -> None:
        if event.chat_id == user.user_id:
            rendered = render_event(event, emulator.file_path)
            if rendered:
                show(rendered)

    emulator.listen(on_event)
    session: PromptSession[str] = PromptSession(input=pipe_input) if pipe_input else PromptSession()
    with patch_stdout(raw=True):
        while True:
            try:
                line = (await session.prompt_async("you> ")).strip()
            except (KeyboardInterrupt, EOFError):
                break
            if not line:
                continue
            if line == "!quit":
                break
            try:
                await handle_line(user, line, show)
            except AssertionError as error:
                show(f"<i>{html.escape(str(error))}</i>")
            await asyncio.sleep(0)


async def handle_line(user: SimulatedUser, line: str, show: Callable[[str], None]) -> None:
    """One line typed by the person at the terminal."""
    if line == "!help":
        show(html.escape(HELP))
    elif line.startswith("!loc"):
        parts = line.split()[1:]
        latitude, longitude = (
            (float(parts[0]), float(parts[1])) if len(parts) == 2 else SAMPLE_LOCATION
        )
        await user.share_location(latitude, longitude)
    elif line == "!sticker":
        await user.send_sticker()
    elif line.isdigit():
        number = int(line)
        for message in reversed(user.bot_messages()):
            rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            buttons = [button for row in rows for button in row]
            if buttons:
                if 1 <= number <= len(buttons) and "callback_data" in buttons[number - 1]:
                    await user.press_data(
                        message["message_id"], buttons[number - 1]["callback_data"]
                    )
                else:
                    show(f"<i>No button {number} on the newest message with buttons.</i>")
                return
        await user.send(line)
    else:
        await user.send(line)
