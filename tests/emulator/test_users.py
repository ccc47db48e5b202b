"""Simulated users: what they send, how they press buttons, how they wait for the bot."""

from __future__ import annotations

import asyncio

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from emulator import BotApiEmulator
from emulator.users import SimulatedChannel, SimulatedGroup


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"cb:{label}") for label in labels]]
    )


async def test_next_message_reads_events_in_order_without_missing_any(
    bot: Bot, emu: BotApiEmulator
) -> None:
    user = emu.add_user(1001)
    first = await bot.send_message(user.user_id, "one")
    await bot.edit_message_text("one, edited", user.user_id, first.message_id)
    await bot.send_message(user.user_id, "two")
    assert (await user.next_message())["text"] == "one"
    assert (await user.next_message(kind="edit"))["text"] == "one, edited"
    assert (await user.next_message())["text"] == "two"
    later = asyncio.create_task(user.next_message(timeout=2))
    await asyncio.sleep(0)
    await bot.send_message(user.user_id, "three")
    assert (await later)["text"] == "three"
    with pytest.raises(AssertionError, match="no matching bot event"):
        await user.next_message(timeout=0.05)
    assert user.last_message() is not None and user.last_message()["text"] == "three"


async def test_wait_for_and_wait_text(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    await bot.send_message(user.user_id, "<b>Paused.</b>", parse_mode="HTML")
    event = await user.wait_text("Paused")
    assert event.kind == "send" and event.method == "sendMessage" and event.wall > 0
    await bot.send_message(user.user_id, "x")
    other = await user.wait_for(lambda e: e.message is not None and e.message["text"] == "x")
    assert other.message_id == 2


async def test_press_by_label_exact_then_substring_on_newest_message(
    bot: Bot, emu: BotApiEmulator
) -> None:
    user = emu.add_user(1001)
    await bot.send_message(user.user_id, "old", reply_markup=keyboard("Yes", "No"))
    await bot.send_message(user.user_id, "new", reply_markup=keyboard("Yes please", "Yes"))
    assert user.buttons() == ["Yes please", "Yes"]
    assert user.buttons(1) == ["Yes", "No"]
    await user.press("Yes")
    await user.press("PLEASE")
    await user.press("No")  # only on the older message
    await user.press("Yes", message_id=1)
    updates = await bot.get_updates()
    pressed = [(u.callback_query.message.message_id, u.callback_query.data) for u in updates]
    assert pressed == [(2, "cb:Yes"), (2, "cb:Yes please"), (1, "cb:No"), (1, "cb:Yes")]
    with pytest.raises(AssertionError, match=r"no button 'Maybe'.*'Yes please'"):
        await user.press("Maybe", timeout=0)


async def test_press_waits_for_buttons_sent_right_after(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    pressing = asyncio.create_task(user.press("Go", timeout=2))
    await asyncio.sleep(0.01)
    await bot.send_message(user.user_id, "buttons", reply_markup=keyboard("Go"))
    query_id = await pressing
    [update] = await bot.get_updates()
    assert update.callback_query is not None and update.callback_query.id == query_id


async def test_forged_press_on_a_deleted_message(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    await user.press_data(77, "v0.forged")
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.data == "v0.forged"
    assert query.message is not None and not query.message.is_accessible


async def test_reply_keyboard_location_and_removal(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    markup = ReplyKeyboardMarkup(
        [[KeyboardButton("📍 Share", request_location=True), KeyboardButton("Skip")]]
    )
    sent = await bot.send_message(user.user_id, "Where are you?", reply_markup=markup)
    assert sent.reply_markup is None  # Telegram's Message never carries a reply keyboard
    assert user.reply_keyboard == ["📍 Share", "Skip"]
    await user.tap_reply_button("📍 Share")
    await user.tap_reply_button("Skip")
    located, skipped = await bot.get_updates()
    assert located.message is not None and located.message.location is not None
    assert located.message.location.latitude == pytest.approx(52.52)
    assert skipped.message is not None and skipped.message.text == "Skip"
    await bot.send_message(user.user_id, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert user.reply_keyboard == []
    with pytest.raises(AssertionError, match="no reply keyboard"):
        await user.tap_reply_button("Skip")


async def test_user_sends_location_sticker_photo(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001, "Ann", None)
    await user.share_location(48.1, 11.6)
    await user.send_sticker()
    await user.send_photo()
    await user.send("plain /notacommand")
    location, sticker, photo, text = await bot.get_updates()
    assert location.message is not None and location.message.location is not None
    assert sticker.message is not None and sticker.message.sticker is not None
    assert photo.message is not None and photo.message.photo[-1].width == 8
    assert text.message is not None and text.message.entities == ()
    assert text.message.from_user is not None and text.message.from_user.language_code is None
    assert emu.stats.uploads == 0  # the user's photo is not a bot upload
    assert [m["message_id"] for m in user.messages.values()] == [1, 2, 3, 4]


async def test_expect_silence_and_answers(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.add_user(1001)
    await user.expect_silence(0.05)
    await bot.send_message(user.user_id, "tick")
    user.skip_all()
    noisy = asyncio.create_task(user.expect_silence(0.2))
    await asyncio.sleep(0.05)
    await bot.send_message(user.user_id, "unexpected")
    with pytest.raises(AssertionError, match="unexpected"):
        await noisy
    await bot.send_message(user.user_id, "q", reply_markup=keyboard("A"))
    query_id = await user.press("A")
    answering = asyncio.create_task(user.answer_for(query_id, timeout=2))
    await bot.answer_callback_query(query_id)
    assert await answering is None
    assert user.answers == [None]


async def test_a_group_with_several_members(bot: Bot, emu: BotApiEmulator) -> None:
    ann, bob, eve = emu.add_user(1001, "Ann"), emu.add_user(1002, "Bob"), emu.add_user(1003, "Eve")
    group = SimulatedGroup(emu, [ann, bob], "Back club")
    club = SimulatedGroup(emu, [ann], "Yoga", supergroup=True)
    assert group.chat_id < 0 and str(club.chat_id).startswith("-100")
    await group.send(ann, "/export@backcare_test_bot now")
    await group.send(bob, "hi @backcare_test_bot and @someone_else")
    with pytest.raises(AssertionError, match="not a member"):
        await group.send(eve, "let me in")
    first, second = await bot.get_updates()
    assert first.message is not None and first.message.chat.type == "group"
    assert first.message.chat.title == "Back club" and first.message.from_user.first_name == "Ann"
    assert first.message.parse_entities(["bot_command"]).popitem()[1] == "/export@backcare_test_bot"
    assert second.message is not None
    assert list(second.message.parse_entities(["mention"]).values()) == [
        "@backcare_test_bot",
        "@someone_else",
    ]
    # What the bot posts there is seen by the group, not by a member's private chat.
    await bot.send_message(group.chat_id, "hello all", reply_markup=keyboard("Go"))
    assert (await group.next_message())["text"] == "hello all"
    assert ann.events == [] and club.events == []
    query_id = await group.press(bob, "Go")
    [press] = await bot.get_updates(offset=second.update_id + 1)
    query = press.callback_query
    assert query is not None and query.from_user.id == 1002 and query.data == "cb:Go"
    assert query.message is not None and query.message.chat.id == group.chat_id
    await bot.answer_callback_query(query_id, "Only in private")
    assert await bob.answer_for(query_id) == "Only in private"
    assert bob.answers == ["Only in private"]
    await group.press_data(ann, 99, "v0.forged")  # a message that is gone
    [forged] = await bot.get_updates(offset=press.update_id + 1)
    assert forged.callback_query is not None and not forged.callback_query.message.is_accessible


async def test_edits_channel_posts_and_inline_queries(bot: Bot, emu: BotApiEmulator) -> None:
    ann, bob = emu.add_user(1001, "Ann"), emu.add_user(1002, "Bob")
    group = SimulatedGroup(emu, [ann, bob])
    channel = SimulatedChannel(emu, "Back news")
    sent = await ann.send("/remind 7:30")
    edited = await ann.edit(sent, "/remind 8:30")
    in_group = await group.send(bob, "hello")
    with pytest.raises(AssertionError, match="did not send"):
        await group.edit(ann, in_group, "forged")
    await group.edit(bob, in_group, "hello again")
    post = await channel.post("News")
    await channel.edit(post, "News, corrected")
    inline_id = await ann.ask_inline("cat stretch")
    updates = await bot.get_updates()
    assert [type_of(u) for u in updates] == [
        "message",
        "edited_message",
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "inline_query",
    ]
    first_edit = updates[1].edited_message
    assert first_edit is not None and first_edit.message_id == sent["message_id"]
    assert first_edit.text == "/remind 8:30" and first_edit.edit_date is not None
    assert first_edit.parse_entities(["bot_command"]).popitem()[1] == "/remind"
    assert ann.messages[sent["message_id"]] is edited  # the chat shows the edited text
    assert updates[3].edited_message is not None and updates[3].edited_message.text == "hello again"
    channel_post = updates[4].channel_post
    assert channel_post is not None and channel_post.chat.type == "channel"
    assert channel_post.from_user is None and channel_post.sender_chat.id == channel.chat_id
    assert updates[6].inline_query is not None and updates[6].inline_query.id == inline_id
    assert updates[6].inline_query.query == "cat stretch"
    # What the bot says in a channel is seen there.
    await bot.send_message(channel.chat_id, "reply")
    assert (await channel.next_message())["text"] == "reply"
    assert channel.bot_messages()[0]["text"] == "reply"


async def test_get_updates_honours_allowed_updates(bot: Bot, emu: BotApiEmulator) -> None:
    ann = emu.add_user(1001, "Ann")
    channel = SimulatedChannel(emu)
    sent = await ann.send("one")
    await ann.edit(sent, "one, edited")
    await channel.post("news")
    await ann.ask_inline("x")
    await ann.send("two")
    updates = await bot.get_updates(allowed_updates=["message", "callback_query"])
    assert [u.message.text for u in updates if u.message] == ["one", "two"]
    assert [type_of(u) for u in updates] == ["message", "message"]


def type_of(update: Update) -> str:
    """The kind of an update, as allowed_updates names it."""
    return next(kind for kind in Update.ALL_TYPES if getattr(update, kind, None) is not None)
