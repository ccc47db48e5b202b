"""The emulator itself: an HTTP server speaking the Bot API, and the chats it keeps."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aiohttp import web

from emulator import messaging, service
from emulator.faults import Faults, hold_unanswered
from emulator.files import FileStore
from emulator.limits import Limits, RateLimiter
from emulator.state import Event, Stats
from emulator.wire import (
    ApiError,
    Call,
    bad_request,
    error_response,
    fault_response,
    ok_response,
    read_call,
)

if TYPE_CHECKING:
    from emulator.users import SimulatedUser

SHARED_LIMIT = 10_000
TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{10,}$")
Handler = Callable[["BotApiEmulator", Call], Awaitable[Any]]
METHODS: dict[str, Handler] = {**service.METHODS, **messaging.METHODS}


@dataclass
class Chat:
    """A private chat: its Telegram object and its messages (bot's and user's) by id."""

    info: dict[str, Any]
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # A reply keyboard is not part of the Message object in the Bot API, so the chat keeps the
    # one in force, and which message brought it.
    reply_keyboard: dict[str, Any] | None = None
    reply_keyboard_message_id: int | None = None


@dataclass
class PendingCallback:
    """A button press waiting for answerCallbackQuery."""

    user_id: int
    answered: bool = False
    text: str | None = None
    show_alert: bool = False
    done: asyncio.Event = field(default_factory=asyncio.Event)


class BotApiEmulator:
    """A local Telegram Bot API: point PTB's base_url/base_file_url here.

    Public for tests: `users`, `events`, `stats`, `faults`, `limits`, `commands`
    ({(scope, language_code): [BotCommand dicts]}), `webhook`, `add_user()`, `listen()`.
    """

    def __init__(
        self,
        *,
        media_dir: Path | str | None = None,
        limits: Limits | None = None,
        bot_id: int = 7000000001,
        username: str = "backcare_test_bot",
        first_name: str = "Backcare",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._temporary: tempfile.TemporaryDirectory[str] | None = None
        if media_dir is None:
            self._temporary = tempfile.TemporaryDirectory(prefix="emulator-media-")
            media_dir = self._temporary.name
        self.media_dir = Path(media_dir)
        self.limits = limits or Limits()
        self.bot: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.stats = Stats()
        self.faults = Faults()
        self.files = FileStore(self.media_dir, self.stats)
        self.rate_limiter = RateLimiter(self.limits, self.stats, clock)
        self.events: list[Event] = []
        self.users: dict[int, SimulatedUser] = {}
        self.commands: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.webhook: dict[str, Any] = {"url": ""}
        self.allowed_updates: list[str] = []
        self.port = 0
        self.closing = False
        self.chats: dict[int, Chat] = {}
        self.updates: list[dict[str, Any]] = []
        self.update_arrived = asyncio.Event()
        self.poll_generation = 0
        self.callbacks: dict[str, PendingCallback] = {}
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._media_groups = itertools.count(13000000000000001)
        self._listeners: list[Callable[[Event], None]] = []
        self._shared: dict[str, Any] = {}
        self._runner: web.AppRunner | None = None
        # Called with each Bot API request's handling time here, in seconds (benchmarks).
        self.on_served: Callable[[float], None] | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1 inside the running loop (port 0: any free port)."""
        self.media_dir.mkdir(parents=True, exist_ok=True)
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._serve_method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._serve_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Answer pending long polls, close the server, remove a temporary media dir."""
        self.closing = True
        self.update_arrived.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._temporary is not None:
            self._temporary.cleanup()
            self._temporary = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- users and chats ---------------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str = "Ann",
        language_code: str | None = "en",
        *,
        last_name: str | None = None,
        username: str | None = None,
    ) -> SimulatedUser:
        """A simulated person in a private chat with the bot (chat id == user id)."""
        from emulator.users import SimulatedUser

        user = SimulatedUser(self, user_id, first_name, language_code, last_name, username)
        info: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        if last_name:
            info["last_name"] = last_name
        if username:
            info["username"] = username
        self.users[user_id] = user
        self.chats.setdefault(user_id, Chat(info))
        return user

    def listen(self, callback: Callable[[Event], None]) -> Callable[[], None]:
        """Call back on every bot event; returns a function that stops it."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback)

    def chat_messages(self, chat_id: int) -> dict[int, dict[str, Any]]:
        chat = self.chats.get(chat_id)
        return chat.messages if chat else {}

    def forget_files(self) -> None:
        """Make every file_id unknown (to test a bot that re-uploads a rejected file_id)."""
        self.files.forget_all()

    @property
    def _files(self) -> dict[str, Any]:
        # The first version kept file_ids here; tests/e2e/test_exercises.py clears it directly.
        return self.files.by_id

    def file_path(self, file_id: str) -> Path | None:
        """Where a file the bot sent is stored on this machine."""
        stored = self.files.get(file_id)
        return stored.path if stored else None

    def chat_for_send(self, call: Call) -> Chat:
        """The chat a bot method addresses, or Telegram's error for it."""
        if "chat_id" not in call.params:
            raise bad_request("chat_id is empty")
        chat_id = call.params["chat_id"]
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        if chat_id in self.faults.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def shared(self, value: Any) -> Any:
        """One object for equal keyboards and entity lists (messages are never changed in place,
        so they can share them: a live timer repeats the same keyboard on every edit)."""
        key = json.dumps(value, sort_keys=True, ensure_ascii=False)
        cached = self._shared.get(key)
        if cached is None:
            if len(self._shared) >= SHARED_LIMIT:
                self._shared.clear()
            self._shared[key] = cached = value
        return cached

    def new_message_id(self, chat_id: int) -> int:
        return next(self.chats[chat_id].message_ids)

    def new_media_group_id(self) -> str:
        return str(next(self._media_groups))

    def record(
        self,
        kind: str,
        chat_id: int,
        method: str,
        message: dict[str, Any] | None,
        message_id: int | None = None,
        answer: str | None = None,
        silent: bool = False,
    ) -> Event:
        """Note what the bot did and tell the chat's user and the listeners."""
        if message_id is None and message is not None:
            message_id = message["message_id"]
        event = Event.now(kind, chat_id, message_id, method, message, answer, silent)
        self.events.append(event)
        user = self.users.get(chat_id)
        if user is not None:
            user.deliver(event)
        for listener in list(self._listeners):
            listener(event)
        return event

    # --- the user side of the queue ----------------------------------------------------------

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (what Telegram does when a person acts)."""
        update = {"update_id": next(self._update_ids), kind: payload}
        self.updates.append(update)
        self.update_arrived.set()
        return update

    def store_user_message(self, chat_id: int, message: dict[str, Any]) -> None:
        self.chats[chat_id].messages[message["message_id"]] = message

    def new_callback(self, user_id: int) -> str:
        query_id = f"{user_id}{next(self._callback_ids):08d}"
        self.callbacks[query_id] = PendingCallback(user_id)
        return query_id

    # --- HTTP --------------------------------------------------------------------------------

    async def _serve_method(self, request: web.Request) -> web.Response:
        if self.on_served is None or request.match_info["method"].lower() == "getupdates":
            return await self._serve_method_untimed(request)  # a long poll waits by design
        started = time.monotonic()
        try:
            return await self._serve_method_untimed(request)
        finally:
            self.on_served(time.monotonic() - started)

    async def _serve_method_untimed(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        if not TOKEN.match(token):
            return error_response(ApiError(401, "Unauthorized"))
        if self.faults.latency > 0:
            await asyncio.sleep(self.faults.latency)
        try:
            call = await read_call(request, method)
            close_after = self.faults.take_drop(method)
            if close_after is not None:  # lost on the way: never processed, never answered
                return await hold_unanswered(request, close_after)
            failure = self.faults.take_failure(method)
            if failure is not None:
                self.stats.errors[failure[0]] += 1
                return fault_response(*failure)
            retry_after = self.faults.take_rate_limit(method)
            if retry_after is not None:
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
            handler = METHODS.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found")
            self.stats.by_method[method] += 1
            self._check_limits(call)
            result = await handler(self, call)
        except ApiError as error:
            self.stats.errors[error.code] += 1
            return error_response(error)
        return ok_response(result)

    def _check_limits(self, call: Call) -> None:
        chat_id = call.params.get("chat_id")
        if not isinstance(chat_id, int) or chat_id not in self.chats:
            return  # the method answers "chat not found"; Telegram counts delivered messages
        retry_after = self.rate_limiter.check(call.method, chat_id)
        if retry_after is not None:
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    async def _serve_file(self, request: web.Request) -> web.StreamResponse:
        if not TOKEN.match(request.match_info["token"]):
            return error_response(ApiError(401, "Unauthorized"))
        path = self.files.local_path(request.match_info["file_path"])
        if path is None:
            return error_response(ApiError(404, "Not Found"))
        return web.FileResponse(path)
