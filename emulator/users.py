"""Simulated Telegram users, groups and channels: they act as people would (send, press, edit,
post, ask inline) and await what the bot does in reply."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import secrets
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from emulator.render import plain
from emulator.state import Event

if TYPE_CHECKING:
    from emulator.server import BotApiEmulator

SAMPLE_LOCATION = (52.5200, 13.4050)  # Berlin
BOT_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")
MENTION = re.compile(r"(?<![A-Za-z0-9_])@[A-Za-z0-9_]{5,32}(?![A-Za-z0-9_])")
# Ids as Telegram gives them: basic groups -4xxxxxxxxx, supergroups and channels -100xxxxxxxxxx.
GROUP_IDS = -4_000_000_001
SUPERGROUP_IDS = -1_000_000_000_001


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


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def text_fields(text: str) -> dict[str, Any]:
    """A typed text as Telegram delivers it: a leading /command gets its bot_command entity and
    every @username its mention entity (offsets and lengths in UTF-16 code units)."""
    entities: list[dict[str, Any]] = []
    command = BOT_COMMAND.match(text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": _utf16(command.group())})
    for mention in MENTION.finditer(text):
        offset = _utf16(text[: mention.start()])
        entities.append({"type": "mention", "offset": offset, "length": _utf16(mention.group())})
    return {"text": text, "entities": entities} if entities else {"text": text}


def _free_chat_id(emulator: BotApiEmulator, first: int) -> int:
    chat_id = first - len(emulator.chats)
    while chat_id in emulator.chats:
        chat_id -= 1
    return chat_id


def _edited(message: dict[str, Any], text: str) -> dict[str, Any]:
    """The message after its author changed its text (a new dict: messages are never changed
    in place, events share them)."""
    if "text" not in message:
        raise AssertionError("only a text message can be edited here")
    edited = {k: v for k, v in message.items() if k not in ("text", "entities")}
    return {**edited, **text_fields(text), "edit_date": int(time.time())}


class ChatView:
    """What the bot does in one chat, read in order.

    Bot events for this chat queue up in `events`; next_message/wait_for read them in order
    from a cursor, so nothing the bot does between two calls is missed.
    """

    def __init__(self, emulator: BotApiEmulator, chat_id: int, name: str) -> None:
        self.emulator = emulator
        self.chat_id = chat_id
        self.name = name  # for assertion messages: "user 1001", "group -4000000001"
        self.events: list[Event] = []
        self._cursor = 0
        self._arrived = asyncio.Event()

    # --- what the bot did ----------------------------------------------------------------

    def deliver(self, event: Event) -> None:
        """Called by the emulator for each bot action in this chat."""
        self.events.append(event)
        self._arrived.set()

    def _hear(self, event: Event) -> None:
        """A listener for chats the emulator delivers to no person directly (groups, channels)."""
        if event.chat_id == self.chat_id:
            self.deliver(event)

    @property
    def messages(self) -> dict[int, dict[str, Any]]:
        """The chat's current messages by id (edits applied, deleted ones gone)."""
        return self.emulator.chat_messages(self.chat_id)

    def bot_messages(self) -> list[dict[str, Any]]:
        bot_id = self.emulator.bot["id"]
        # a channel post has no "from", only the channel as its sender_chat
        return [m for m in self.messages.values() if m.get("from", {}).get("id") == bot_id]

    def last_message(self) -> dict[str, Any] | None:
        """The newest message from the bot still in the chat."""
        messages = self.bot_messages()
        return messages[-1] if messages else None

    def buttons(self, message_id: int | None = None) -> list[str]:
        """Inline button labels of a message (default: the newest bot message)."""
        message = self.messages.get(message_id) if message_id else self.last_message()
        return [button["text"] for button in inline_buttons(message)]

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
                    f"{self.name}: no matching bot event within {timeout} s; "
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
        """The bytes of the document, animation, video, photo, audio or voice the bot sent."""
        for kind in ("document", "animation", "video", "photo", "audio", "voice"):
            media = message.get(kind)
            if media:
                described = media[-1] if kind == "photo" else media
                path = self.emulator.file_path(described["file_id"])
                assert path is not None, f"file {described['file_id']} not stored"
                return path.read_bytes()
        raise AssertionError("the message has no file")

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

    async def find_button_soon(
        self, label: str, message_id: int | None, timeout: float
    ) -> tuple[int, str]:
        """find_button, waiting (up to `timeout`) for the button to show up: a bot often sends
        its buttons in a second message right after the first."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.find_button(label, message_id)
            except AssertionError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise
                self._arrived.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), remaining)

    # --- what people do here (each kind of chat below offers its own way) -------------------

    def _callback(self, presser: SimulatedUser, message_id: int, data: str) -> str:
        """Queue a callback query from `presser` on a message of this chat; its query id."""
        query_id = self.emulator.new_callback(presser.user_id)
        message = self.messages.get(message_id) or {
            # Telegram's InaccessibleMessage: the message is gone or never existed
            "message_id": message_id,
            "date": 0,
            "chat": self.emulator.chats[self.chat_id].info,
        }
        self.emulator.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": presser.telegram_user(),
                "message": message,
                "chat_instance": str(-abs(hash((self.chat_id, self.emulator.bot["id"])))),
                "data": data,
            },
        )
        return query_id

    def _post_as(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Store a new message in this chat and queue it as an update of that kind."""
        message = {
            "message_id": self.emulator.new_message_id(self.chat_id),
            "chat": self.emulator.chats[self.chat_id].info,
            "date": int(time.time()),
            **fields,
        }
        self.emulator.store_user_message(self.chat_id, message)
        self.emulator.push_update(kind, message)
        return message

    def _edit_as(self, kind: str, message: dict[str, Any], text: str) -> dict[str, Any]:
        """Change the text of a message of this chat and queue the edit as an update."""
        stored = self.messages.get(message["message_id"])
        if stored is None or stored.get("from", {}).get("id") == self.emulator.bot["id"]:
            raise AssertionError(f"message {message['message_id']} is not a message sent here")
        edited = _edited(stored, text)
        self.emulator.store_user_message(self.chat_id, edited)
        self.emulator.push_update(kind, edited)
        return edited


class SimulatedUser(ChatView):
    """One person in a private chat with the bot (chat id == user id)."""

    def __init__(
        self,
        emulator: BotApiEmulator,
        user_id: int,
        first_name: str,
        language_code: str | None,
        last_name: str | None = None,
        username: str | None = None,
    ) -> None:
        super().__init__(emulator, user_id, f"user {user_id}")
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.last_name = last_name
        self.username = username

    @property
    def answers(self) -> list[str | None]:
        """The toasts the bot answered button presses with (None: answered without text)."""
        return [event.answer for event in self.events if event.kind == "answer"]

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
        return self._post_as("message", {"from": self.telegram_user(), **fields})

    async def send(self, text: str) -> dict[str, Any]:
        """Type a message; a leading /command and any @username get their entities."""
        return self._post(**text_fields(text))

    async def edit(self, message: dict[str, Any], text: str) -> dict[str, Any]:
        """Change the text of a message this person sent here (Telegram: an edited_message)."""
        return self._edit_as("edited_message", message, text)

    async def ask_inline(self, query: str, chat_type: str = "private") -> str:
        """Type "@bot query" in a chat (inline mode); returns the inline query id."""
        query_id = secrets.token_hex(8)
        self.emulator.push_update(
            "inline_query",
            {
                "id": query_id,
                "from": self.telegram_user(),
                "query": query,
                "offset": "",
                "chat_type": chat_type,
            },
        )
        return query_id

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

    async def press(
        self, label: str, *, message_id: int | None = None, timeout: float = 2.0
    ) -> str:
        """Press an inline button by its label; returns the callback query id.

        Like a person, waits (up to `timeout`) for the button to show up: a bot often sends
        its buttons in a second message right after the first.
        """
        target, data = await self.find_button_soon(label, message_id, timeout)
        return await self.press_data(target, data)

    async def press_data(self, message_id: int, data: str) -> str:
        """Send a callback query with any data (to test stale or forged buttons)."""
        return self._callback(self, message_id, data)

    def block(self) -> None:
        """The person blocks the bot: sends to them get 403 until unblock()."""
        self.emulator.faults.block(self.user_id)

    def unblock(self) -> None:
        self.emulator.faults.unblock(self.user_id)


class SimulatedGroup(ChatView):
    """A group (or supergroup) with the bot and several simulated people in it.

    The bot sees every message, as it does when it is an admin or its privacy mode is off:
    the harshest case for a bot that must not answer there.
    """

    def __init__(
        self,
        emulator: BotApiEmulator,
        members: Iterable[SimulatedUser],
        title: str = "Back club",
        *,
        supergroup: bool = False,
    ) -> None:
        from emulator.server import Chat

        chat_id = _free_chat_id(emulator, SUPERGROUP_IDS if supergroup else GROUP_IDS)
        super().__init__(emulator, chat_id, f"group {chat_id}")
        self.members = list(members)
        info = {"id": chat_id, "type": "supergroup" if supergroup else "group", "title": title}
        emulator.chats[chat_id] = Chat(info)
        self.stop_listening = emulator.listen(self._hear)

    def _member(self, person: SimulatedUser) -> SimulatedUser:
        if person not in self.members:
            raise AssertionError(f"{person.name} is not a member of {self.name}")
        return person

    async def send(self, member: SimulatedUser, text: str) -> dict[str, Any]:
        """A member types a message here (a /command or @username gets its entity)."""
        sender = self._member(member).telegram_user()
        return self._post_as("message", {"from": sender, **text_fields(text)})

    async def edit(
        self, member: SimulatedUser, message: dict[str, Any], text: str
    ) -> dict[str, Any]:
        """A member changes the text of a message they sent here."""
        if message.get("from", {}).get("id") != self._member(member).user_id:
            raise AssertionError(f"{member.name} did not send message {message['message_id']}")
        return self._edit_as("edited_message", message, text)

    async def press(
        self,
        member: SimulatedUser,
        label: str,
        *,
        message_id: int | None = None,
        timeout: float = 2.0,
    ) -> str:
        """A member presses an inline button of a message here; returns the query id (the toast
        is answered to that member: see their `answers`)."""
        target, data = await self.find_button_soon(label, message_id, timeout)
        return await self.press_data(member, target, data)

    async def press_data(self, member: SimulatedUser, message_id: int, data: str) -> str:
        """A member sends a callback query with any data from a message here (it may be gone)."""
        return self._callback(self._member(member), message_id, data)


class SimulatedChannel(ChatView):
    """A channel with the bot among its admins: its posts (and edits of them) reach the bot."""

    def __init__(self, emulator: BotApiEmulator, title: str = "Back news") -> None:
        from emulator.server import Chat

        chat_id = _free_chat_id(emulator, SUPERGROUP_IDS)
        super().__init__(emulator, chat_id, f"channel {chat_id}")
        emulator.chats[chat_id] = Chat({"id": chat_id, "type": "channel", "title": title})
        self.stop_listening = emulator.listen(self._hear)

    async def post(self, text: str) -> dict[str, Any]:
        """Publish a post (Telegram: a channel_post, signed by the channel itself)."""
        sender = self.emulator.chats[self.chat_id].info
        return self._post_as("channel_post", {"sender_chat": sender, **text_fields(text)})

    async def edit(self, message: dict[str, Any], text: str) -> dict[str, Any]:
        """Change the text of a post (Telegram: an edited_channel_post)."""
        return self._edit_as("edited_channel_post", message, text)
