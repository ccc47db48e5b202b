"""The guided session as people found it wanting (issue text): time to get into position, a phone
that sounds at a new exercise or side, controls that forgive, and records of what happened."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from db.models import RoutineSession, User, UserProgress
from emulator.render import plain
from tests.e2e.helpers import reach_check_in, rows
from tests.e2e.test_routine import SCALE, begin, consent

PICTURES = ("sendPhoto", "sendAnimation")


def grid(user: Any, message_id: int) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The labels of a message's buttons, row by row."""
    keyboard = (user.messages[message_id].get("reply_markup") or {}).get("inline_keyboard", [])
    return [[button["text"] for button in row] for row in keyboard]


async def skip_to(user: Any, title: str) -> Any:  # type: ignore[no-untyped-def]
    """Press Skip until the exercise's get-ready message is on screen; returns that event."""
    while True:
        await user.press("Skip")
        event = await user.wait_text("Get ready: ", timeout=5)
        if title in plain(event.message):
            return event


async def test_an_exercise_waits_for_ready_or_the_contents_countdown(
    app, make_user, content
) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await begin(user)
    ready = await user.wait_text("Get ready: Rib-to-hip breathing")
    first = content.exercises["breathing"].get_ready.new_position  # the first exercise
    assert f"we start in {first:g} s" in plain(ready.message), plain(ready.message)
    breath = await user.wait_text("breath 1 of", timeout=10)
    # Not pressed: the session waited the content's whole countdown.
    assert breath.monotonic - ready.monotonic >= first * SCALE - 0.1
    # Sitting to kneeling: the longer time to change position, as the content says; Ready cuts
    # it short.
    second = await user.wait_text("Get ready: Cat and cow", timeout=20)
    moving = content.exercises["cat_cow"].get_ready.new_position
    assert f"we start in {moving:g} s" in plain(second.message)
    await user.press("Ready", message_id=second.message_id)
    repetition = await user.wait_text("repetition 1 of", timeout=5)
    assert repetition.monotonic - second.monotonic < moving * SCALE / 2
    await user.send("/stop")
    await user.wait_text("Session stopped")


async def test_a_new_exercise_and_a_side_switch_sound_unless_turned_off(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await begin(user)
    note = next(plain(e.message) for e in reversed(user.events) if "Today:" in plain(e.message))
    assert "/sound turns the sound off" in note
    picture = await user.wait_for(lambda e: e.kind == "send" and e.method in PICTURES)
    assert not picture.silent  # the new exercise sounds once, with its picture
    ready = await user.wait_text("Get ready: Rib-to-hip breathing")
    assert ready.kind == "send" and ready.silent
    await skip_to(user, "Lying twist")
    await user.press("Ready")
    hold = await user.wait_text("s left", timeout=5)
    assert hold.kind == "edit"  # mid-exercise beats stay silent edits
    other = await user.wait_text("Other side: Lying twist", timeout=5)
    # A new message that sounds replaces the live one: one live message in the chat.
    assert other.kind == "send" and not other.silent
    await user.wait_for(lambda e: e.kind == "delete" and e.message_id == hold.message_id)
    assert hold.message_id not in user.messages
    await user.wait_text("How does your back feel now?", timeout=10)

    await user.send("/sound")
    off = await user.wait_text("Sound off")
    assert off.kind == "send"
    await begin(user)
    note = next(plain(e.message) for e in reversed(user.events) if "Today:" in plain(e.message))
    assert "come silently" in note
    picture = await user.wait_for(lambda e: e.kind == "send" and e.method in PICTURES)
    assert picture.silent
    await user.wait_text("Get ready: Rib-to-hip breathing")
    await skip_to(user, "Lying twist")
    await user.press("Ready")
    hold = await user.wait_text("s left", timeout=5)
    other = await user.wait_text("Other side: Lying twist", timeout=5)
    assert (other.kind, other.message_id) == ("edit", hold.message_id)  # in place, silently
    await user.send("/sound")
    await user.wait_text("Sound on")
    [person] = [row for row in await rows(app, User) if row.id == user.user_id]
    assert person.change_alerts


async def test_stop_asks_first_and_the_buttons_keep_their_places(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await begin(user)
    ready = await user.wait_text("Get ready")
    live = ready.message_id
    assert grid(user, live) == [["▶ Ready", "⏭ Skip"], ["⏹ Stop", "🛑 It hurts"]]
    await user.wait_text("breath 1 of", timeout=5)
    assert grid(user, live) == [["⏸ Pause", "⏭ Skip"], ["⏹ Stop", "🛑 It hurts"]]
    _, stop = user.find_button("Stop", live)
    await user.press("Stop", message_id=live)
    asked = await user.wait_text("End the session?")
    assert asked.kind == "edit" and asked.message_id == live
    assert grid(user, live) == [
        ["▶ Carry on", "⏭ Skip"],
        ["⏹ Stop", "🛑 It hurts"],
        ["⏹ Yes, end it"],  # a row of its own, where no earlier tap could land
    ]
    # A second tap on Stop (a double tap, or the old button) ends nothing; the clock is held.
    toast = await user.answer_for(await user.press_data(live, stop))
    assert toast is not None and "Yes, end it" in toast
    await user.expect_silence(1.0)
    [row] = await rows(app, RoutineSession)
    assert row.status == "paused"
    await user.press("Carry on", message_id=live)
    again = await user.wait_text("breath 1 of", timeout=2)
    assert plain(again.message).startswith("Breathe in…")  # the breath starts again
    assert grid(user, live) == [["⏸ Pause", "⏭ Skip"], ["⏹ Stop", "🛑 It hurts"]]
    await user.press("Stop", message_id=live)
    await user.wait_text("End the session?")
    await user.press("Yes, end it", message_id=live)
    stopped = await user.wait_text("Session stopped")
    assert "before any exercise was finished" in plain(stopped.message), plain(stopped.message)
    assert plain(user.messages[live]) == "⏹ Rib-to-hip breathing — stopped here"
    [row] = await rows(app, RoutineSession)
    assert (row.status, row.item_marks, row.exercises_done) == ("stopped", "x---", 0)


async def test_the_routine_buttons_keep_their_order_across_two_sessions(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    order = ["Full routine", "Quick routine", "Seated / office"]
    starred = None
    for choice in ("Quick routine", "Seated / office"):
        await user.send("/routine")
        menu = await user.next_message()
        labels = user.buttons(menu["message_id"])
        assert [label.removeprefix("★ ").split(" · ")[0] for label in labels] == order
        assert [label.startswith("★ ") for label in labels] == [title == starred for title in order]
        await user.press(choice, message_id=menu["message_id"])
        await reach_check_in(user)
        await user.press("2")
        await user.wait_text("Today:")
        await user.send("/stop")
        await user.wait_text("Session stopped")
        starred = choice
    await user.send("/routine")
    menu = await user.next_message()
    assert user.buttons(menu["message_id"]) == [
        "Full routine · about 15 min",
        "Quick routine · about 5 min",
        "★ Seated / office · about 5 min",
    ]


async def test_it_hurts_takes_no_tick_and_the_count_is_of_what_was_done(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await consent(user)
    await begin(user)
    second = await user.wait_text("Get ready: Cat and cow", timeout=20)
    assert any(plain(m) == "✓ Rib-to-hip breathing" for m in user.bot_messages())
    await user.press("Ready", message_id=second.message_id)
    await user.wait_text("repetition 1 of", timeout=5)
    await user.press("It hurts", message_id=second.message_id)
    closed = await user.wait_text("Cat and cow — stopped: it hurt", timeout=5)
    await user.wait_text("How strong is the pain right now?")
    assert closed.message_id == second.message_id
    assert plain(closed.message).startswith("🛑")
    assert not any("✓ Cat and cow" in plain(m) for m in user.bot_messages())
    assert not any("Well done" in plain(e.message) for e in user.events)
    [row] = await rows(app, RoutineSession)
    assert (row.status, row.item_marks, row.exercises_done) == ("pain", "dh--", 1)


async def test_skipped_exercises_are_marked_and_not_praised(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await consent(user)
    await begin(user)
    await user.wait_text("Get ready: Rib-to-hip breathing")
    last = await skip_to(user, "Lying twist")
    skipped = [plain(m) for m in user.bot_messages() if plain(m).startswith("⏭")]
    assert skipped == [
        "⏭ Rib-to-hip breathing — skipped",
        "⏭ Cat and cow — skipped",
        "⏭ Baby cobra — skipped",
    ]
    await user.press("Ready", message_id=last.message_id)
    done = await user.wait_text("Done", timeout=15)
    text = plain(done.message)
    assert text.startswith("✓ Lying twist") and "1 of 4 exercises" in text and "skipped: 3" in text
    assert "Well done" not in text
    await user.press("1")
    await user.wait_text("Before: 2/10, after: 1/10")
    [row] = await rows(app, RoutineSession)
    assert (row.status, row.item_marks, row.exercises_done) == ("completed", "sssd", 1)
    # A session with exercises skipped is not a good session: no step towards a higher dose.
    async with app.bot_data.db() as tx:
        progress = await tx.scalar(select(UserProgress).where(UserProgress.user_id == user.user_id))
    assert progress is not None and (progress.level, progress.good_sessions) == (0, 0)
