"""Triage in proportion, end to end: long-standing back pain a clinician has assessed passes the
first check; the signs of a new episode are asked only where nobody has; a mistaken emergency Yes
is corrected with two deliberate taps, and only right after it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from db.models import PainRating, RoutineSession, User
from emulator.render import plain
from tests.e2e.helpers import NONE_OF_THESE, FakeClock, rows
from tests.e2e.test_pain import BREATH, ROUTINE, consent

FIRST = {"en": "short safety check", "ru": "проверка безопасности"}
KNOWN = {"en": "Yes, and it has not changed", "ru": "Да, и ничего не изменилось"}
NEW = {"en": "No, or it is new or changed", "ru": "Нет, или боль новая либо изменилась"}
ONSET = {"en": "before the age of 20 or after 50", "ru": "до 20 лет или после 50"}
YES = {"en": "Yes, one or more", "ru": "Да, что-то из этого"}


async def first_check(user, language: str):  # type: ignore[no-untyped-def]
    await user.send("/routine")
    await user.next_message()
    await user.press(ROUTINE[language])
    return await user.wait_text(FIRST[language])


async def next_question(user, message):  # type: ignore[no-untyped-def]
    return await user.wait_for(lambda e: e.kind == "edit" and e.message_id == message.message_id)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_assessed_long_standing_pain_passes_to_a_normal_session(
    app, make_user, language
) -> None:  # type: ignore[no-untyped-def]
    user = make_user(language)
    await consent(user, language)
    check = await first_check(user, language)
    assert user.buttons(check.message_id) == [KNOWN[language], NEW[language]]
    await user.press(KNOWN[language], message_id=check.message_id)
    await next_question(user, check)
    await user.press(NONE_OF_THESE[language], message_id=check.message_id)
    doctor = await next_question(user, check)
    assert ONSET[language] not in plain(doctor.message)  # not a new episode: not asked
    await user.press(NONE_OF_THESE[language], message_id=check.message_id)
    await user.wait_text("How is your back today?" if language == "en" else "Как ваша спина")
    await user.press("2")
    await user.wait_text(BREATH[language], timeout=5)
    [session] = await rows(app, RoutineSession)
    assert session.routine_id == "quick"  # the normal plan, not only the gentle one
    [stored] = await rows(app, User)
    assert stored.safety_hold is None
    answers = [r.detail for r in await rows(app, PainRating) if r.kind == "red_flag"]
    assert answers == ["none:k"]
    await user.send("/stop")


async def test_a_new_episode_is_asked_the_signs_of_a_new_episode(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    check = await first_check(user, "en")
    await user.press(NEW["en"], message_id=check.message_id)
    await next_question(user, check)
    await user.press(NONE_OF_THESE["en"], message_id=check.message_id)
    doctor = await next_question(user, check)
    text = plain(doctor.message)
    assert ONSET["en"] in text and "4–6 weeks" in text and "weakened immune system" in text


async def test_a_mistaken_emergency_yes_is_corrected_with_two_taps(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await consent(user)
    check = await first_check(user, "en")
    await user.press(KNOWN["en"], message_id=check.message_id)
    await next_question(user, check)
    await user.press(YES["en"], message_id=check.message_id)
    advice = await user.wait_text("Please get emergency care now")
    assert "Tapped Yes by mistake" in plain(advice.message)
    # The first tap only asks again: the hold stands until the second.
    await user.press("It was a mistake", message_id=advice.message_id)
    again = await user.wait_text("Let's check once more")
    assert user.buttons(again.message_id) == ["Yes, one or more", "None of these apply to me"]
    [stored] = await rows(app, User)
    assert stored.safety_hold == "emergency"
    await user.press("None of these apply to me", message_id=again.message_id)
    await user.wait_text("The hold is lifted")
    # The check goes on where it was: the see-a-doctor signs, for an assessed episode.
    doctor = await user.wait_text("And any of these?")
    assert ONSET["en"] not in plain(doctor.message)
    [stored] = await rows(app, User)
    assert stored.safety_hold is None and stored.screened_at is None
    answers = [r.detail for r in await rows(app, PainRating) if r.kind == "red_flag"]
    assert answers == ["corrected:k"]  # the record says what happened, not "emergency"
    await user.press(NONE_OF_THESE["en"], message_id=doctor.message_id)
    await user.wait_text("How is your back today?")


async def test_yes_again_keeps_the_hold(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    check = await first_check(user, "en")
    await user.press(NEW["en"], message_id=check.message_id)
    await next_question(user, check)
    await user.press(YES["en"], message_id=check.message_id)
    advice = await user.wait_text("Please get emergency care now")
    await user.press("It was a mistake", message_id=advice.message_id)
    again = await user.wait_text("Let's check once more")
    await user.press("Yes, one or more", message_id=again.message_id)
    await user.wait_text("Please get emergency care now")
    [stored] = await rows(app, User)
    assert stored.safety_hold == "emergency"


async def test_a_mistake_can_be_corrected_only_right_after_it(app, make_user) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime(2026, 12, 5, 10, 0, tzinfo=UTC))
    app.bot_data.now = clock
    user = make_user()
    check = await first_check(user, "en")
    await user.press(NEW["en"], message_id=check.message_id)
    await next_question(user, check)
    await user.press(YES["en"], message_id=check.message_id)
    advice = await user.wait_text("Please get emergency care now")
    clock.advance(minutes=app.bot_data.settings.hold_mistap_minutes + 1)
    _, data = user.find_button("It was a mistake", advice.message_id)
    toast = await user.answer_for(await user.press_data(advice.message_id, data))
    assert toast is not None and "can no longer be undone" in toast
    await user.send("/routine")
    later = await user.wait_text("Please get emergency care now")
    assert "It was a mistake" not in user.buttons(later.message_id)
    [stored] = await rows(app, User)
    assert stored.safety_hold == "emergency"
