"""A local Telegram Bot API server: the subset this bot uses, with Telegram's shapes and errors."""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import math
import re
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from emulator.markup import ParseError, parse_html, utf16_len
from emulator.state import Event, Faults, Gcra, Limits, Stats, now_pair

if TYPE_CHECKING:
    from emulator.users import SimulatedUser

TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{10,}$")
INT_PARAMS = {
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "user_id",
    "cache_time",
    "reply_to_message_id",
    "width",
    "height",
    "duration",
    "message_thread_id",
}
JSON_PARAMS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "allowed_updates",
    "commands",
    "scope",
    "media",
    "reply_parameters",
    "link_preview_options",
    "menu_button",
}
BOOL_PARAMS = {
    "show_alert",
    "disable_notification",
    "drop_pending_updates",
    "protect_content",
    "has_spoiler",
    "disable_web_page_preview",
    "supports_streaming",
}
COUNTED = re.compile(r"^(send|edit|copy|forward)", re.IGNORECASE)
NOT_COUNTED = {"sendchataction"}
MEDIA_KINDS = ("photo", "animation", "document", "video")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """An error answer in Telegram's format."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


@dataclass
class StoredFile:
    file_id: str
    unique_id: str
    path: Path
    size: int
    width: int = 0
    height: int = 0


class BotApiEmulator:
    """The server, the chats and their messages, simulated users, and what tests inspect."""

    def __init__(
        self,
        *,
        media_dir: Path | None = None,
        limits: Limits | None = None,
        bot_id: int = 7000000001,
        username: str = "backcare_test_bot",
        first_name: str = "Backcare",
    ) -> None:
        self._tmp = None if media_dir else tempfile.TemporaryDirectory(prefix="emulator-")
        self.media_dir = Path(media_dir or self._tmp.name)  # type: ignore[union-attr]
        self.limits = limits or Limits()
        self.bot = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.faults = Faults()
        self.stats = Stats()
        self.events: list[Event] = []
        self.commands: dict[tuple[str, str | None], list[dict[str, str]]] = {}
        self.webhook: str = ""
        self.users: dict[int, SimulatedUser] = {}
        self._messages: dict[int, dict[int, dict[str, Any]]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._files: dict[str, StoredFile] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._callbacks: dict[str, dict[str, Any]] = {}
        self._chat_bucket = Gcra(self.limits.per_chat_rate, self.limits.per_chat_burst)
        self._global_bucket = Gcra(self.limits.global_rate, self.limits.global_burst)
        self._listeners: list[Callable[[Event], None]] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1 (port 0: any free port)."""
        self.media_dir.mkdir(parents=True, exist_ok=True)
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Close the server (pending long polls are answered)."""
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._tmp is not None:
            self._tmp.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- the user side -----------------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str = "Ann",
        language_code: str | None = "en",
    ) -> SimulatedUser:
        """A private chat with a simulated user (chat id == user id)."""
        from emulator.users import SimulatedUser

        user = SimulatedUser(self, user_id, first_name, language_code)
        self.users[user_id] = user
        self._messages.setdefault(user_id, {})
        self._message_ids.setdefault(user_id, itertools.count(1))
        return user

    def listen(self, callback: Callable[[Event], None]) -> None:
        """Call back on every bot event (the terminal chat prints them)."""
        self._listeners.append(callback)

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), kind: payload}
        self._updates.append(update)
        self._new_update.set()
        return update

    def next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def store_user_message(self, chat_id: int, message: dict[str, Any]) -> None:
        self._messages.setdefault(chat_id, {})[message["message_id"]] = message

    def register_callback(self, query_id: str, user_id: int) -> None:
        self._callbacks[query_id] = {
            "user_id": user_id,
            "answered": False,
            "text": None,
            "event": asyncio.Event(),
        }

    def callback_state(self, query_id: str) -> dict[str, Any]:
        return self._callbacks[query_id]

    def chat_messages(self, chat_id: int) -> dict[int, dict[str, Any]]:
        return self._messages.get(chat_id, {})

    def file_path(self, file_id: str) -> Path | None:
        stored = self._files.get(file_id)
        return stored.path if stored else None

    # --- HTTP --------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        if not TOKEN.match(token):
            return _error(ApiError(401, "Unauthorized"))
        if self.faults.latency:
            await asyncio.sleep(self.faults.latency)
        try:
            params, files = await _read_params(request)
            status = self.faults.take_failure(method)
            if status is not None:
                self.stats.errors[status] += 1
                return web.Response(
                    status=status,
                    text=f"<html><body><h1>{status}</h1></body></html>",
                    content_type="text/html",
                )
            retry = self.faults.take_rate_limit(method)
            if retry is not None:
                raise ApiError(429, f"Too Many Requests: retry after {retry}", retry)
            handler = getattr(self, f"_m_{method.lower()}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            self.stats.by_method[method] += 1
            self._check_limits(method, params)
            result = await handler(params, files)
        except ApiError as error:
            self.stats.errors[error.code] += 1
            if error.code == 429:
                self.stats.rejected_429 += 1
            return _error(error)
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.StreamResponse:
        path = self.media_dir / request.match_info["path"]
        if not path.is_file():
            return _error(ApiError(404, "Not Found"))
        return web.FileResponse(path)

    def _check_limits(self, method: str, params: dict[str, Any]) -> None:
        if self.limits.mode == "off" or "chat_id" not in params:
            return
        if not COUNTED.match(method) or method.lower() in NOT_COUNTED:
            return
        now = time.monotonic()
        chat_wait = self._chat_bucket.take(int(params["chat_id"]), now)
        global_wait = self._global_bucket.take(0, now)
        if chat_wait:
            self.stats.per_chat_violations += 1
        if global_wait:
            self.stats.global_violations += 1
        wait = max(chat_wait, global_wait)
        if wait and self.limits.mode == "reject":
            retry = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry)

    # --- helpers -----------------------------------------------------------------------------

    def _chat(self, params: dict[str, Any]) -> int:
        if "chat_id" not in params:
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat_id = int(params["chat_id"])
        if chat_id not in self.users:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self.faults.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _chat_object(self, chat_id: int) -> dict[str, Any]:
        user = self.users[chat_id]
        return {"id": chat_id, "type": "private", "first_name": user.first_name}

    def _record(
        self,
        kind: str,
        chat_id: int,
        method: str,
        message: dict[str, Any] | None,
        message_id: int | None = None,
        answer: str | None = None,
    ) -> None:
        mono, wall = now_pair()
        event = Event(
            kind,
            chat_id,
            message_id or (message or {}).get("message_id"),
            method,
            json.loads(json.dumps(message)) if message is not None else None,
            mono,
            wall,
            answer,
        )
        self.events.append(event)
        for listener in self._listeners:
            listener(event)
        user = self.users.get(chat_id)
        if user is not None:
            user.deliver(event)

    def _text_fields(
        self, params: dict[str, Any], key: str, limit: int, required: bool
    ) -> dict[str, Any]:
        raw = params.get(key)
        if raw is None or raw == "":
            if required:
                raise ApiError(400, "Bad Request: message text is empty")
            return {}
        raw = str(raw)
        if params.get("parse_mode", "").upper() == "HTML":
            try:
                parsed = parse_html(raw)
            except ParseError as error:
                raise ApiError(400, f"Bad Request: can't parse entities: {error}") from None
            text, entities = parsed.text, parsed.entities
        elif params.get("parse_mode"):
            text, entities = raw, []
        else:
            text, entities = (
                raw,
                list(params.get("entities") or params.get("caption_entities") or []),
            )
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > limit:
            raise ApiError(
                400,
                "Bad Request: message is too long"
                if key == "text"
                else "Bad Request: message caption is too long",
            )
        result: dict[str, Any] = {key: text}
        if entities:
            result["entities" if key == "text" else "caption_entities"] = entities
        return result

    @staticmethod
    def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            if not isinstance(row, list):
                raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _new_message(self, chat_id: int, fields: dict[str, Any], method: str) -> dict[str, Any]:
        message = {
            "message_id": self.next_message_id(chat_id),
            "from": self.bot,
            "chat": self._chat_object(chat_id),
            "date": int(time.time()),
            **fields,
        }
        self._messages[chat_id][message["message_id"]] = message
        self._record("send", chat_id, method, message)
        return message

    def _store_file(self, kind: str, name: str, content: bytes) -> StoredFile:
        self.stats.uploads += 1
        unique = secrets.token_hex(8)
        suffix = Path(name).suffix or {"photo": ".jpg", "animation": ".gif"}.get(kind, ".bin")
        path = self.media_dir / f"{kind}-{unique}{suffix}"
        path.write_bytes(content)
        stored = StoredFile(
            f"{kind[:2].upper()}{secrets.token_urlsafe(24)}", unique, path, len(content)
        )
        try:
            from PIL import Image

            with Image.open(io.BytesIO(content)) as image:
                stored.width, stored.height = image.size
        except Exception:  # not an image: no dimensions, like Telegram for documents
            pass
        self._files[stored.file_id] = stored
        return stored

    def _media_object(
        self, kind: str, value: Any, files: dict[str, tuple[str, bytes]]
    ) -> dict[str, Any] | list[dict[str, Any]]:
        if kind in files:
            stored = self._store_file(kind, *files[kind])
        elif isinstance(value, str) and value.startswith("attach://"):
            name = value.removeprefix("attach://")
            if name not in files:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            stored = self._store_file(kind, *files[name])
        elif isinstance(value, str) and value in self._files:
            self.stats.file_id_reuses += 1
            stored = self._files[value]
        else:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        base = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": stored.size,
        }
        if kind == "photo":
            return [{**base, "width": stored.width, "height": stored.height}]
        if kind in ("animation", "video"):
            return {
                **base,
                "width": stored.width,
                "height": stored.height,
                "duration": 1,
                "file_name": stored.path.name,
            }
        return {**base, "file_name": stored.path.name}

    def _find(self, params: dict[str, Any], verb: str = "edit") -> tuple[int, dict[str, Any]]:
        chat_id = self._chat(params)
        message = self._messages[chat_id].get(int(params.get("message_id", 0)))
        if message is None or message.get("from", {}).get("id") != self.bot["id"]:
            raise ApiError(400, f"Bad Request: message to {verb} not found")
        return chat_id, message

    # --- methods -----------------------------------------------------------------------------

    async def _m_getme(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return self.bot

    async def _m_getupdates(self, params: dict[str, Any], files: Any) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        if not self._updates and timeout > 0:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout)
        limit = int(params.get("limit") or 100)
        return self._updates[:limit]

    async def _m_deletewebhook(self, params: dict[str, Any], files: Any) -> bool:
        self.webhook = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_setwebhook(self, params: dict[str, Any], files: Any) -> bool:
        self.webhook = str(params.get("url", ""))
        return True

    async def _m_getwebhookinfo(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return {
            "url": self.webhook,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _command_key(self, params: dict[str, Any]) -> tuple[str, str | None]:
        scope = params.get("scope") or {"type": "default"}
        return str(scope.get("type", "default")), params.get("language_code") or None

    async def _m_setmycommands(self, params: dict[str, Any], files: Any) -> bool:
        commands = params.get("commands") or []
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")) or not (
                1 <= len(command.get("description", "")) <= 256
            ):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands[self._command_key(params)] = commands
        return True

    async def _m_getmycommands(self, params: dict[str, Any], files: Any) -> list[dict[str, str]]:
        return self.commands.get(self._command_key(params), [])

    async def _m_deletemycommands(self, params: dict[str, Any], files: Any) -> bool:
        self.commands.pop(self._command_key(params), None)
        return True

    async def _m_setchatmenubutton(self, params: dict[str, Any], files: Any) -> bool:
        return True

    async def _m_getchat(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return self._chat_object(self._chat(params))

    async def _m_close(self, params: dict[str, Any], files: Any) -> bool:
        return True

    async def _m_logout(self, params: dict[str, Any], files: Any) -> bool:
        return True

    async def _m_sendmessage(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat_id = self._chat(params)
        fields = self._text_fields(params, "text", 4096, required=True)
        markup = self._markup(params)
        if markup is not None:
            fields["reply_markup"] = markup
        return self._new_message(chat_id, fields, "sendMessage")

    async def _send_media(
        self, kind: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
    ) -> dict[str, Any]:
        chat_id = self._chat(params)
        fields = self._text_fields(params, "caption", 1024, required=False)
        markup = self._markup(params)
        fields[kind] = self._media_object(kind, params.get(kind), files)
        if markup is not None:
            fields["reply_markup"] = markup
        return self._new_message(chat_id, fields, f"send{kind.title()}")

    async def _m_sendphoto(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return await self._send_media("photo", params, files)

    async def _m_sendanimation(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return await self._send_media("animation", params, files)

    async def _m_senddocument(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return await self._send_media("document", params, files)

    async def _m_sendvideo(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return await self._send_media("video", params, files)

    async def _m_sendmediagroup(self, params: dict[str, Any], files: Any) -> list[dict[str, Any]]:
        chat_id = self._chat(params)
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: wrong number of media in the group")
        sent = []
        for item in media:
            kind = item.get("type", "photo")
            fields = self._text_fields(
                {**item, "parse_mode": item.get("parse_mode", "")}, "caption", 1024, required=False
            )
            fields[kind] = self._media_object(kind, item.get("media"), files)
            sent.append(self._new_message(chat_id, fields, "sendMediaGroup"))
        return sent

    async def _m_sendlocation(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat_id = self._chat(params)
        return self._new_message(
            chat_id,
            {
                "location": {
                    "latitude": float(params["latitude"]),
                    "longitude": float(params["longitude"]),
                }
            },
            "sendLocation",
        )

    async def _m_sendchataction(self, params: dict[str, Any], files: Any) -> bool:
        self._chat(params)
        return True

    def _edited(
        self,
        chat_id: int,
        message: dict[str, Any],
        fields: dict[str, Any],
        params: dict[str, Any],
        method: str,
        drop: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        markup = self._markup(params)
        updated = {
            k: v for k, v in message.items() if k not in ("reply_markup", "edit_date", *drop)
        }
        updated.update(fields)
        if markup is not None and markup.get("inline_keyboard"):
            updated["reply_markup"] = markup
        comparable = (
            "text",
            "caption",
            "entities",
            "caption_entities",
            "reply_markup",
            *MEDIA_KINDS,
        )
        if all(updated.get(k) == message.get(k) for k in comparable):
            raise ApiError(400, NOT_MODIFIED)
        updated["edit_date"] = int(time.time())
        self._messages[chat_id][message["message_id"]] = updated
        self._record("edit", chat_id, method, updated)
        return updated

    async def _m_editmessagetext(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat_id, message = self._find(params)
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        fields = self._text_fields(params, "text", 4096, required=True)
        return self._edited(
            chat_id, message, fields, params, "editMessageText", ("text", "entities")
        )

    async def _m_editmessagecaption(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat_id, message = self._find(params)
        fields = self._text_fields(params, "caption", 1024, required=False)
        return self._edited(
            chat_id, message, fields, params, "editMessageCaption", ("caption", "caption_entities")
        )

    async def _m_editmessagereplymarkup(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat_id, message = self._find(params)
        return self._edited(chat_id, message, {}, params, "editMessageReplyMarkup")

    async def _m_editmessagemedia(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat_id, message = self._find(params)
        media = params.get("media")
        if not isinstance(media, dict) or media.get("type") not in MEDIA_KINDS:
            raise ApiError(400, "Bad Request: can't parse InputMedia JSON object")
        kind = media["type"]
        fields: dict[str, Any] = {kind: self._media_object(kind, media.get("media"), files)}
        fields.update(
            self._text_fields(
                {**media, "parse_mode": media.get("parse_mode", "")},
                "caption",
                1024,
                required=False,
            )
        )
        return self._edited(
            chat_id,
            message,
            fields,
            params,
            "editMessageMedia",
            (*MEDIA_KINDS, "caption", "caption_entities"),
        )

    async def _m_deletemessage(self, params: dict[str, Any], files: Any) -> bool:
        chat_id, message = self._find(params, "delete")
        del self._messages[chat_id][message["message_id"]]
        self._record("delete", chat_id, "deleteMessage", None, message["message_id"])
        return True

    async def _m_answercallbackquery(self, params: dict[str, Any], files: Any) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        state = self._callbacks.get(query_id)
        if state is None or state["answered"]:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        state["answered"], state["text"] = True, params.get("text")
        state["event"].set()
        self._record(
            "answer", state["user_id"], "answerCallbackQuery", None, answer=params.get("text")
        )
        return True

    async def _m_getfile(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        stored = self._files.get(str(params.get("file_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": stored.size,
            "file_path": stored.path.name,
        }


def _error(error: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    return web.json_response(body, status=error.code)


def _coerce(name: str, value: str) -> Any:
    if name in INT_PARAMS:
        try:
            return int(value)
        except ValueError:
            return value
    if name in BOOL_PARAMS:
        return value.lower() in ("true", "1")
    if name in JSON_PARAMS or (value[:1] in "[{" and name not in ("text", "caption")):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if name in ("latitude", "longitude"):
        return float(value)
    return value


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    params: dict[str, Any] = dict(request.query)
    files: dict[str, tuple[str, bytes]] = {}
    if request.content_type == "application/json":
        params.update(await request.json())
        return params, files
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if part.filename is not None:  # type: ignore[union-attr]
                files[part.name or ""] = (part.filename, await part.read())  # type: ignore[union-attr]
            else:
                params[part.name or ""] = await part.text()  # type: ignore[union-attr]
    elif request.can_read_body:
        params.update(await request.post())
    return {k: _coerce(k, v) if isinstance(v, str) else v for k, v in params.items()}, files
