"""The exercise library end to end: browsing in both languages, pictures, file_id reuse."""

from __future__ import annotations

import asyncio

import pytest

from emulator.render import plain
from tests.e2e.helpers import reach_check_in


@pytest.mark.parametrize(
    ("language", "next_label", "steps_label"), [("en", "Next", "Steps"), ("ru", "Дальше", "Шаги")]
)
async def test_every_exercise_is_browsable_with_its_picture(  # type: ignore[no-untyped-def]
    app, make_user, content, language, next_label, steps_label
) -> None:
    user = make_user(language)
    await user.send("/exercises")
    card = await user.next_message()
    library_id = card["message_id"]
    seen = []
    for index, exercise in enumerate(content.exercises.values()):
        message = user.messages[library_id]
        title = content.localize(exercise.title, language)
        assert title in plain(message)
        assert f"{index + 1}" in plain(message)
        kind = "animation" if exercise.animation else "photo"
        assert kind in message, (exercise.id, list(message))
        assert user.download(message)  # a real picture file arrived
        seen.append(exercise.id)
        await user.press(steps_label, message_id=library_id)
        steps = await user.wait_for(lambda e: e.kind == "edit" and e.message_id == library_id)
        first_step = content.localize(exercise.steps, language)[0]
        assert first_step[:30] in plain(steps.message)
        await user.press(next_label, message_id=library_id)
        await user.wait_for(lambda e: e.kind == "edit" and e.message_id == library_id)
    assert seen == list(content.exercises)
    # Navigation edits the one message instead of flooding the chat.
    assert len([m for m in user.bot_messages() if "photo" in m or "animation" in m]) == 1


async def test_pictures_are_uploaded_once_then_reused(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    first, second = make_user(), make_user()
    await first.send("/exercise bird dog")
    await first.next_message()
    uploads = emulator.stats.uploads
    await second.send("/exercise bird dog")
    message = await second.next_message()
    assert emulator.stats.uploads == uploads  # no new upload
    assert emulator.stats.file_id_reuses >= 1
    assert "Bird dog" in plain(message)


async def test_a_rejected_file_id_is_refreshed(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await user.send("/exercise cat cow")
    await user.next_message()
    emulator._files.clear()  # Telegram forgot every file_id
    uploads = emulator.stats.uploads
    await user.send("/exercise cat cow")
    await user.next_message()
    assert emulator.stats.uploads == uploads + 1


@pytest.mark.parametrize("query", ["bird dog", "Bird-Dog", "brid dog", "кошка", "LYING_TWIST"])
async def test_find_by_name_tolerates_case_and_typos(app, make_user, query) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await user.send(f"/exercise {query}")
    message = await user.next_message()
    assert "photo" in message or "animation" in message


async def test_unknown_name_gets_the_list_and_try_it_starts_a_session(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await user.send("/exercise headstand")
    reply = await user.next_message()
    assert "could not find" in plain(reply)
    assert "Bird dog" in user.buttons(reply["message_id"])
    await user.press("Baby cobra")
    card = await user.next_message()
    await user.press("Try it now", message_id=card["message_id"])
    await reach_check_in(user)
    await user.press("1")
    await user.wait_text("repetition 1 of", timeout=5)
    await user.send("/stop")
    await user.wait_text("Session stopped")


async def test_forged_library_buttons_get_a_toast(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    """Found by tests/fuzz: '¹⁰' passed str.isdigit() and int() raised; a view payload pressed
    on a text message had the bot ask Telegram to replace the picture of a message without one.
    Only a button of the message pressed is honoured, its index in ASCII digits."""
    user = make_user()
    await user.send("/exercise nothing-like-this")
    listing = await user.next_message()  # the list of exercises: text, with Open buttons
    await user.send("/exercises")
    card = await user.next_message()
    stale = "This button is no longer active."
    for message_id, data in [
        (card["message_id"], "v1.ex:¹⁰:card"),
        (card["message_id"], "v1.ex:٣:steps"),
        (card["message_id"], "v1.ex:4:harder"),  # an exercise this card does not show
        (listing["message_id"], "v1.ex:1:steps"),  # a view of a text message
    ]:
        assert await user.answer_for(await user.press_data(message_id, data)) == stale
    await asyncio.sleep(0.2)
    assert [e for e in user.events if e.kind == "edit"] == []
    assert not emulator.stats.errors
