"""A pain report end to end: the warning gets through failures, words are heard in any form,
the follow-up only asks, warning signs hold the routine, and what follows a report changes."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import OperationalError

from db.models import PainRating, Reminder, RoutineSession, User, UserProgress
from emulator.render import plain
from tests.e2e.helpers import (
    FakeClock,
    daily_reminder_in_utc,
    dispatch_now,
    reach_check_in,
    rows,
)

CONSENT = {"en": "I agree", "ru": "Даю согласие"}
HOW_STRONG = {"en": "How strong is the pain right now?", "ru": "Насколько сильная боль сейчас?"}
THANKS = {"en": "Thank you", "ru": "Спасибо"}
WARNING = {"en": "Stop the exercise now", "ru": "Прекратите упражнение сейчас"}
NO_SESSION = {"en": "Please stop any exercise now", "ru": "прекратите сейчас любые упражнения"}
BREATH = {"en": "breath 1 of", "ru": "вдох-выдох 1 из"}
ROUTINE = {"en": "Quick routine", "ru": "Короткий комплекс"}
# Texts of timed beats: none may arrive after the warning.
BEAT_WORDS = ("Breathe", "Hold", "s left", "Get ready", "Rest", "Вдох", "Выдох", "Держите")
# What a reply after a pain report must never say (it would encourage carrying on).
CARRY_ON = ("Let's go on", "Good. Let's", "carry on", "keep going", "Продолжаем", "Продолжим")


async def consent(user, language: str = "en") -> None:  # type: ignore[no-untyped-def]
    await user.send("/start")
    await user.next_message()
    await user.press(CONSENT[language])
    await user.next_message()


async def start_session(user, language: str = "en") -> None:  # type: ignore[no-untyped-def]
    await user.send("/routine")
    await user.next_message()
    await user.press(ROUTINE[language])
    await reach_check_in(user, language)
    await user.press("2")
    await user.wait_text(BREATH[language], timeout=5)


def sends_after(user, mark: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [plain(e.message) for e in user.events[mark:] if e.kind == "send"]


def assert_no_beat_after(user, index: int) -> None:  # type: ignore[no-untyped-def]
    later = [plain(e.message) for e in user.events[index + 1 :] if e.kind in ("send", "edit")]
    assert not [t for t in later if any(word in t for word in BEAT_WORDS)], later


@pytest.mark.parametrize(
    ("fault", "count", "extra"),
    [("502", 3, {}), ("500", 4, {}), ("429", 4, {"retry_after": 3})],
)
async def test_the_warning_gets_through_server_errors_and_flood_limits(  # type: ignore[no-untyped-def]
    app, emulator, make_user, fault, count, extra
) -> None:
    user = make_user()
    await consent(user)
    await start_session(user)
    if fault == "429":
        emulator.faults.rate_limit_next(count, method="sendMessage", **extra)
    else:
        emulator.faults.fail_next(count, status=int(fault), method="sendMessage")
    mark = user.mark()
    started = time.monotonic()
    await user.press("It hurts")
    warning = await user.wait_text(WARNING["en"], timeout=30)
    assert time.monotonic() - started < 30
    await user.wait_text("How strong is the pain right now?", timeout=10)
    await asyncio.sleep(1.0)  # several beat periods at this time scale
    warnings = [t for t in sends_after(user, mark) if WARNING["en"] in t]
    assert 1 <= len(warnings) <= 2
    assert_no_beat_after(user, user.events.index(warning))
    [session_row] = await rows(app, RoutineSession)
    assert session_row.status == "pain"
    assert [r.kind for r in await rows(app, PainRating)].count("report") == 1


@pytest.mark.parametrize(
    ("language", "phrase"),
    [
        ("en", "my back is aching"),
        ("en", "it hurt when I bent"),
        ("en", "sore"),
        ("ru", "заболела поясница"),
        ("ru", "ноет спина"),
        ("ru", "болят ноги"),
    ],
)
async def test_pain_in_everyday_words_stops_a_session(app, make_user, language, phrase) -> None:  # type: ignore[no-untyped-def]
    user = make_user(language)
    await start_session(user, language)
    mark = user.mark()
    await user.send(phrase)
    first = await user.wait_for(lambda e: e.kind == "send", timeout=5)
    assert WARNING[language] in plain(first.message)
    assert all(e.kind in ("answer", "edit") for e in user.events[mark : user.events.index(first)])
    await asyncio.sleep(1.0)
    assert_no_beat_after(user, user.events.index(first))


@pytest.mark.parametrize(
    ("language", "phrase"),
    [
        ("en", "my lower back hurts"),
        ("en", "aching since yesterday"),
        ("ru", "немеет нога"),
        ("ru", "простреливает в ногу"),
    ],
)
async def test_pain_words_outside_a_session_get_the_warning(
    app, make_user, language, phrase
) -> None:  # type: ignore[no-untyped-def]
    user = make_user(language)
    await user.send(phrase)
    first = await user.next_message()
    assert NO_SESSION[language] in plain(first)
    [progress] = await rows(app, UserProgress)
    assert progress.flare_since is not None  # the next /routine starts gently


@pytest.mark.parametrize(
    ("language", "phrase"),
    [
        ("en", "Spain"),
        ("en", "I was painting the fence"),
        ("ru", "Болельщики пели на трибунах весь матч"),
    ],
)
async def test_no_false_alarm(app, make_user, language, phrase) -> None:  # type: ignore[no-untyped-def]
    user = make_user(language)
    await user.send(phrase)
    reply = plain(await user.next_message())
    assert WARNING[language] not in reply and NO_SESSION[language] not in reply
    assert await rows(app, UserProgress) == []


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_follow_up_asks_and_never_encourages_carrying_on(app, make_user, language) -> None:  # type: ignore[no-untyped-def]
    user = make_user(language)
    await consent(user, language)
    await start_session(user, language)
    mark = user.mark()
    await user.press("It hurts" if language == "en" else "Больно")
    await user.wait_text(WARNING[language])
    question = await user.wait_text(HOW_STRONG[language], timeout=5)
    await user.press("6", message_id=question.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    await user.press("Lower back" if language == "en" else "Поясница")
    none = "No, none of these" if language == "en" else "Нет, ничего из этого"
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    await user.press(none, message_id=question.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    await user.press(none, message_id=question.message_id)
    last = await user.wait_text(THANKS[language], timeout=5)
    await asyncio.sleep(0.3)
    replies = sends_after(user, mark)
    assert replies and WARNING[language] in replies[0]
    assert not [t for t in replies if any(phrase in t for phrase in CARRY_ON)], replies
    assert "Pause all reminders" in str(last.message) or "Приостановить" in str(last.message)
    [report] = [r for r in await rows(app, PainRating) if r.kind == "report"]
    assert (report.value, report.detail) == (6, "lb")
    # The answer and where it was asked: the doctor's report names the advice actually given.
    assert "none:p" in {r.detail for r in await rows(app, PainRating) if r.kind == "red_flag"}


async def report_with_emergency_signs(user) -> None:  # type: ignore[no-untyped-def]
    await user.send("/pain")
    question = await user.wait_text("How strong is the pain right now?")
    await user.press("Skip", message_id=question.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    await user.press("Skip", message_id=question.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    await user.press("Yes, one or more", message_id=question.message_id)


@pytest.mark.parametrize(
    ("city", "numbers"),
    [("Berlin", ["112"]), ("New York", ["911"]), ("Moscow", ["103", "112"])],
)
async def test_emergency_signs_give_the_local_number_and_hold_everything(  # type: ignore[no-untyped-def]
    app, make_user, city, numbers
) -> None:
    clock = FakeClock(datetime(2026, 3, 10, 0, 0, tzinfo=UTC))
    app.bot_data.now = clock
    user = make_user()
    await user.send(f"/timezone {city}")
    await user.wait_text("Time zone set")
    await user.send("/remind 9:00")
    await user.wait_text("Done: I will remind you")
    # An old check-in button from before the report.
    await user.send("/routine")
    await user.next_message()
    await user.press("Quick routine")
    check_in = await reach_check_in(user)
    await report_with_emergency_signs(user)
    first_advice = await user.wait_text("Please get emergency care now")
    advice = plain(first_advice.message)
    for number in numbers:
        assert number in advice
    assert "On hold since" in advice and "A clinician has checked me" in advice
    # No way out right after the advice but the correction of a mistake (two taps).
    assert user.buttons(first_advice.message_id) == ["It was a mistake"]
    # /routine starts nothing: the advice again, what is on hold and how it ends.
    await user.send("/routine")
    again = await user.wait_text("Please get emergency care now")
    assert "the button appears at" in plain(again.message)
    assert user.buttons(again.message_id) == ["It was a mistake"]
    # An old check-in button answers with the advice.
    _, data = user.find_button("2", check_in.message_id)
    await user.press_data(check_in.message_id, data)
    await user.wait_text("Please get emergency care now")
    assert [r for r in await rows(app, RoutineSession) if r.status == "active"] == []
    # Reminders pause: the due reminder does not invite to the routine.
    mark = user.mark()
    clock.advance(hours=25)
    await dispatch_now(app)
    await user.expect_silence(0.3)
    assert not [t for t in sends_after(user, mark) if "routine" in t.lower()]
    # Much later, a deliberate two-step statement lifts the hold.
    await user.send("/routine")
    later = await user.wait_text("Please get emergency care now")
    await user.press("A clinician has checked me", message_id=later.message_id)
    await user.wait_text("Please confirm")
    await user.press("Yes, I was told I may exercise")
    await user.wait_text("The hold is lifted")
    await user.wait_text("Your reminders start again tomorrow: 09:00")
    [stored] = await rows(app, User)
    assert stored.safety_hold is None


async def both_legs(user):  # type: ignore[no-untyped-def]
    """/pain, 7, Both legs: the emergency questions come at once (the same message)."""
    await user.send("/timezone Berlin")
    await user.wait_text("Time zone set")
    await user.send("/pain")
    question = await user.wait_text("How strong is the pain right now?")
    await user.press("7", message_id=question.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    await user.press("Both legs", message_id=question.message_id)
    asked = await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    assert "Pain in both legs: please check these now" in plain(asked.message)
    return question


async def test_both_legs_with_an_emergency_sign_is_an_emergency(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    question = await both_legs(user)
    await user.press("Yes, one or more", message_id=question.message_id)
    assert "112" in plain((await user.wait_text("Please get emergency care now")).message)
    [stored] = await rows(app, User)
    assert stored.safety_hold == "emergency"


async def test_both_legs_without_an_emergency_sign_is_a_doctor_soon(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    question = await both_legs(user)
    mark = user.mark()
    await user.press("No, none of these", message_id=question.message_id)
    sent = await user.wait_text("Please see a doctor today or tomorrow")
    advice = plain(sent.message)
    # Right after a pain report nothing offers exercise, not even the gentle plan.
    assert user.buttons(sent.message_id) == ["A doctor has checked me"]
    assert "The gentle plan stays open" in advice and "A doctor has checked me" in advice
    await user.expect_silence(0.3)
    said = " ".join(sends_after(user, mark))
    assert "emergency care" not in said and "ambulance" not in said
    [stored] = await rows(app, User)
    assert stored.safety_hold == "doctor"


async def test_see_a_doctor_signs_allow_only_the_gentle_plan(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await user.send("/pain")
    question = await user.wait_text("How strong is the pain right now?")
    await user.press("Skip", message_id=question.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    await user.press("Skip", message_id=question.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    await user.press("No, none of these", message_id=question.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    await user.press("Yes, one or more", message_id=question.message_id)
    await user.wait_text("Please see a doctor soon")
    await user.send("/routine")
    hold = await user.wait_text("need a doctor's check")
    assert user.buttons(hold.message_id) == ["▶ Gentle plan", "A doctor has checked me"]
    await user.press("Gentle plan", message_id=hold.message_id)
    await reach_check_in(user)
    await user.press("2")
    await user.wait_text("Today:")
    [session_row] = await rows(app, RoutineSession)
    assert session_row.routine_id == "gentle" and session_row.level == 0
    await user.send("/stop")


async def test_after_a_report_routine_reminders_and_the_morning_check_change(  # type: ignore[no-untyped-def]
    app, make_user
) -> None:
    clock = FakeClock(datetime(2026, 3, 10, 18, 0, tzinfo=UTC))
    app.bot_data.now = clock
    user = make_user()
    await consent(user)
    await daily_reminder_in_utc(user, "19:00")
    await start_session(user)
    await user.send("it hurts")
    await user.wait_text(WARNING["en"])
    await user.wait_text("How strong is the pain right now?")
    # The next /routine asks first and offers the gentle plan.
    await user.send("/routine")
    await user.next_message()
    await user.press("Quick routine")
    await user.wait_text("you reported pain recently")
    await user.press("The same")
    await user.wait_text("talk to a doctor or physiotherapist")
    await user.press("Not yet")
    offer = await user.wait_text("I suggest the gentle plan")
    assert user.buttons(offer.message_id) == ["▶ Gentle plan", "Back to my normal plan"]
    # The evening reminder asks instead of inviting.
    mark = user.mark()
    clock.advance(hours=1)
    await dispatch_now(app)
    daily = await user.wait_text("How is your back today?")
    assert "Start routine" not in str(daily.message)
    # The morning check arrives once, at 09:00 local the next day.
    clock.advance(hours=13, minutes=59)  # 08:59
    await dispatch_now(app)
    await user.expect_silence(0.3)
    clock.advance(minutes=1)
    await dispatch_now(app)
    morning = await user.wait_text("Good morning")
    await dispatch_now(app)
    await user.expect_silence(0.3)
    assert [t for t in sends_after(user, mark) if "Good morning" in t] == [plain(morning.message)]
    await user.press("8", message_id=morning.message_id)
    await user.wait_text("Please leave the exercises today")
    rows_left = [r for r in await rows(app, Reminder) if r.kind == "next_day" and r.enabled]
    assert rows_left == []  # sent once, never again


async def test_a_database_error_never_suppresses_the_warning(app, make_user, caplog) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await consent(user)
    await start_session(user)
    working = app.bot_data.db

    class Broken:
        def __call__(self):  # type: ignore[no-untyped-def]
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    app.bot_data.db = Broken()
    caplog.set_level(logging.ERROR)
    try:
        await user.press("It hurts")
        warning = await user.wait_text(WARNING["en"], timeout=10)
        await asyncio.sleep(0.5)
        assert_no_beat_after(user, user.events.index(warning))
    finally:
        app.bot_data.db = working
    assert "could not be stored" in caplog.text
    texts = [plain(e.message) for e in user.events if e.kind == "send"]
    assert not [t for t in texts if "Traceback" in t or "OperationalError" in t]


async def test_a_double_tap_on_the_strength_is_no_error(app, make_user, caplog) -> None:  # type: ignore[no-untyped-def]
    """Found by tests/fuzz: the second tap asks for the edit the first one made; Telegram's
    "message is not modified" is not an error: no apology, nothing logged at ERROR."""
    user = make_user()
    await user.send("/pain")
    question = await user.wait_text("How strong is the pain right now?")
    _, data = user.find_button("6", question.message_id)
    taps = [await user.press_data(question.message_id, data) for _ in range(2)]
    for tap in taps:
        await user.answer_for(tap)
    await user.wait_text("Where do you feel it?")
    await asyncio.sleep(0.3)
    assert not [e for e in user.events if e.kind == "send" and "went wrong" in plain(e.message)]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_forged_report_id_gets_a_toast(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    """Found by tests/fuzz: a 20-digit report id overflowed the database's integers."""
    user = make_user()
    await user.send("/pain")
    question = await user.wait_text("How strong is the pain right now?")
    for data in ("v1.pf:99999999999999999999:s:5", "v1.pf:²:w:lb"):
        query = await user.press_data(question.message_id, data)
        assert await user.answer_for(query) == "This button is no longer active."
    assert not emulator.stats.errors


async def test_back_to_normal_after_delete_is_no_error(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    """Found by tests/fuzz: "Back to the normal plan" pressed after /delete (the button
    outlives the data) created a progress row for a user who is no longer stored, and the
    database refused it. With nothing stored there is no flare-up to end."""
    user = make_user()
    await user.send("/language")  # stores nothing: as good as a chat after /delete
    shown = await user.next_message()  # a text with buttons, as the flare-up question was
    await user.press_data(shown["message_id"], "v1.fl:n:quick")
    await user.wait_text("Back to your normal plan.")
    await user.wait_text("short safety check")  # and on to the session, as for anyone
    assert not [e for e in user.events if e.kind == "send" and "went wrong" in plain(e.message)]
    assert await rows(app, UserProgress) == []
    assert not emulator.stats.errors


async def test_a_step_of_the_follow_up_no_longer_shown_cannot_be_answered_again(  # type: ignore[no-untyped-def]
    app, make_user
) -> None:
    """Tried by hand in the terminal chat: the strength button of a finished follow-up, pressed
    again (a forged or replayed press: Telegram shows only the current step), took the question
    back to "Where do you feel it?" and overwrote the stored strength."""
    user = make_user()
    await consent(user, "en")
    await user.send("/pain")
    question = await user.wait_text("How strong is the pain right now?")
    _, strength_6 = user.find_button("6", question.message_id)
    await user.press("6", message_id=question.message_id)
    await user.wait_text("Where do you feel it?")
    _, lower_back = user.find_button("Lower back", question.message_id)
    await user.press("Lower back", message_id=question.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and "any of these" in plain(e.message))
    edits = len([e for e in user.events if e.kind == "edit"])
    for data in (strength_6.replace(":6", ":9"), lower_back):
        tap = await user.press_data(question.message_id, data)
        assert await user.answer_for(tap) == "This button is no longer active."
    await asyncio.sleep(0.3)
    assert len([e for e in user.events if e.kind == "edit"]) == edits
    [report] = [r for r in await rows(app, PainRating) if r.kind == "report"]
    assert (report.value, report.detail) == (6, "lb")
