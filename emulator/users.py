"""Simulated Telegram users: they send what a person would and await the bot's answers."""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from emulator.render import plain
from emulator.state import Event

if TYPE_CHECKING:
    from emulator.server import BotApiEmulator

_callback_ids = itertools.count(1)
SAMPLE_LOCATION = (52.5200, 13.4050)  # Berlin


class SimulatedUser:
    """One person in a private chat with the bot (chat id == user id)."""

    def __init__(
        self, emulator: BotApiEmulator, user_id: int, first_name: str, language_code: str | None
    ) -> None:
        self.emulator = emulator
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.events: list[Event] = []
        self._cursor = 0
        self._arrived = asyncio.Event()

    # --- the bot's side ----------------------------------------------------------------------

    def deliver(self, event: Event) -> None:
        """Called by the emulator for each bot action in this chat."""
        self.events.append(event)
        self._arrived.set()

    @property
    def messages(self) -> dict[int, dict[str, Any]]:
        """Current messages of the chat, by id (after edits; deleted ones gone)."""
        return self.emulator.chat_messages(self.user_id)

    def bot_messages(self) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if m.get("from", {}).get("is_bot")]

    def last_message(self) -> dict[str, Any] | None:
        messages = self.bot_messages()
        return messages[-1] if messages else None

    def buttons(self, message_id: int | None = None) -> list[str]:
        """Labels of the inline buttons of a message (default: the newest bot message)."""
        message = self.messages.get(message_id) if message_id else self.last_message()
        if not message:
            return []
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        return [button["text"] for row in rows for button in row]

    def mark(self) -> int:
        """A position in this user's event list (to look at what came after)."""
        return len(self.events)

    async def _wait(self, predicate: Callable[[Event], bool], timeout: float) -> Event:
        deadline = time.monotonic() + timeout
        while True:
            for index in range(self._cursor, len(self.events)):
                if predicate(self.events[index]):
                    self._cursor = index + 1
                    return self.events[index]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = [f"{e.kind}:{plain(e.message)[:60]!r}" for e in self.events[self._cursor :]]
                raise AssertionError(f"no matching bot event within {timeout} s; unread: {seen}")
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)

    async def next_message(self, timeout: float = 5.0, *, kind: str = "send") -> dict[str, Any]:
        """The next new bot message (or edit, with kind="edit") after the last one consumed."""
        event = await self._wait(lambda e: e.kind == kind, timeout)
        assert event.message is not None
        return event.message

    async def wait_for(self, predicate: Callable[[Event], bool], timeout: float = 5.0) -> Event:
        """The first unread bot event matching the predicate."""
        return await self._wait(predicate, timeout)

    async def wait_text(
        self, fragment: str, timeout: float = 5.0, *, kinds: tuple[str, ...] = ("send", "edit")
    ) -> Event:
        """The first unread sent or edited message whose text contains the fragment."""
        return await self._wait(lambda e: e.kind in kinds and fragment in plain(e.message), timeout)

    async def expect_silence(self, seconds: float) -> None:
        """Assert that the bot does nothing in this chat for the given time."""
        start = len(self.events)
        await asyncio.sleep(seconds)
        extra = self.events[start:]
        if extra:
            listing = [f"{e.kind}:{plain(e.message)[:60]!r}" for e in extra]
            raise AssertionError(f"expected silence, got {listing}")
        self._cursor = len(self.events)

    def skip_all(self) -> None:
        """Consider every event so far as read."""
        self._cursor = len(self.events)

    @property
    def answers(self) -> list[str | None]:
        return [e.answer for e in self.events if e.kind == "answer"]

    async def answer_for(self, callback_id: str, timeout: float = 5.0) -> str | None:
        """The toast text the bot answered a button press with (None: answered silently)."""
        state = self.emulator.callback_state(callback_id)
        await asyncio.wait_for(state["event"].wait(), timeout)
        return state["text"]

    def download(self, message: dict[str, Any]) -> bytes:
        """The bytes of a document, photo or animation the bot sent."""
        for kind in ("document", "animation", "video"):
            if kind in message:
                path = self.emulator.file_path(message[kind]["file_id"])
                assert path is not None
                return path.read_bytes()
        if "photo" in message:
            path = self.emulator.file_path(message["photo"][-1]["file_id"])
            assert path is not None
            return path.read_bytes()
        raise AssertionError("the message has no file")

    # --- the user's side ---------------------------------------------------------------------

    def _from(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def _message(self, **fields: Any) -> dict[str, Any]:
        message = {
            "message_id": self.emulator.next_message_id(self.user_id),
            "from": self._from(),
            "chat": {"id": self.user_id, "type": "private", "first_name": self.first_name},
            "date": int(time.time()),
            **fields,
        }
        self.emulator.store_user_message(self.user_id, message)
        self.emulator.push_update("message", message)
        return message

    async def send(self, text: str) -> dict[str, Any]:
        """Type a message (commands get a bot_command entity, as in Telegram)."""
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            fields["entities"] = [
                {
                    "type": "bot_command",
                    "offset": 0,
                    "length": len(command.encode("utf-16-le")) // 2,
                }
            ]
        return self._message(**fields)

    async def share_location(self, latitude: float, longitude: float) -> dict[str, Any]:
        return self._message(location={"latitude": latitude, "longitude": longitude})

    async def send_sticker(self) -> dict[str, Any]:
        return self._message(
            sticker={
                "file_id": "CAACAgIAAxkBAAE" + secrets.token_hex(8),
                "file_unique_id": secrets.token_hex(6),
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "👍",
            }
        )

    async def send_photo(self) -> dict[str, Any]:
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
        stored = self.emulator._store_file("photo", "user.png", buffer.getvalue())
        return self._message(
            photo=[
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.unique_id,
                    "width": 8,
                    "height": 8,
                }
            ]
        )

    async def tap_reply_button(self, label: str) -> dict[str, Any]:
        """Press a reply-keyboard button: its text, or a location if it asks for one."""
        for message in reversed(self.bot_messages()):
            for row in (message.get("reply_markup") or {}).get("keyboard", []):
                for button in row:
                    button = button if isinstance(button, dict) else {"text": button}
                    if button["text"] == label:
                        if button.get("request_location"):
                            return await self.share_location(*SAMPLE_LOCATION)
                        return await self.send(label)
        raise AssertionError(f"no reply-keyboard button {label!r}")

    def find_button(self, label: str, message_id: int | None = None) -> tuple[int, str]:
        """The (message id, callback data) of the newest button with this label."""
        candidates = (
            [self.messages[message_id]] if message_id else list(reversed(self.bot_messages()))
        )
        visible = []
        for exact in (True, False):
            for message in candidates:
                for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                    for button in row:
                        visible.append(button["text"])
                        text = button["text"]
                        hit = text == label if exact else label.lower() in text.lower()
                        if hit and "callback_data" in button:
                            return message["message_id"], button["callback_data"]
        raise AssertionError(f"no button {label!r}; visible: {sorted(set(visible))}")

    async def press(self, label: str, *, message_id: int | None = None) -> str:
        """Press an inline button by its label; returns the callback query id."""
        target, data = self.find_button(label, message_id)
        return await self.press_data(target, data)

    async def press_data(self, message_id: int, data: str) -> str:
        """Send a callback query with any data (for stale or forged buttons)."""
        query_id = str(next(_callback_ids) * 1000 + self.user_id % 1000)
        message = self.messages.get(message_id) or {
            "message_id": message_id,
            "date": 0,
            "chat": {"id": self.user_id, "type": "private"},
        }
        self.emulator.register_callback(query_id, self.user_id)
        self.emulator.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": self._from(),
                "message": message,
                "chat_instance": str(self.user_id),
                "data": data,
            },
        )
        return query_id

    def block(self) -> None:
        self.emulator.faults.block(self.user_id)

    def unblock(self) -> None:
        self.emulator.faults.unblock(self.user_id)
