"""Simulated Telegram users: they act as a person would and await what the bot does in reply."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from emulator.render import plain
from emulator.state import Event

if TYPE_CHECKING:
    from emulator.server import BotApiEmulator

SAMPLE_LOCATION = (52.5200, 13.4050)  # Berlin
BOT_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")


def _describe(events: list[Event]) -> list[str]:
    return [f"{event.kind}#{event.message_id}:{plain(event.message)[:60]!r}" for event in events]


def inline_buttons(message: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The inline buttons of a message, row by row, left to right."""
    rows = ((message or {}).get("reply_markup") or {}).get("inline_keyboard") or []
    return [button for row in rows for button in row]


def keyboard_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The buttons of a reply keyboard (plain strings become {"text": ...})."""
    rows = (markup or {}).get("keyboard") or []
    return [b if isinstance(b, dict) else {"text": str(b)} for row in rows for b in row]


class SimulatedUser:
    """One person in a private chat with the bot (chat id == user id).

    Bot events for this chat queue up in `events`; next_message/wait_for read them in order
    from a cursor, so nothing the bot does between two calls is missed.
    """

    def __init__(
        self,
        emulator: BotApiEmulator,
        user_id: int,
        first_name: str,
        language_code: str | None,
        last_name: str | None = None,
        username: str | None = None,
    ) -> None:
        self.emulator = emulator
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.last_name = last_name
        self.username = username
        self.events: list[Event] = []
        self._cursor = 0
        self._arrived = asyncio.Event()

    # --- what the bot did ----------------------------------------------------------------

    def deliver(self, event: Event) -> None:
        """Called by the emulator for each bot action in this chat."""
        self.events.append(event)
        self._arrived.set()

    @property
    def messages(self) -> dict[int, dict[str, Any]]:
        """The chat's current messages by id (edits applied, deleted ones gone)."""
        return self.emulator.chat_messages(self.user_id)

    def bot_messages(self) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if m["from"]["id"] == self.emulator.bot["id"]]

    def last_message(self) -> dict[str, Any] | None:
        """The newest message from the bot still in the chat."""
        messages = self.bot_messages()
        return messages[-1] if messages else None

    def buttons(self, message_id: int | None = None) -> list[str]:
        """Inline button labels of a message (default: the newest bot message)."""
        message = self.messages.get(message_id) if message_id else self.last_message()
        return [button["text"] for button in inline_buttons(message)]

    @property
    def answers(self) -> list[str | None]:
        """The toasts the bot answered button presses with (None: answered without text)."""
        return [event.answer for event in self.events if event.kind == "answer"]

    def mark(self) -> int:
        """A position in `events`, to look at what came after it."""
        return len(self.events)

    def skip_all(self) -> None:
        """Consider every event so far as read."""
        self._cursor = len(self.events)

    async def wait_for(self, predicate: Callable[[Event], bool], timeout: float = 5.0) -> Event:
        """The first unread bot event matching the predicate (earlier unread ones are passed)."""
        deadline = time.monotonic() + timeout
        while True:
            for index in range(self._cursor, len(self.events)):
                if predicate(self.events[index]):
                    self._cursor = index + 1
                    return self.events[index]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                unread = _describe(self.events[self._cursor :])
                raise AssertionError(
                    f"user {self.user_id}: no matching bot event within {timeout} s; "
                    f"unread events: {unread}"
                )
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)

    async def next_message(self, timeout: float = 5.0, *, kind: str = "send") -> dict[str, Any]:
        """The message of the next unread event of that kind ("send" or "edit")."""
        event = await self.wait_for(lambda e: e.kind == kind and e.message is not None, timeout)
        assert event.message is not None
        return event.message

    async def wait_text(
        self, fragment: str, timeout: float = 5.0, *, kinds: tuple[str, ...] = ("send", "edit")
    ) -> Event:
        """The first unread sent or edited message whose plain text contains the fragment."""
        return await self.wait_for(
            lambda e: e.kind in kinds and fragment in plain(e.message), timeout
        )

    async def expect_silence(self, seconds: float) -> None:
        """Assert the bot does nothing in this chat for that long (raises listing what it did)."""
        start = len(self.events)
        await asyncio.sleep(seconds)
        extra = self.events[start:]
        if extra:
            raise AssertionError(f"expected silence for {seconds} s, got {_describe(extra)}")
        self._cursor = len(self.events)

    async def answer_for(self, callback_id: str, timeout: float = 5.0) -> str | None:
        """The toast text the bot answered this press with (None: answered without text)."""
        pending = self.emulator.callbacks[callback_id]
        try:
            await asyncio.wait_for(pending.done.wait(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"callback query {callback_id} not answered within {timeout} s"
            ) from None
        return pending.text

    def download(self, message: dict[str, Any]) -> bytes:
        """The bytes of the document, animation, video or photo the bot sent."""
        for kind in ("document", "animation", "video", "photo"):
            media = message.get(kind)
            if media:
                described = media[-1] if kind == "photo" else media
                path = self.emulator.file_path(described["file_id"])
                assert path is not None, f"file {described['file_id']} not stored"
                return path.read_bytes()
        raise AssertionError("the message has no file")

    # --- what the person does ------------------------------------------------------------

    def telegram_user(self) -> dict[str, Any]:
        """This person as a Bot API User object."""
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value:
                user[key] = value
        return user

    def _post(self, **fields: Any) -> dict[str, Any]:
        message = {
            "message_id": self.emulator.new_message_id(self.user_id),
            "from": self.telegram_user(),
            "chat": self.emulator.chats[self.user_id].info,
            "date": int(time.time()),
            **fields,
        }
        self.emulator.store_user_message(self.user_id, message)
        self.emulator.push_update("message", message)
        return message

    async def send(self, text: str) -> dict[str, Any]:
        """Type a message; a leading /command gets its bot_command entity, as in Telegram."""
        fields: dict[str, Any] = {"text": text}
        command = BOT_COMMAND.match(text)
        if command:
            length = len(command.group().encode("utf-16-le")) // 2
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._post(**fields)

    async def share_location(self, latitude: float, longitude: float) -> dict[str, Any]:
        return self._post(location={"latitude": latitude, "longitude": longitude})

    async def send_sticker(self) -> dict[str, Any]:
        return self._post(
            sticker={
                "file_id": "CAACAgIAAxkBAAE" + secrets.token_urlsafe(16),
                "file_unique_id": "AgAD" + secrets.token_urlsafe(6),
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "👍",
            }
        )

    async def send_photo(self) -> dict[str, Any]:
        """Send a tiny generated picture."""
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
        stored = self.emulator.files.store("photo", "photo.png", buffer.getvalue(), by_bot=False)
        return self._post(photo=self.emulator.files.describe(stored))

    @property
    def reply_keyboard(self) -> list[str]:
        """Labels of the reply keyboard in force (empty: none shown)."""
        keyboard = self.emulator.chats[self.user_id].reply_keyboard
        return [button["text"] for button in keyboard_buttons(keyboard)]

    async def tap_reply_button(self, label: str) -> dict[str, Any]:
        """Press a button of the reply keyboard in force (its text, or a location it asks for)."""
        keyboard = self.emulator.chats[self.user_id].reply_keyboard
        if keyboard is None:
            raise AssertionError(f"no reply keyboard is shown (wanted {label!r})")
        for button in keyboard_buttons(keyboard):
            if button["text"] == label:
                if button.get("request_location"):
                    return await self.share_location(*SAMPLE_LOCATION)
                return await self.send(label)
        raise AssertionError(f"no reply-keyboard button {label!r}; visible: {self.reply_keyboard}")

    def find_button(self, label: str, message_id: int | None = None) -> tuple[int, str]:
        """(message id, callback data) of the button with this label.

        Exact label first, then a case-insensitive substring; on the given message, or else on
        the newest bot message that has such a button.
        """
        if message_id is not None:
            if message_id not in self.messages:
                raise AssertionError(f"message {message_id} is not in the chat")
            candidates = [self.messages[message_id]]
        else:
            candidates = list(reversed(self.bot_messages()))
        matchers: list[Callable[[str], bool]] = [
            lambda text: text == label,
            lambda text: label.lower() in text.lower(),
        ]
        for matches in matchers:
            for message in candidates:
                for button in inline_buttons(message):
                    if matches(button["text"]) and "callback_data" in button:
                        return message["message_id"], button["callback_data"]
        visible = {
            message["message_id"]: [button["text"] for button in inline_buttons(message)]
            for message in candidates
            if inline_buttons(message)
        }
        raise AssertionError(f"no button {label!r}; visible buttons by message id: {visible}")

    async def press(
        self, label: str, *, message_id: int | None = None, timeout: float = 2.0
    ) -> str:
        """Press an inline button by its label; returns the callback query id.

        Like a person, waits (up to `timeout`) for the button to show up: a bot often sends
        its buttons in a second message right after the first.
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                target, data = self.find_button(label, message_id)
            except AssertionError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise
                self._arrived.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), remaining)
                continue
            return await self.press_data(target, data)

    async def press_data(self, message_id: int, data: str) -> str:
        """Send a callback query with any data (to test stale or forged buttons)."""
        query_id = self.emulator.new_callback(self.user_id)
        message = self.messages.get(message_id) or {
            # Telegram's InaccessibleMessage: the message is gone or never existed
            "message_id": message_id,
            "date": 0,
            "chat": self.emulator.chats[self.user_id].info,
        }
        self.emulator.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": self.telegram_user(),
                "message": message,
                "chat_instance": str(-abs(hash((self.user_id, self.emulator.bot["id"])))),
                "data": data,
            },
        )
        return query_id

    def block(self) -> None:
        """The person blocks the bot: sends to them get 403 until unblock()."""
        self.emulator.faults.block(self.user_id)

    def unblock(self) -> None:
        self.emulator.faults.unblock(self.user_id)
