"""The Bot API's wire format: reading PTB's requests into typed parameters, writing answers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

# PTB sends every non-string value JSON-encoded inside a form field, so the type of a field
# cannot be guessed from its text ("123" may be a text); it comes from this table instead.
INT_PARAMS = frozenset(
    {
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
        "max_connections",
        "from_chat_id",
        "live_period",
    }
)
FLOAT_PARAMS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
BOOL_PARAMS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "drop_pending_updates",
        "protect_content",
        "has_spoiler",
        "disable_web_page_preview",
        "supports_streaming",
        "disable_content_type_detection",
        "allow_sending_without_reply",
        "show_caption_above_media",
    }
)
JSON_PARAMS = frozenset(
    {
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
)

FAULT_PAGES = {
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}


class ApiError(Exception):
    """An error answer in Telegram's format: HTTP status == error_code."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass
class Call:
    """One Bot API call: the method as named in the URL, its parameters and uploaded files."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    def integer(self, name: str, default: int = 0) -> int:
        value = self.params.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str, default: float = 0.0) -> float:
        value = self.params.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def text(self, name: str, default: str = "") -> str:
        value = self.params.get(name)
        return default if value is None else str(value)


def coerce(name: str, value: str) -> Any:
    """A form field's text as the type the Bot API gives that parameter (bad values stay text)."""
    try:
        if name in INT_PARAMS:
            return int(value)
        if name in FLOAT_PARAMS:
            return float(value)
        if name in JSON_PARAMS:
            return json.loads(value)
    except ValueError:
        return value  # the method reports it in Telegram's words
    if name in BOOL_PARAMS:
        return value.strip().lower() in ("true", "1")
    return value


async def read_call(request: web.Request, method: str) -> Call:
    """Query string, then a JSON, urlencoded or multipart body (files kept apart)."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, tuple[str, bytes]] = {}
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON object")
        raw.update(body)
    elif request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue  # nested multiparts: PTB never sends them
            if part.filename is not None:
                files[part.name or ""] = (part.filename, bytes(await part.read()))
            else:
                raw[part.name or ""] = await part.text()
    elif request.can_read_body:
        raw.update(await request.post())
    params = {
        key: coerce(key, value) if isinstance(value, str) else value for key, value in raw.items()
    }
    return Call(method, params, files)


def ok_response(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def error_response(error: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    return web.json_response(body, status=error.code)


def fault_response(status: int, body: str | None = None) -> web.Response:
    """An injected server failure: nginx's HTML page for gateway errors, else Telegram's JSON.

    body: "html" or "json" forces the kind of page.
    """
    kind = body or ("html" if status in FAULT_PAGES else "json")
    if kind == "html":
        title = f"{status} {FAULT_PAGES.get(status, 'Internal Server Error')}"
        page = (
            f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
            f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
            "</body>\r\n</html>\r\n"
        )
        return web.Response(status=status, text=page, content_type="text/html")
    return error_response(ApiError(status, "Internal Server Error"))
