"""Checks Telegram makes on what a message will hold: text, formatting, keyboards."""

from __future__ import annotations

from typing import Any

from emulator.markdown import parse_markdown_v2
from emulator.markup import Parsed, ParseError, parse_html
from emulator.wire import bad_request

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
BAD_MARKUP = "can't parse reply keyboard markup JSON object"
INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
MARKUP_KINDS = ("inline_keyboard", "keyboard", "remove_keyboard", "force_reply")


def formatted(source: str, parse_mode: str, entities: Any) -> Parsed:
    """The text and entities of a text or caption in the given parse mode."""
    mode = parse_mode.strip().lower()
    try:
        if mode == "html":
            return parse_html(source)
        if mode == "markdownv2":
            return parse_markdown_v2(source)
    except ParseError as error:
        raise bad_request(f"can't parse entities: {error}") from None
    if mode:
        raise bad_request("unsupported parse_mode")
    if entities is None:
        return Parsed(source)
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise bad_request("can't parse entities JSON object")
    return Parsed(source, entities)


def text_fields(params: dict[str, Any], *, caption: bool, required: bool) -> dict[str, Any]:
    """The message fields for a text (sendMessage, editMessageText) or a media caption."""
    key, entities_key = ("caption", "caption_entities") if caption else ("text", "entities")
    source = params.get(key)
    if source is None or source == "":
        if required:
            raise bad_request("message text is empty")
        return {}
    parsed = formatted(str(source), str(params.get("parse_mode") or ""), params.get(entities_key))
    if not parsed.text.strip():
        if required:
            raise bad_request("message text is empty")
        return {}
    limit = CAPTION_LIMIT if caption else TEXT_LIMIT
    if len(parsed.text) > limit:
        raise bad_request("message caption is too long" if caption else "message is too long")
    fields: dict[str, Any] = {key: parsed.text}
    if parsed.entities:
        fields[entities_key] = parsed.entities
    return fields


def reply_markup(params: dict[str, Any]) -> dict[str, Any] | None:
    """The reply_markup as sent, after Telegram's checks (None when there is none)."""
    markup = params.get("reply_markup")
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict) or sum(kind in markup for kind in MARKUP_KINDS) != 1:
        raise bad_request(BAD_MARKUP)
    if "inline_keyboard" in markup:
        for button in _buttons(markup["inline_keyboard"]):
            _check_inline_button(button)
    elif "keyboard" in markup:
        for button in _buttons(markup["keyboard"]):
            if isinstance(button, dict):
                button = button.get("text")
            if not isinstance(button, str):
                raise bad_request(BAD_MARKUP)
    return markup


def _buttons(rows: Any) -> list[Any]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(BAD_MARKUP)
    return [button for row in rows for button in row]


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(BAD_MARKUP)
    if not any(action in button for action in INLINE_ACTIONS):
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
            raise bad_request("BUTTON_DATA_INVALID")
