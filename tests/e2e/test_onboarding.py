"""Onboarding, help, privacy and bad input, end to end through the local Bot API emulator."""

from __future__ import annotations

import asyncio
import json

from emulator.render import plain
from handlers.menu import COMMANDS


async def test_start_consent_and_next_steps(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user("en", "Ann")
    await user.send("/start")
    welcome = await user.next_message()
    body = plain(welcome)
    assert "Hello, Ann!" in body and "do not replace a doctor" in body
    assert user.buttons(welcome["message_id"]) == ["I agree", "Not now", "Language: English"]
    await user.press("I agree")
    reply = await user.next_message()
    assert "Your ratings will be stored" in plain(reply) and "/routine" in plain(reply)
    await user.send("/privacy")
    assert "Consent for health data: given" in plain(await user.next_message())


async def test_declining_consent_is_respected(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await user.send("/start")
    await user.next_message()
    await user.press("Not now")
    assert "won't keep pain ratings" in plain(await user.next_message())
    await user.send("/privacy")
    assert "not given" in plain(await user.next_message())


async def test_language_from_telegram_and_switch(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user("ru", "Оля")
    await user.send("/start")
    welcome = await user.next_message()
    assert "Здравствуйте, Оля!" in plain(welcome)
    await user.press("Язык: Русский")
    await user.next_message()
    await user.press("English")
    await user.wait_text("I will speak English")
    await user.send("/help")
    assert "What I can do" in plain(await user.next_message())


async def test_help_lists_every_command_and_menu_is_set(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await user.send("/help")
    body = plain(await user.next_message())
    for name in COMMANDS:
        assert f"/{name} — " in body
    menus = emulator.commands
    english = [c["command"] for c in menus[("default", None)]]
    russian = [c["command"] for c in menus[("default", "ru")]]
    assert english == russian == COMMANDS


async def test_privacy_export_and_delete(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await user.send("/start")
    await user.next_message()
    await user.press("I agree")
    await user.next_message()
    await user.send("/privacy")
    privacy = plain(await user.next_message())
    assert "/export" in privacy and "/delete" in privacy and "How long" in privacy
    await user.send("/export")
    summary = plain(await user.next_message())
    assert "What I store about you" in summary and "Consent for health data: given" in summary
    data = json.loads(user.download(await user.next_message()).decode())
    assert data["person"]["telegram_user_id"] == user.user_id
    assert data["person"]["health_data_consent_since"] is not None
    await user.send("/delete")
    await user.next_message()
    await user.press("Yes, delete everything")
    await user.wait_text("All your data is deleted")
    await user.send("/export")
    assert "I store nothing about you." in plain(await user.next_message())
    after = json.loads(user.download(await user.next_message()).decode())
    assert after["person"] is None and after["sessions"] == [] and after["reminders"] == []


async def test_bad_input_gets_kind_replies(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await user.send("/frobnicate now")
    assert "I don't know /frobnicate" in plain(await user.next_message())
    await user.send("hello there")
    assert "/routine" in plain(await user.next_message())
    await user.send_sticker()
    assert "only read text and buttons" in plain(await user.next_message())
    await user.send("/start")
    welcome = await user.next_message()
    callback = await user.press_data(welcome["message_id"], "v0.cs:yes")
    assert await user.answer_for(callback) == "This button is no longer active."
    callback = await user.press_data(welcome["message_id"], "v1.cs:maybe")
    assert await user.answer_for(callback) is not None
    await user.expect_silence(0.3)


async def test_errors_apologise_and_are_logged(app, make_user, caplog) -> None:  # type: ignore[no-untyped-def]
    from telegram.ext import CommandHandler

    async def explode(update, context) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    app.add_handler(CommandHandler("explode", explode), group=-1)
    user = make_user()
    await user.send("/explode")
    assert "something went wrong on my side" in plain(await user.next_message())
    assert any(
        "boom" in (r.exc_text or "") or (r.exc_info and "boom" in str(r.exc_info[1]))
        for r in caplog.records
    )


async def test_text_buttons_forged_onto_a_picture_get_a_toast(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    """Found by tests/fuzz: a payload whose handler rewrites its message's text, pressed on a
    picture (the exercise card), had the bot ask Telegram to edit text that is not there."""
    user = make_user()
    await user.send("/remind")
    ask = await user.next_message()
    await user.press("07:30", message_id=ask["message_id"])
    await user.next_message()  # "On which days?": the flow waits for a day button
    await user.send("/exercises")
    card = await user.wait_for(lambda e: e.kind == "send" and "photo" in (e.message or {}))
    assert card.message_id is not None
    for data in (
        "v1.lg:ru",
        "v1.dl:no",
        "v1.pf:0:s:5",
        "v1.rm:d:pick",
        "v1.rl:all:pause_all",
        "v1.ci:quick:3",
        "v1.ws:p:a:n",
        "v1.fl:h:quick:b",
    ):
        query = await user.press_data(card.message_id, data)
        assert await user.answer_for(query) == "This button is no longer active.", data
    await asyncio.sleep(0.2)
    assert [e for e in user.events if e.kind == "edit" and e.message_id == card.message_id] == []
    assert not emulator.stats.errors
