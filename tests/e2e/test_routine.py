"""The guided routine end to end: pacing, pause, stop, pain, restart, rating and progression."""

from __future__ import annotations

import asyncio
import itertools
import re

from sqlalchemy import select

from core.runner import running
from db.models import PainRating, RoutineSession, User, UserProgress
from emulator.render import plain
from guided.engine.routines import routine_doses, routine_pace
from guided.engine.timeline import BeatKind as Kind
from guided.engine.timeline import build_timeline as build_plan
from tests.e2e.helpers import bot_on, reach_check_in

SCALE = 0.05


async def begin(user, routine: str = "Quick routine", rating: str = "2") -> None:  # type: ignore[no-untyped-def]
    await user.send("/routine")
    await user.next_message()
    await user.press(routine)
    await reach_check_in(user)
    await user.press(rating)
    await user.wait_text("Today:")


async def consent(user) -> None:  # type: ignore[no-untyped-def]
    await user.send("/start")
    await user.next_message()
    await user.press("I agree")
    await user.next_message()


async def rows(app, model):  # type: ignore[no-untyped-def]
    async with app.bot_data.db() as tx:
        return list(await tx.scalars(select(model)))


async def test_quick_routine_paces_every_beat_as_planned(app, make_user, content) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await consent(user)
    await begin(user)
    start_mark = user.mark() - 1
    done = await user.wait_text("Done!", timeout=60)
    assert "exercises" in plain(done.message)
    plan = build_plan(routine_doses(content, "quick"), 0, 6, routine_pace(content, "quick"), SCALE)
    # Each beat is one send (intro) or one edit of the live message, at its planned offset.
    live = [
        e
        for e in user.events[start_mark:]
        if e.kind in ("send", "edit")
        and e.message
        and "text" in e.message
        and "Stop" in str(e.message.get("reply_markup"))
    ]
    assert len(live) >= len(plan.beats) - 1
    offsets, expected = [], []
    elapsed = 0.0
    for beat in plan.beats[:-1]:
        expected.append(elapsed)
        elapsed += beat.duration
    first = live[0].monotonic
    offsets = [event.monotonic - first for event in live[: len(expected)]]
    lateness = [got - want for got, want in zip(offsets, expected, strict=True)]
    assert max(abs(x) for x in lateness) < 0.25, lateness
    texts = [plain(e.message) for e in live]
    assert any("Breathe in" in t for t in texts) and any("Breathe out" in t for t in texts)
    assert any("breath 2 of" in t for t in texts) and any("Other side" in t for t in texts)
    assert any("s left" in t for t in texts)  # the timed twist hold
    assert any("Next: Cat and cow" in t for t in texts)  # the rest before the next exercise
    # Nothing is ever edited to the same content (Telegram's "message is not modified").
    assert all(a != b for a, b in itertools.pairwise(texts) if a and b)
    # A new exercise and a side switch are new messages; every other beat is a silent edit.
    kinds = [(beat.kind, event.kind) for beat, event in zip(plan.beats, live, strict=False)]
    assert {event for kind, event in kinds if kind in (Kind.INTRO, Kind.SWITCH)} == {"send"}
    assert {event for kind, event in kinds if kind not in (Kind.INTRO, Kind.SWITCH)} == {"edit"}
    # Every message of the session but the last is closed, without buttons: nothing to mis-tap.
    assert [m for m in user.bot_messages()[:-1] if m.get("reply_markup")] == []
    # The final message tells the time spent, in real-pace terms (the plan's total).
    assert "Done! All 4 exercises" in plain(done.message), plain(done.message)
    assert plain(done.message).startswith("✓ Lying twist")
    shown = re.search(r"in (\d+) min (\d+) s", plain(done.message))
    assert shown is not None, plain(done.message)
    spent = int(shown[1]) * 60 + int(shown[2])
    assert abs(spent - elapsed / SCALE) <= 10, (spent, elapsed / SCALE)
    question = await user.wait_text("How does your back feel now?")
    await user.press("1")
    summary = await user.wait_text("Before: 2/10, after: 1/10")
    assert "Streak: 1" in plain(summary.message)
    # The question itself becomes the answer (one call, issue 12): edited, its buttons gone.
    assert summary.kind == "edit"
    assert summary.message is not None and question.message is not None
    assert summary.message["message_id"] == question.message["message_id"]
    assert plain(summary.message).startswith("How does your back feel now?")
    assert not summary.message.get("reply_markup")
    [session_row] = await rows(app, RoutineSession)
    assert session_row.status == "completed" and session_row.progress_applied
    [progress] = await rows(app, UserProgress)
    # One good session is not yet a step up: two are (content/progression.yaml).
    assert (progress.level, progress.good_sessions) == (0, 1)
    ratings = {(r.kind, r.value) for r in await rows(app, PainRating)}
    assert ratings == {("checkin", 2), ("after", 1), ("red_flag", None)}  # the first-session check
    await begin(user)
    note = next(plain(e.message) for e in reversed(user.events) if "Today:" in plain(e.message))
    assert "Today: Quick routine, the same doses as last time." in note
    await user.send("/stop")


async def test_pause_holds_the_clock_and_resume_starts_the_breath_again(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await begin(user)
    await user.wait_text("Breathe out…", timeout=5)  # breath 1 half done
    await user.press("Pause")
    await user.wait_text("Paused.")
    await user.expect_silence(1.5)  # several breath periods at this scale
    await user.press("Resume")
    event = await user.wait_text("breath ", timeout=2)
    # The interrupted breath starts again from its breath in, in the same live message.
    assert event.kind == "edit"
    assert plain(event.message).startswith("Breathe in…") and "breath 1 of 3" in plain(
        event.message
    )
    await user.send("/stop")
    await user.wait_text("Session stopped")


async def stopped_quietly(user) -> None:  # type: ignore[no-untyped-def]
    """After the warning come the pain flow's own messages (the live message closed, the
    follow-up), sooner or later on a busy machine; then the chat falls quiet for good. A timer
    still beating (every 0.2-0.3 s here) never lets it be quiet for 0.5 s."""
    deadline = asyncio.get_running_loop().time() + 5
    while True:
        seen = len(user.events)
        await asyncio.sleep(0.5)
        if len(user.events) == seen:
            break
        assert asyncio.get_running_loop().time() < deadline, "the chat never fell quiet"
    user.skip_all()
    await user.expect_silence(1.2)  # at least two cadence periods


async def test_it_hurts_button_stops_and_warns_first(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await consent(user)
    await begin(user)
    await user.wait_text("breath 1 of", timeout=5)
    mark = user.mark()
    await user.press("It hurts")
    first_reply = await user.wait_for(lambda e: e.kind == "send", timeout=3)
    assert "Stop the exercise now" in plain(first_reply.message)
    assert "consult your doctor or physiotherapist" in plain(first_reply.message)
    assert all(
        e.kind in ("answer", "edit") for e in user.events[mark : user.events.index(first_reply)]
    )
    await user.wait_text("How strong is the pain right now?")
    await stopped_quietly(user)
    [session_row] = await rows(app, RoutineSession)
    assert session_row.status == "pain"
    assert [r.kind for r in await rows(app, PainRating)].count("report") == 1


async def test_pain_command_and_typed_words_in_both_languages(app, make_user) -> None:  # type: ignore[no-untyped-def]
    for language, words, warning in (
        ("en", "/pain", "Stop the exercise now"),
        ("en", "ouch, it hurts", "Stop the exercise now"),
        ("ru", "мне больно", "Прекратите упражнение сейчас"),
    ):
        user = make_user(language)
        if language == "ru":
            await user.send("/routine")
            await user.next_message()
            await user.press("Короткий комплекс")
            await reach_check_in(user, "ru")
            await user.press("2")
            await user.wait_text("вдох-выдох 1 из", timeout=5)
        else:
            await begin(user)
            await user.wait_text("breath 1 of", timeout=5)
        await user.send(words)
        first_reply = await user.wait_for(lambda e: e.kind == "send", timeout=3)
        assert warning in plain(first_reply.message)
        await stopped_quietly(user)


async def test_stop_button_ends_without_later_messages(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await begin(user)
    await user.wait_text("breath 1 of", timeout=5)
    await user.press("Stop")
    await user.wait_text("End the session?")
    await user.press("Yes, end it")
    await user.wait_text("Session stopped")
    await stopped_quietly(user)
    stale = await user.press_data(user.last_message()["message_id"], "v1.rt:1:pz")
    assert await user.answer_for(stale) == "This session has already ended."


async def test_high_rating_and_double_taps(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await user.send("/routine")
    await user.next_message()
    await user.press("Quick routine")
    await reach_check_in(user)
    await user.press("8")
    await user.wait_text("Let's not exercise today")
    assert await rows(app, RoutineSession) == []
    await user.send("/routine")
    await user.next_message()
    await user.press("Quick routine")
    checkin = await user.wait_text("How is your back today?")
    _, data = user.find_button("3", checkin.message_id)
    first = await user.press_data(checkin.message_id, data)
    second = await user.press_data(checkin.message_id, data)
    await user.answer_for(first)
    await user.answer_for(second)
    await asyncio.sleep(0.3)
    assert len(await rows(app, RoutineSession)) == 1
    assert len(app.bot_data.sessions) == 1
    await user.send("/routine")
    await user.wait_text("already running")
    await user.send("/stop")


async def test_restart_mid_session_offers_resume_and_continues(
    emulator, settings, content, make_user
) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    async with running(bot_on(emulator, settings, content)):
        await begin(user)
        await user.wait_text("round 2 of 2", timeout=15)  # a checkpoint: the second round
        await user.wait_for(
            lambda e: "Breathe out" in plain(e.message) and "breath 2 of 3" in plain(e.message),
            timeout=5,
        )
        await asyncio.sleep(0.1)  # a moment into the breath out
    user.skip_all()
    await user.expect_silence(0.6)  # the old process is gone: no orphaned timer
    async with running(bot_on(emulator, settings, content)) as app:
        offer = await user.wait_text("Your session was interrupted", timeout=5)
        assert "exercise 1 of 4" in plain(offer.message)
        await user.press("Resume")
        # From the start of the round that was on screen: the interrupted breath starts again,
        # with the breaths before it in the round, none of them cut short.
        again = await user.wait_text("breath ", timeout=5)
        assert "breath 1 of 3 · round 2 of 2" in plain(again.message), plain(again.message)
        await user.wait_text("breath 2 of 3 · round 2 of 2", timeout=5)
        done = await user.wait_text("Done!", timeout=60)
        assert "All 4 exercises" in plain(done.message)
        await user.wait_text("How does your back feel now?")
        await app.bot_data.sessions.checkpoints.flush()  # the end is written with the group commit
        [row] = await rows(app, RoutineSession)
        assert (row.status, row.item_marks, row.exercises_done) == ("completed", "dddd", 4)


async def test_delete_mid_session_stops_its_timer_first(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await begin(user)
    await user.wait_text("breath 1 of", timeout=5)
    await user.send("/delete")
    await user.press("Yes, delete everything")
    await user.wait_for(lambda e: "All your data is deleted" in plain(e.message), timeout=5)
    mark = user.mark()
    await asyncio.sleep(1.2)  # several beat periods at this time scale
    later = [plain(e.message) for e in user.events[mark:] if e.kind in ("send", "edit")]
    assert later == [], later
    assert app.bot_data.sessions.get(user.user_id) is None
    assert await rows(app, RoutineSession) == []


async def test_forged_session_buttons_get_a_toast(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    """Found by tests/fuzz: a 20-digit session id overflowed the database's integers, and '²'
    passed str.isdigit() before int(). Numbers are read as the bot writes them."""
    user = make_user()
    await user.send("/routine")
    choice = await user.next_message()
    stale = "This button is no longer active."
    for data in (
        "v1.ar:9999999999999999999:4",
        "v1.ar:1:n:²",
        "v1.ri:99999999999999999999:end",
        "v1.ri:¹⁰:resume",
        "v1.ci:quick:²",
        "v1.ci:quick:٣",
    ):
        assert await user.answer_for(await user.press_data(choice["message_id"], data)) == stale
    assert [e for e in user.events if e.kind == "send" and "went wrong" in plain(e.message)] == []
    assert not emulator.stats.errors


async def test_the_after_session_summary_in_a_fixed_utc_offset_zone(app, make_user) -> None:  # type: ignore[no-untyped-def]
    """A zone typed as "UTC-3" is stored as "UTC-03:00", which ZoneInfo cannot read: the streak
    after a session must still be counted (it used ZoneInfo and failed)."""
    user = make_user()
    await consent(user)
    await user.send("/timezone UTC-3")
    await user.wait_text("Time zone set")
    await begin(user)
    await user.wait_text("How does your back feel now?", timeout=60)
    await user.press("1")
    summary = await user.wait_text("Before: 2/10, after: 1/10")
    assert "Streak: 1" in plain(summary.message)


async def test_the_summary_is_sent_anew_when_the_question_was_deleted(app, make_user) -> None:  # type: ignore[no-untyped-def]
    """The summary replaces the rating question; if the person deleted the question before the
    bot answered (the edit fails), the summary comes as a new message, with the same figures."""
    user = make_user()
    await consent(user)
    await begin(user)
    await user.wait_text("How does your back feel now?", timeout=60)
    target, data = await user.find_button_soon("1", None, 2.0)
    await user.press_data(target, data)
    del user.messages[target]  # deleted by the person at once: the bot's edit finds nothing
    summary = await user.wait_text("Before: 2/10, after: 1/10")
    assert summary.kind == "send" and "Streak: 1" in plain(summary.message)
    assert target not in user.messages


async def test_the_end_of_a_session_never_waits_for_the_database(app, make_user) -> None:  # type: ignore[no-untyped-def]
    """Issue 12: the session's end is written with the group commit, not on the timer's path.
    With the database held by someone else for the whole session, the last beat and the rating
    question still come on time; the rating then finds the session completed."""
    user = make_user()
    await consent(user)
    await begin(user)
    held, release = asyncio.Event(), asyncio.Event()

    async def hold_the_database() -> None:
        async with app.bot_data.db() as tx:  # SQLite's one pooled connection
            await tx.execute(select(RoutineSession.id))
            held.set()
            await release.wait()
            await tx.rollback()

    holder = asyncio.create_task(hold_the_database())
    await held.wait()
    try:
        await user.wait_text("Done!", timeout=60)
        await user.wait_text("How does your back feel now?", timeout=5)
    finally:
        release.set()
        await holder
    await user.press("1")
    summary = await user.wait_text("Before: 2/10, after: 1/10")
    assert "Streak: 1" in plain(summary.message)
    [session_row] = await rows(app, RoutineSession)
    assert session_row.status == "completed" and session_row.progress_applied


async def test_a_rating_pressed_on_an_emergency_hold_gets_the_advice(app, make_user) -> None:  # type: ignore[no-untyped-def]
    """Warning signs answered after a session (here: the hold set meanwhile), then its rating
    pressed: the advice and no summary, nothing stored, the level not moved. The rating reads
    the hold in its own transaction, not through the hold gate (guided/rating.py)."""
    user = make_user()
    await consent(user)
    await begin(user)
    question = await user.wait_text("How does your back feel now?", timeout=60)
    async with app.bot_data.db.begin() as tx:
        [person] = list(await tx.scalars(select(User)))
        person.safety_hold, person.hold_since = "emergency", app.bot_data.now()
    _, data = user.find_button("1", question.message_id)
    toast = await user.answer_for(await user.press_data(question.message_id, data))
    assert toast is not None and "on hold" in toast, toast
    await user.wait_text("Please get emergency care now")
    assert not any("Before: 2/10" in plain(m) for m in user.bot_messages())
    assert {r.kind for r in await rows(app, PainRating)} == {"checkin", "red_flag"}
    [session_row] = await rows(app, RoutineSession)
    assert not session_row.progress_applied
