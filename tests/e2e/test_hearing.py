"""What a person writes about pain, end to end through the emulator, in English and Russian:
denials get no warning and no report, unclear words get one question (a running session pauses
meanwhile), reports get the warning first and are stored as what they are, once per episode."""

from __future__ import annotations

import asyncio

import pytest

from db.models import PainRating, RoutineSession, UserProgress
from emulator.render import plain
from tests.e2e.helpers import rows
from tests.e2e.test_pain import (
    BREATH,
    HOW_STRONG,
    NO_SESSION,
    WARNING,
    assert_no_beat_after,
    consent,
    sends_after,
    start_session,
)

DENIAL = {"en": "Good to hear", "ru": "Рад это слышать"}
DOES_IT_HURT = {"en": "Does it hurt?", "ru": "Вам больно?"}
HURTS = {"en": "🛑 It hurts", "ru": "🛑 Больно"}
FINE = {"en": "No, it is fine", "ru": "Нет, всё в порядке"}
PAUSED = {"en": "Paused.", "ru": "Пауза"}


async def follow_up(user):  # type: ignore[no-untyped-def]
    """The next follow-up question sent (a closed earlier one is edited, not sent)."""
    return await user.wait_for(
        lambda e: e.kind == "send" and HOW_STRONG["en"] in plain(e.message), timeout=5
    )


async def reports(app) -> list[PainRating]:  # type: ignore[no-untyped-def]
    return [r for r in await rows(app, PainRating) if r.kind == "report"]


@pytest.mark.parametrize(
    ("language", "phrase"),
    [
        ("en", "no pain today"),
        ("en", "my back doesn't hurt anymore"),
        ("en", "I'm not in pain"),
        ("ru", "не болит"),
        ("ru", "сегодня ничего не болит"),
    ],
)
async def test_a_denial_gets_no_warning_and_no_report(app, make_user, language, phrase) -> None:  # type: ignore[no-untyped-def]
    user = make_user(language)
    await consent(user, language)
    await start_session(user, language)
    mark = user.mark()
    await user.send(phrase)
    reply = await user.wait_text(DENIAL[language])
    await asyncio.sleep(0.3)
    said = sends_after(user, mark)
    assert not [t for t in said if WARNING[language] in t or NO_SESSION[language] in t]
    assert await reports(app) == []
    [progress] = await rows(app, UserProgress)
    assert progress.flare_since is None  # no gentle plan for someone who said they are fine
    [session] = await rows(app, RoutineSession)
    assert session.status == "active"  # the session goes on
    assert user.buttons(reply.message_id) == [
        "🛑 It does hurt" if language == "en" else "🛑 Всё-таки больно"
    ]
    await user.send("/stop")


@pytest.mark.parametrize(
    ("language", "phrase"),
    [
        ("en", "ouch"),
        ("en", "I felt a twinge"),
        ("ru", "поясницу тянет"),
        ("ru", "спину тянет весь день"),
    ],
)
async def test_an_unclear_word_pauses_the_session_and_asks(
    app, make_user, language, phrase
) -> None:  # type: ignore[no-untyped-def]
    user = make_user(language)
    await consent(user, language)
    await start_session(user, language)
    await user.send(phrase)
    question = await user.wait_text(DOES_IT_HURT[language])
    assert user.buttons(question.message_id) == [HURTS[language], FINE[language]]
    [session] = await rows(app, RoutineSession)
    assert session.status == "paused"
    live = app.bot_data.sessions.get(user.chat_id)
    assert live is not None and live.paused
    mark = user.mark()
    await asyncio.sleep(0.5)  # several beats at this time scale: none may come while asking
    assert_no_beat_after(user, mark - 1)
    # It hurts: the warning first, the report in the person's own words.
    await user.press(HURTS[language], message_id=question.message_id)
    first = await user.wait_for(lambda e: e.kind == "send", timeout=5)
    assert WARNING[language] in plain(first.message)
    await user.wait_text(HOW_STRONG[language])
    [report] = await reports(app)
    assert (report.source, report.said) == ("words", phrase)


async def test_fine_resumes_the_paused_session(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await consent(user)
    await start_session(user)
    await user.send("it feels tight")
    question = await user.wait_text(DOES_IT_HURT["en"])
    await user.press(FINE["en"], message_id=question.message_id)
    await user.wait_text("the session goes on")
    live = app.bot_data.sessions.get(user.chat_id)
    assert live is not None and not live.paused
    [session] = await rows(app, RoutineSession)
    assert session.status == "active"
    assert await reports(app) == []
    # The question's buttons are gone: a second tap is stale, not a second answer.
    assert user.buttons(question.message_id) == []
    await user.send("/stop")


async def test_an_unclear_word_outside_a_session_asks_too(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user("ru")
    await user.send("скованность в спине")
    question = await user.wait_text(DOES_IT_HURT["ru"])
    assert "пауз" not in plain(question.message)
    await user.press(FINE["ru"], message_id=question.message_id)
    await user.wait_text("Если заболит")
    assert (
        await rows(app, UserProgress) == []
        or (await rows(app, UserProgress))[0].flare_since is None
    )


@pytest.mark.parametrize(
    ("language", "phrase"), [("en", "my left leg went numb"), ("ru", "немеет левая нога")]
)
async def test_a_numb_leg_brings_the_emergency_questions(app, make_user, language, phrase) -> None:  # type: ignore[no-untyped-def]
    user = make_user(language)
    await consent(user, language)
    await start_session(user, language)
    await user.send(phrase)
    first = await user.wait_for(lambda e: e.kind == "send", timeout=5)
    assert WARNING[language] in plain(first.message)
    asked = await user.wait_text(
        "Do you have any of these right now?" if language == "en" else "Есть ли у вас сейчас"
    )
    assert HOW_STRONG[language] not in plain(asked.message)
    yes = "Yes, one or more" if language == "en" else "Да, что-то из этого"
    await user.press(yes, message_id=asked.message_id)
    await user.wait_text("Please get emergency care now" if language == "en" else "срочно")


async def test_each_way_of_reporting_is_stored_as_what_it_was(app, make_user) -> None:  # type: ignore[no-untyped-def]
    app.bot_data.settings.pain_episode_minutes = 0  # each report its own episode here
    user = make_user()
    await consent(user)
    await start_session(user)
    await user.press("It hurts")
    await follow_up(user)
    await user.send("/pain")
    await follow_up(user)
    await user.send("my back is aching")
    await follow_up(user)
    stored = sorted(await reports(app), key=lambda r: r.id)
    assert [(r.source, r.said) for r in stored] == [
        ("button", None),
        ("command", None),
        ("words", "my back is aching"),
    ]


async def test_words_are_kept_only_with_consent(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await start_session(user)
    await user.send("my back is aching")
    await user.wait_text(HOW_STRONG["en"])
    assert await reports(app) == []  # no consent: no report, no words


async def test_repeated_words_within_minutes_are_one_report_and_one_follow_up(
    app, make_user
) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await consent(user)
    await start_session(user)
    await user.send("it hurts")
    first = await user.wait_text(HOW_STRONG["en"])
    await user.press("6", message_id=first.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == first.message_id)
    mark = user.mark()
    await user.send("it really hurts now")
    await user.wait_text(WARNING["en"] if False else NO_SESSION["en"])
    second = await user.wait_text("added this to the report")
    # The report had how strong: the follow-up goes on with where. The old one is closed.
    assert "Where do you feel it?" in plain(second.message)
    assert user.buttons(first.message_id) == []
    [report] = await reports(app)
    assert report.value == 6 and report.said == "it hurts / it really hurts now"
    [progress] = await rows(app, UserProgress)
    # Two levels back once, not twice; one morning check.
    assert progress.level == 0
    assert len([t for t in sends_after(user, mark) if NO_SESSION["en"] in t]) == 1


async def test_free_text_under_a_hold_never_invites_to_exercise(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from tests.e2e.test_pain import report_with_emergency_signs

    user = make_user()
    await report_with_emergency_signs(user)
    await user.wait_text("Please get emergency care now")
    await user.send("hello")
    reply = plain((await user.wait_text("on hold for your safety")).message)
    assert "/routine" not in reply
    # A new report under the hold: the warning, then the urgent advice again, nothing else.
    mark = user.mark()
    await user.send("my left leg went numb")
    await user.wait_text(NO_SESSION["en"])
    await user.wait_text("Please get emergency care now")
    await user.expect_silence(0.3)
    assert not [t for t in sends_after(user, mark) if "How strong" in t or "gentle plan" in t]
    assert BREATH["en"] not in " ".join(sends_after(user, mark))


async def test_start_under_a_hold_never_invites_to_exercise(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from tests.e2e.test_pain import report_with_emergency_signs

    user = make_user()
    await consent(user)
    await report_with_emergency_signs(user)
    await user.wait_text("Please get emergency care now")
    await user.send("/start")
    welcome = plain((await user.wait_text("Welcome back")).message)
    assert "on hold for your safety" in welcome
    assert "start today's routine" not in welcome and "every exercise" not in welcome.lower()
    await user.send("/help")
    assert "Your routine is on hold for your safety" in plain(
        (await user.wait_text("What I can do")).message
    )
