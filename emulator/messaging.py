"""Bot API methods that put messages in a chat, change them or delete them."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from emulator.files import AUDIO_META, image_size
from emulator.validation import reply_markup, text_fields
from emulator.wire import ApiError, Call, bad_request

if TYPE_CHECKING:
    from emulator.server import BotApiEmulator, Chat

MEDIA_KINDS = ("photo", "animation", "document", "video")
SOUND_KINDS = ("audio", "voice")  # sendAudio, sendVoice: captions edited, never in albums
CAPTIONED = (*MEDIA_KINDS, *SOUND_KINDS)
SHAREABLE = ("reply_markup", "entities", "caption_entities")
COMPARED_ON_EDIT = ("text", "entities", "caption", "caption_entities", "reply_markup", *CAPTIONED)
THUMBNAIL_LIMIT = 200 * 1024  # bytes; and at most 320 px a side
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}


def _reply_to(chat: Chat, call: Call) -> dict[str, Any]:
    """reply_to_message for reply_parameters (or the older reply_to_message_id)."""
    parameters = call.params.get("reply_parameters")
    target = parameters.get("message_id") if isinstance(parameters, dict) else None
    target = target or call.params.get("reply_to_message_id")
    if not target:
        return {}
    replied = chat.messages.get(int(target))
    if replied is None:
        allow = isinstance(parameters, dict) and parameters.get("allow_sending_without_reply")
        if allow or call.params.get("allow_sending_without_reply"):
            return {}
        raise bad_request("message to be replied not found")
    return {"reply_to_message": {k: v for k, v in replied.items() if k != "reply_to_message"}}


def _share_parts(emu: BotApiEmulator, message: dict[str, Any]) -> None:
    for key in SHAREABLE:
        if key in message:
            message[key] = emu.shared(message[key])


def _post(
    emu: BotApiEmulator,
    chat: Chat,
    fields: dict[str, Any],
    method: str,
    call: Call | None = None,
) -> dict[str, Any]:
    """Create a bot message in the chat (fields already validated) and record it (silent if
    the call asked for no notification).

    A reply keyboard (or its removal) changes the chat, not the message: Telegram's Message
    only ever carries an inline keyboard.
    """
    chat_id = chat.info["id"]
    message: dict[str, Any] = {
        "message_id": emu.new_message_id(chat_id),
        "from": emu.bot,
        "chat": chat.info,
        "date": int(time.time()),
        **fields,
    }
    _share_parts(emu, message)
    markup = message.get("reply_markup")
    if markup is not None and "inline_keyboard" not in markup:
        del message["reply_markup"]
        if "keyboard" in markup:
            chat.reply_keyboard, chat.reply_keyboard_message_id = markup, message["message_id"]
        elif markup.get("remove_keyboard"):
            chat.reply_keyboard, chat.reply_keyboard_message_id = None, None
    chat.messages[message["message_id"]] = message
    silent = call is not None and call.params.get("disable_notification") in (True, "true")
    emu.record("send", chat_id, method, message, silent=silent)
    return message


async def send_message(emu: BotApiEmulator, call: Call) -> dict[str, Any]:
    chat = emu.chat_for_send(call)
    fields = text_fields(call.params, caption=False, required=True)
    markup = reply_markup(call.params)
    if markup is not None:
        fields["reply_markup"] = markup
    if isinstance(call.params.get("link_preview_options"), dict):
        fields["link_preview_options"] = call.params["link_preview_options"]
    fields.update(_reply_to(chat, call))
    return _post(emu, chat, fields, "sendMessage", call)


def _media_sender(kind: str) -> Callable[[BotApiEmulator, Call], Awaitable[dict[str, Any]]]:
    method = f"send{kind.title()}"

    async def send_media(emu: BotApiEmulator, call: Call) -> dict[str, Any]:
        chat = emu.chat_for_send(call)
        fields = text_fields(call.params, caption=True, required=False)
        markup = reply_markup(call.params)
        upload_with = _sound_upload(emu, call) if kind in SOUND_KINDS else {}
        stored = emu.files.resolve(kind, call.params.get(kind), kind, call.files, **upload_with)
        fields[kind] = emu.files.describe(stored)
        if kind == "animation":
            # Telegram also fills `document` for animations (old clients read that).
            fields["document"] = fields[kind]
        if call.params.get("has_spoiler"):
            fields["has_media_spoiler"] = True
        if markup is not None:
            fields["reply_markup"] = markup
        fields.update(_reply_to(chat, call))
        return _post(emu, chat, fields, method, call)

    send_media.__name__ = f"send_{kind}"
    return send_media


def _sound_upload(emu: BotApiEmulator, call: Call) -> dict[str, Any]:
    """What an uploaded audio file or voice note keeps: its duration, title and performer as
    the call gives them, and its thumbnail (a JPEG of at most 200 kB and 320 px a side)."""
    meta = tuple(
        (key, int(value) if key == "duration" else str(value))
        for key in AUDIO_META
        if (value := call.params.get(key)) not in (None, "")
    )
    upload: dict[str, Any] = {"meta": meta}
    named = call.params.get("thumbnail")
    if isinstance(named, str) and named.startswith("attach://"):
        name = named.removeprefix("attach://")
    else:
        name = "thumbnail"
    if name in call.files:
        file_name, content = call.files[name]
        width, height = image_size(content)
        if len(content) > THUMBNAIL_LIMIT or not 0 < max(width, height) <= 320:
            raise bad_request("wrong thumbnail: a JPEG under 200 kB, at most 320 px a side")
        upload["thumbnail"] = emu.files.store("thumbnail", file_name, content)
    return upload


async def send_media_group(emu: BotApiEmulator, call: Call) -> list[dict[str, Any]]:
    chat = emu.chat_for_send(call)
    media = call.params.get("media")
    if not isinstance(media, list) or not all(isinstance(item, dict) for item in media):
        raise bad_request("can't parse InputMedia JSON object")
    if not 2 <= len(media) <= 10:
        raise bad_request("wrong number of media in the group")
    # Validate every item before sending any: Telegram sends all of the album or none.
    prepared = []
    for item in media:
        kind = item.get("type")
        if kind not in MEDIA_KINDS or kind == "animation":
            raise bad_request("can't parse InputMedia JSON object")
        prepared.append((kind, item, text_fields(item, caption=True, required=False)))
    group_id = emu.new_media_group_id()
    sent = []
    for kind, item, fields in prepared:
        stored = emu.files.resolve(kind, item.get("media"), "", call.files)
        fields = {"media_group_id": group_id, **fields, kind: emu.files.describe(stored)}
        sent.append(_post(emu, chat, fields, "sendMediaGroup"))
    return sent


async def send_location(emu: BotApiEmulator, call: Call) -> dict[str, Any]:
    chat = emu.chat_for_send(call)
    latitude, longitude = call.number("latitude", 999.0), call.number("longitude", 999.0)
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad_request("wrong latitude or longitude")
    fields: dict[str, Any] = {"location": {"latitude": latitude, "longitude": longitude}}
    markup = reply_markup(call.params)
    if markup is not None:
        fields["reply_markup"] = markup
    return _post(emu, chat, fields, "sendLocation")


async def send_chat_action(emu: BotApiEmulator, call: Call) -> bool:
    emu.chat_for_send(call)
    if call.text("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


def _editable(emu: BotApiEmulator, call: Call) -> tuple[Chat, dict[str, Any]]:
    if "inline_message_id" in call.params:
        raise bad_request("inline messages are not supported by the emulator")
    chat = emu.chat_for_send(call)
    message = chat.messages.get(call.integer("message_id"))
    if message is None:
        raise bad_request("message to edit not found")
    if message["from"]["id"] != emu.bot["id"]:
        raise bad_request("message can't be edited")
    return chat, message


def _replace(
    emu: BotApiEmulator,
    chat: Chat,
    message: dict[str, Any],
    changes: dict[str, Any],
    call: Call,
    dropped: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Store a new version of the message (an edit without reply_markup drops the keyboard)."""
    markup = reply_markup(call.params)
    updated = {
        key: value
        for key, value in message.items()
        if key not in ("reply_markup", "edit_date", *dropped)
    }
    updated.update(changes)
    if markup is not None:
        if "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        if markup["inline_keyboard"]:
            updated["reply_markup"] = markup
    if all(updated.get(key) == message.get(key) for key in COMPARED_ON_EDIT):
        raise bad_request(NOT_MODIFIED)
    updated["edit_date"] = int(time.time())
    _share_parts(emu, updated)
    chat.messages[message["message_id"]] = updated
    emu.record("edit", chat.info["id"], call.method, updated)
    return updated


async def edit_message_text(emu: BotApiEmulator, call: Call) -> dict[str, Any]:
    chat, message = _editable(emu, call)
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    changes = text_fields(call.params, caption=False, required=True)
    return _replace(emu, chat, message, changes, call, ("text", "entities"))


async def edit_message_caption(emu: BotApiEmulator, call: Call) -> dict[str, Any]:
    chat, message = _editable(emu, call)
    if not any(kind in message for kind in CAPTIONED):
        raise bad_request("there is no caption in the message to edit")
    changes = text_fields(call.params, caption=True, required=False)
    return _replace(emu, chat, message, changes, call, ("caption", "caption_entities"))


async def edit_message_reply_markup(emu: BotApiEmulator, call: Call) -> dict[str, Any]:
    chat, message = _editable(emu, call)
    return _replace(emu, chat, message, {}, call)


async def edit_message_media(emu: BotApiEmulator, call: Call) -> dict[str, Any]:
    chat, message = _editable(emu, call)
    if not any(kind in message for kind in MEDIA_KINDS):
        raise bad_request("there is no media in the message to edit")
    media = call.params.get("media")
    if not isinstance(media, dict) or media.get("type") not in MEDIA_KINDS:
        raise bad_request("can't parse InputMedia JSON object")
    kind = media["type"]
    changes = text_fields(media, caption=True, required=False)
    changes[kind] = emu.files.describe(emu.files.resolve(kind, media.get("media"), "", call.files))
    if kind == "animation":
        changes["document"] = changes[kind]
    dropped = (*MEDIA_KINDS, "caption", "caption_entities")
    return _replace(emu, chat, message, changes, call, dropped)


async def delete_message(emu: BotApiEmulator, call: Call) -> bool:
    try:
        chat = emu.chat_for_send(call)
    except ApiError as error:
        if error.code == 403:  # Telegram lets a bot clean up a chat that blocked it
            chat = emu.chats[call.params["chat_id"]]
        else:
            raise
    message_id = call.integer("message_id")
    if chat.messages.pop(message_id, None) is None:
        raise bad_request("message to delete not found")
    emu.record("delete", chat.info["id"], "deleteMessage", None, message_id)
    return True


METHODS: dict[str, Callable[[BotApiEmulator, Call], Awaitable[Any]]] = {
    "sendmessage": send_message,
    **{f"send{kind}": _media_sender(kind) for kind in CAPTIONED},
    "sendmediagroup": send_media_group,
    "sendlocation": send_location,
    "sendchataction": send_chat_action,
    "editmessagetext": edit_message_text,
    "editmessagecaption": edit_message_caption,
    "editmessagereplymarkup": edit_message_reply_markup,
    "editmessagemedia": edit_message_media,
    "deletemessage": delete_message,
}
