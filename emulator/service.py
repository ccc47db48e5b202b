"""Bot API methods that are not messages: identity, updates, webhook, commands, files, queries."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from emulator.files import WRONG_FILE
from emulator.wire import ApiError, Call, bad_request

if TYPE_CHECKING:
    from emulator.server import BotApiEmulator

COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
UPDATE_KINDS_BY_DEFAULT_EXCLUDED = {"chat_member", "message_reaction", "message_reaction_count"}


async def get_me(emu: BotApiEmulator, call: Call) -> dict[str, Any]:
    return emu.bot


def _allowed(emu: BotApiEmulator, update: dict[str, Any]) -> bool:
    kind = next(key for key in update if key != "update_id")
    if emu.allowed_updates:
        return kind in emu.allowed_updates
    return kind not in UPDATE_KINDS_BY_DEFAULT_EXCLUDED


async def get_updates(emu: BotApiEmulator, call: Call) -> list[dict[str, Any]]:
    """Long polling: offset confirms earlier updates; timeout waits for a new one."""
    if emu.webhook["url"]:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    offset = call.integer("offset")
    if offset > 0:
        emu.updates = [update for update in emu.updates if update["update_id"] >= offset]
    elif offset < 0:
        emu.updates = emu.updates[offset:]
    allowed = call.params.get("allowed_updates")
    if isinstance(allowed, list):
        emu.allowed_updates = [str(kind) for kind in allowed]
    limit = min(max(call.integer("limit", 100), 1), 100)
    timeout = max(call.number("timeout"), 0.0)
    # A newer getUpdates ends an older one with 409, as Telegram does.
    emu.poll_generation += 1
    generation = emu.poll_generation
    emu.update_arrived.set()  # wakes an older poll, which sees it is superseded
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        emu.updates = [update for update in emu.updates if _allowed(emu, update)]
        remaining = deadline - loop.time()
        if emu.updates or remaining <= 0 or emu.closing:
            return emu.updates[:limit]
        emu.update_arrived.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(emu.update_arrived.wait(), remaining)
        if generation != emu.poll_generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; make sure that only one "
                "bot instance is running",
            )


async def set_webhook(emu: BotApiEmulator, call: Call) -> bool:
    url = call.text("url")
    if url and not url.startswith("https://"):
        raise bad_request("bad webhook: HTTPS url must be provided for webhook")
    emu.webhook = {"url": url, **{k: v for k, v in call.params.items() if k != "url"}}
    if call.params.get("drop_pending_updates"):
        emu.updates.clear()
    emu.update_arrived.set()  # a waiting getUpdates must end now
    return True


async def delete_webhook(emu: BotApiEmulator, call: Call) -> bool:
    emu.webhook = {"url": ""}
    if call.params.get("drop_pending_updates"):
        emu.updates.clear()
    return True


async def get_webhook_info(emu: BotApiEmulator, call: Call) -> dict[str, Any]:
    return {
        "url": emu.webhook["url"],
        "has_custom_certificate": False,
        "pending_update_count": len(emu.updates),
    }


def _commands_key(call: Call) -> tuple[str, str | None]:
    scope = call.params.get("scope") or {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    key = str(scope["type"])
    for part in ("chat_id", "user_id"):
        if part in scope:
            key += f":{scope[part]}"
    return key, call.text("language_code") or None


async def set_my_commands(emu: BotApiEmulator, call: Call) -> bool:
    commands = call.params.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse commands JSON object")
        if not COMMAND_NAME.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("command description must be non-empty")
    emu.commands[_commands_key(call)] = commands
    return True


async def get_my_commands(emu: BotApiEmulator, call: Call) -> list[dict[str, Any]]:
    return emu.commands.get(_commands_key(call), [])


async def delete_my_commands(emu: BotApiEmulator, call: Call) -> bool:
    emu.commands.pop(_commands_key(call), None)
    return True


async def set_chat_menu_button(emu: BotApiEmulator, call: Call) -> bool:
    chat_id = call.params.get("chat_id")
    button = call.params.get("menu_button") or {"type": "default"}
    emu.menu_buttons[chat_id if isinstance(chat_id, int) else None] = button
    return True


async def get_chat_menu_button(emu: BotApiEmulator, call: Call) -> dict[str, Any]:
    chat_id = call.params.get("chat_id")
    key = chat_id if isinstance(chat_id, int) else None
    return emu.menu_buttons.get(key) or emu.menu_buttons.get(None) or {"type": "commands"}


async def get_chat(emu: BotApiEmulator, call: Call) -> dict[str, Any]:
    chat = emu.chat_for_send(call)
    return {
        **chat.info,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


async def answer_callback_query(emu: BotApiEmulator, call: Call) -> bool:
    pending = emu.callbacks.get(call.text("callback_query_id"))
    if pending is None or pending.answered:
        raise bad_request(QUERY_TOO_OLD)
    text = call.params.get("text")
    if text is not None and len(str(text)) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    pending.answered = True
    pending.text = str(text) if text else None
    pending.show_alert = bool(call.params.get("show_alert"))
    pending.done.set()
    emu.record("answer", pending.user_id, "answerCallbackQuery", None, answer=pending.text)
    return True


async def get_file(emu: BotApiEmulator, call: Call) -> dict[str, Any]:
    stored = emu.files.get(call.text("file_id"))
    if stored is None:
        raise bad_request(WRONG_FILE)
    return emu.files.file_object(stored)


async def close(emu: BotApiEmulator, call: Call) -> bool:
    return True


async def log_out(emu: BotApiEmulator, call: Call) -> bool:
    return True


METHODS: dict[str, Callable[[BotApiEmulator, Call], Awaitable[Any]]] = {
    "getme": get_me,
    "getupdates": get_updates,
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "setchatmenubutton": set_chat_menu_button,
    "getchatmenubutton": get_chat_menu_button,
    "getchat": get_chat,
    "answercallbackquery": answer_callback_query,
    "getfile": get_file,
    "close": close,
    "logout": log_out,
}
