"""An unmodified python-telegram-bot Bot talks to the emulator as to Telegram."""

from __future__ import annotations

import asyncio
import io

import pytest
from PIL import Image
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from telegram.constants import ParseMode
from telegram.error import BadRequest

from emulator import BotApiEmulator


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "orange").save(buffer, "PNG")
    return buffer.getvalue()


async def test_get_me_names_the_configured_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.first_name, me.is_bot) == (
        7000000001,
        "backcare_test_bot",
        "Backcare",
        True,
    )


async def test_send_message_parses_html_and_numbers_messages_per_chat(
    bot: Bot, emu: BotApiEmulator
) -> None:
    ann, bob = emu.add_user(1001, "Ann"), emu.add_user(1002, "Bob")
    first = await bot.send_message(ann.user_id, "<b>Hi</b> there 👋 <i>Ann</i>", parse_mode="HTML")
    second = await bot.send_message(ann.user_id, "again")
    other = await bot.send_message(bob.user_id, "hello Bob")
    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert first.text == "Hi there 👋 Ann"
    assert [(e.type, e.offset, e.length) for e in first.entities] == [
        ("bold", 0, 2),
        ("italic", 12, 3),  # the emoji counts as two UTF-16 units, as in Telegram
    ]
    assert first.chat.id == ann.user_id and first.chat.type == "private"
    assert first.from_user is not None and first.from_user.id == 7000000001
    assert ann.messages[1]["text"] == "Hi there 👋 Ann"
    assert emu.stats.by_method["sendMessage"] == 3
    assert [(e.kind, e.chat_id, e.message_id) for e in emu.events] == [
        ("send", 1001, 1),
        ("send", 1001, 2),
        ("send", 1002, 1),
    ]
    assert emu.events[0].monotonic <= emu.events[1].monotonic


async def test_photo_uploaded_once_then_resent_by_file_id(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    first = await bot.send_photo(
        user.user_id, png(40, 30), caption="<i>Cat</i> pose", parse_mode="HTML"
    )
    size = first.photo[-1]
    assert (size.width, size.height) == (40, 30)
    assert first.caption == "Cat pose" and first.caption_entities[0].type == "italic"
    again = await bot.send_photo(user.user_id, size.file_id)
    assert again.photo[-1].file_id == size.file_id
    assert again.photo[-1].file_unique_id == size.file_unique_id
    assert (emu.stats.uploads, emu.stats.file_id_reuses) == (1, 1)
    telegram_file = await bot.get_file(size.file_id)
    assert bytes(await telegram_file.download_as_bytearray()) == png(40, 30)
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_photo(user.user_id, "AgACnot-a-known-file-id")


async def test_other_media_kinds_and_albums(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    document = await bot.send_document(user.user_id, b'{"a": 1}', filename="export.json")
    assert document.document.file_name == "export.json"
    assert user.download(user.messages[document.message_id]) == b'{"a": 1}'
    animation = await bot.send_animation(user.user_id, png(16, 16), filename="move.gif")
    assert animation.animation.width == 16
    album = await bot.send_media_group(
        user.user_id, [InputMediaPhoto(png(8, 8)), InputMediaPhoto(png(9, 9), caption="two")]
    )
    assert [m.photo[-1].width for m in album] == [8, 9]
    assert album[0].media_group_id == album[1].media_group_id is not None
    location = await bot.send_location(user.user_id, 52.52, 13.405)
    assert location.location.latitude == pytest.approx(52.52)
    assert emu.stats.uploads == 4


async def test_edit_and_not_modified(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Stop", callback_data="stop")]])
    sent = await bot.send_message(user.user_id, "breath 1", reply_markup=keyboard)
    edited = await bot.edit_message_text(
        "breath 2", user.user_id, sent.message_id, reply_markup=keyboard
    )
    assert edited.text == "breath 2" and user.messages[sent.message_id]["text"] == "breath 2"
    assert user.messages[sent.message_id]["edit_date"] > 0
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "breath 2", user.user_id, sent.message_id, reply_markup=keyboard
        )
    # Telegram drops the keyboard of an edit that does not repeat it: that is a modification.
    await bot.edit_message_text("breath 2", user.user_id, sent.message_id)
    assert user.buttons(sent.message_id) == []
    await bot.edit_message_reply_markup(user.user_id, sent.message_id, reply_markup=keyboard)
    assert user.buttons(sent.message_id) == ["Stop"]
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", user.user_id, 99)
    photo = await bot.send_photo(user.user_id, png(4, 4), caption="old")
    await bot.edit_message_caption(user.user_id, photo.message_id, caption="new")
    await bot.edit_message_media(InputMediaPhoto(png(5, 5)), user.user_id, photo.message_id)
    assert user.messages[photo.message_id]["photo"][0]["width"] == 5
    assert [e.kind for e in emu.events] == ["send", "edit", "edit", "edit", "send", "edit", "edit"]


async def test_delete_and_delete_again(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    sent = await bot.send_message(user.user_id, "temporary")
    assert await bot.delete_message(user.user_id, sent.message_id) is True
    assert sent.message_id not in user.messages
    assert emu.events[-1].kind == "delete" and emu.events[-1].message_id == sent.message_id
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(user.user_id, sent.message_id)


async def test_callback_query_answered_once(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="v1.yes")]])
    await bot.send_message(user.user_id, "Ready?", reply_markup=keyboard)
    query_id = await user.press("Yes")
    [update] = await bot.get_updates(timeout=1)
    assert update.callback_query is not None
    assert (update.callback_query.id, update.callback_query.data) == (query_id, "v1.yes")
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == 1
    assert await update.callback_query.answer("Saved") is True
    assert await user.answer_for(query_id, timeout=1) == "Saved"
    assert user.answers == ["Saved"]
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)


async def test_long_polling_waits_for_a_user_update_and_offset_confirms(
    bot: Bot, emu: BotApiEmulator
) -> None:
    user = emu.add_user(1001, "Ann", "de")
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()  # really waiting on the server
    await user.send("/start@backcare_test_bot hello")
    [update] = await asyncio.wait_for(poll, 2)
    message = update.message
    assert message is not None and message.text == "/start@backcare_test_bot hello"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bot_command", 0, 24)]
    assert message.from_user is not None and message.from_user.language_code == "de"
    assert await bot.get_updates(timeout=0) != []  # not confirmed yet: delivered again
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert emu.updates == []


async def test_commands_recorded_per_scope_and_language(bot: Bot, emu: BotApiEmulator) -> None:
    await bot.set_my_commands([("start", "Begin"), ("help", "Help")])
    await bot.set_my_commands([("start", "Начать")], language_code="ru")
    assert [c["command"] for c in emu.commands[("default", None)]] == ["start", "help"]
    assert [c.description for c in await bot.get_my_commands(language_code="ru")] == ["Начать"]
    await bot.delete_my_commands(language_code="ru")
    assert ("default", "ru") not in emu.commands
    await bot.set_webhook("https://example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    await bot.delete_webhook()
    assert emu.webhook["url"] == ""
    chat = await bot.get_chat(emu.add_user(1001, "Ann").user_id)
    assert (chat.id, chat.first_name) == (1001, "Ann")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "nobody")


async def test_parse_mode_default_and_markdown_v2(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    sent = await bot.send_message(
        user.user_id, r"*Bold* and _it_ 1\.5", parse_mode=ParseMode.MARKDOWN_V2
    )
    assert sent.text == "Bold and it 1.5"
    assert [e.type for e in sent.entities] == ["bold", "italic"]
    with pytest.raises(BadRequest, match="reserved"):
        await bot.send_message(user.user_id, "1.5", parse_mode=ParseMode.MARKDOWN_V2)
