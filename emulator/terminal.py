"""A chat with the bot in the terminal; bot messages appear as they come, even mid-typing."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from prompt_toolkit import PromptSession
from prompt_toolkit.formatted_text import HTML
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output
from prompt_toolkit.patch_stdout import patch_stdout
from prompt_toolkit.shortcuts import print_formatted_text

from emulator.render import plain, styled_segments
from emulator.state import Event
from emulator.users import SAMPLE_LOCATION, SimulatedUser, inline_buttons, keyboard_buttons

if TYPE_CHECKING:
    from emulator.server import BotApiEmulator

HELP = """Type a message or a /command and press Enter. Also:
  3              press button [3] of the newest message with buttons
  #12 3          press button [3] of message #12 (an older one, or one whose buttons are gone)
  !loc LAT LON   share a location (!loc alone: Berlin)
  !sticker       send a sticker
  !photo         send a small picture
  !help          this list
  !quit          leave (or Ctrl-C, Ctrl-D)"""

OLDER_PRESS = re.compile(r"#(\d{1,9})\s+(\d{1,3})")

TAGS = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strike": ("<s>", "</s>"),
    "code": ('<style fg="ansicyan">', "</style>"),
    "spoiler": ('<style bg="ansigray">', "</style>"),
}
CAPTIONED = ("photo", "animation", "video", "document", "audio", "voice")
EDIT_PREVIEW = 120


def _escape(text: str) -> str:
    """Text safe inside prompt_toolkit HTML (control characters would break its XML parser)."""
    cleaned = "".join(
        c if c in "\n\t" or unicodedata.category(c) != "Cc" else "\N{REPLACEMENT CHARACTER}"
        for c in text
    )
    return html.escape(cleaned)


def _styled_text(message: dict[str, Any]) -> str:
    pieces = []
    for styles, piece in styled_segments(message):
        markup = _escape(piece)
        for style in sorted(styles):
            opening, closing = TAGS[style]
            markup = f"{opening}{markup}{closing}"
        pieces.append(markup)
    return "".join(pieces)


def _numbered(labels: list[str]) -> str:
    return "  ".join(
        f"<b>[{number}]</b> {_escape(label)}" for number, label in enumerate(labels, 1)
    )


def _attachments(message: dict[str, Any], file_path: Callable[[str], Any]) -> list[str]:
    lines = []
    for kind in CAPTIONED:
        media = message.get(kind)
        if media and not (kind == "document" and "animation" in message):
            described = media[-1] if kind == "photo" else media
            where = file_path(described["file_id"]) or described["file_id"]
            seconds = f", {described['duration']} s" if "duration" in described else ""
            lines.append(f"<i>[{kind}: {_escape(str(where))}{seconds}]</i>")
    location = message.get("location")
    if location:
        lines.append(f"<i>[location: {location['latitude']}, {location['longitude']}]</i>")
    return lines


def _keyboards(message: dict[str, Any], reply_keyboard: dict[str, Any] | None = None) -> list[str]:
    lines = []
    buttons = [button["text"] for button in inline_buttons(message)]
    if buttons:
        lines.append(_numbered(buttons))
    keys = [button["text"] for button in keyboard_buttons(reply_keyboard)]
    if keys:
        lines.append("keyboard: " + _numbered(keys))
    return lines


def web_app_lines(message: dict[str, Any], link: Callable[[str], str] | None = None) -> list[str]:
    """One line per `web_app` button: where a desktop browser opens it."""
    lines = []
    for button in inline_buttons(message):
        url = (button.get("web_app") or {}).get("url")
        if url:
            shown = link(url) if link is not None else url
            lines.append(f"<i>  {_escape(button['text'])}: open {_escape(shown)}</i>")
    return lines


def render_event(
    event: Event,
    bot_name: str,
    file_path: Callable[[str], Any],
    reply_keyboard: dict[str, Any] | None = None,
) -> str | None:
    """A bot event as prompt_toolkit HTML markup (None: nothing worth showing).

    reply_keyboard: the reply keyboard this message brought, if any.
    """
    if event.kind == "answer":
        return f"<i>  ({_escape(event.answer)})</i>" if event.answer else None
    if event.kind == "delete":
        return f"<i>  (message #{event.message_id} deleted)</i>"
    message = event.message
    if message is None:
        return None
    if event.kind == "edit":
        # A live timer edits its message every few seconds: one line per edit, not a new block.
        text = " / ".join(line.strip() for line in plain(message).splitlines() if line.strip())
        if len(text) > EDIT_PREVIEW:
            text = text[: EDIT_PREVIEW - 1] + "…"
        lines = [f"<i>  ↻ #{event.message_id}</i> {_escape(text)}"]
        lines += ["    " + line for line in _keyboards(message)]
        return "\n".join(lines)
    body = [*_attachments(message, file_path)]
    text = _styled_text(message)
    if text:
        body.append(text)
    body += _keyboards(message, reply_keyboard)
    indented = "\n".join("  " + line for block in body for line in block.split("\n"))
    silent = " (silent)" if event.silent else ""
    return f"<b>{_escape(bot_name)}</b> <i>#{event.message_id}{silent}</i>\n{indented}"


async def run_terminal_chat(
    emu: BotApiEmulator,
    user: SimulatedUser,
    *,
    pipe_input: Input | None = None,
    output: Output | None = None,
    write: Callable[[str], None] | None = None,
    web_app_link: Callable[[str], str] | None = None,
) -> None:
    """Chat as `user` until !quit, Ctrl-C or Ctrl-D.

    Tests pass `pipe_input` (prompt_toolkit.input.create_pipe_input()) and an `output`
    (e.g. PlainTextOutput over a StringIO); `write`, if given, receives each rendered block as
    prompt_toolkit HTML markup instead of it being printed. `web_app_link`: for a `web_app`
    button, the link to open in a desktop browser (its URL with the launch data Telegram would
    pass); without it, such a button shows its URL only.
    """

    def show(markup: str) -> None:
        if write is not None:
            write(markup)
            return
        try:
            print_formatted_text(HTML(markup), output=output)
        except Exception:  # odd markup must never end the chat: print it without styles
            print_formatted_text(plain(markup), output=output)

    def on_event(event: Event) -> None:
        if event.chat_id == user.user_id:
            chat = emu.chats[user.user_id]
            keyboard = (
                chat.reply_keyboard
                if event.kind == "send" and event.message_id == chat.reply_keyboard_message_id
                else None
            )
            rendered = render_event(event, str(emu.bot["first_name"]), emu.file_path, keyboard)
            if rendered:
                show(rendered)
            if event.kind == "send" and event.message is not None:
                for line in web_app_lines(event.message, web_app_link):
                    show(line)

    # What the bot sent before the chat opened (e.g. a resume offer at start-up) comes first.
    for event in list(user.events):
        on_event(event)
    stop_listening = emu.listen(on_event)
    session: PromptSession[str] = PromptSession(input=pipe_input, output=output)
    try:
        with patch_stdout(raw=True):
            while True:
                try:
                    line = (await session.prompt_async("you> ")).strip()
                except (KeyboardInterrupt, EOFError):
                    break
                if line == "!quit":
                    break
                if line:
                    await handle_line(user, line, show)
    finally:
        stop_listening()


async def handle_line(user: SimulatedUser, line: str, show: Callable[[str], None]) -> None:
    """Act on one line typed at the terminal."""
    if line == "!help":
        show(_escape(HELP))
    elif line == "!loc" or line.startswith("!loc "):
        parts = line.split()[1:]
        try:
            latitude, longitude = (float(parts[0]), float(parts[1])) if parts else SAMPLE_LOCATION
        except (ValueError, IndexError):
            show("<i>Usage: !loc LATITUDE LONGITUDE, e.g. !loc 48.14 11.58</i>")
            return
        await user.share_location(latitude, longitude)
    elif line == "!sticker":
        await user.send_sticker()
    elif line == "!photo":
        await user.send_photo()
    elif line.isdigit():
        await press_number(user, int(line), show)
    elif (older := OLDER_PRESS.fullmatch(line)) is not None:
        await press_on_message(user, int(older[1]), int(older[2]), show)
    else:
        await user.send(line)


async def press_on_message(
    user: SimulatedUser, message_id: int, number: int, show: Callable[[str], None]
) -> None:
    """Press button [number] of message #message_id as it was first shown (an old button too)."""
    shown = next((m for m in user.bot_messages() if m["message_id"] == message_id), None)
    first = next(
        (
            e.message
            for e in user.events
            if e.kind == "send" and e.message_id == message_id and e.message
        ),
        None,
    )
    buttons = inline_buttons(shown) if shown else []
    if not buttons and first is not None:
        buttons = inline_buttons(first)  # the buttons it was sent with, since taken off
    if 1 <= number <= len(buttons) and "callback_data" in buttons[number - 1]:
        await user.press_data(message_id, buttons[number - 1]["callback_data"])
    else:
        show(f"<i>There is no button [{number}] on message #{message_id}.</i>")


async def press_number(user: SimulatedUser, number: int, show: Callable[[str], None]) -> None:
    """Press button [number] of the newest bot message that shows buttons."""
    chat = user.emulator.chats[user.user_id]
    with_buttons = [m for m in user.bot_messages() if inline_buttons(m)]
    newest = with_buttons[-1] if with_buttons else None
    if chat.reply_keyboard is not None and (
        newest is None or (chat.reply_keyboard_message_id or 0) > newest["message_id"]
    ):
        keys = keyboard_buttons(chat.reply_keyboard)
        if 1 <= number <= len(keys):
            await user.tap_reply_button(keys[number - 1]["text"])
        else:
            show(f"<i>There is no key [{number}] on the keyboard.</i>")
        return
    if newest is None:
        await user.send(str(number))  # no buttons anywhere: a number is just a message
        return
    buttons = inline_buttons(newest)
    if 1 <= number <= len(buttons) and "callback_data" in buttons[number - 1]:
        await user.press_data(newest["message_id"], buttons[number - 1]["callback_data"])
    else:
        show(f"<i>There is no button [{number}] on message #{newest['message_id']}.</i>")
