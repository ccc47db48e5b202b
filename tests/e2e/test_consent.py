"""Consent never changes silently, end to end in English and Russian: an old consent button asks
before it changes anything, every change gets a reply that says what it means, /start shows a
known person where consent stands, and withdrawal turns off what needs consent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from db.models import Reminder, User
from emulator.render import plain
from tests.e2e.helpers import FakeClock, rows

AGREE = {"en": "I agree", "ru": "Даю согласие"}
NOT_NOW = {"en": "Not now", "ru": "Не сейчас"}
GIVE = {"en": "Give consent", "ru": "Дать согласие"}
WITHDRAW = {"en": "Withdraw consent", "ru": "Отозвать согласие"}
KEEP = {"en": "Keep consent", "ru": "Оставить согласие"}
GIVEN = {"en": "Your ratings will be stored privately", "ru": "Ваши оценки будут храниться"}
ASK_WITHDRAW = {
    "en": "You agreed on 3 December 2026 that I keep your health data. Withdraw consent?",
    "ru": "Вы дали согласие на хранение данных о здоровье 3 декабря 2026. Отозвать его?",
}
ASK_GIVE = {"en": "Consent for health data is not given now. Give it?", "ru": "не дано. Дать его?"}
WITHDRAWN = {
    "en": "Consent withdrawn. What this means: from now on I keep no ratings",
    "ru": "Согласие отозвано. Что это значит: с этого момента я не храню оценки",
}
UNCHANGED_GIVEN = {
    "en": "Nothing changed: consent for health data is given (since 3 December 2026).",
    "ru": "Ничего не изменилось: согласие на хранение данных о здоровье дано (с 3 декабря 2026).",
}
WELCOME_BACK = {"en": "Welcome back, Ann!", "ru": "С возвращением, Ann!"}
STATE_GIVEN = {
    "en": "Consent for health data: given (since 3 December 2026). /privacy to change it.",
    "ru": "Согласие на хранение данных о здоровье: дано (с 3 декабря 2026). Изменить: /privacy.",
}
STATE_NOT_GIVEN = {
    "en": "Consent for health data: not given.",
    "ru": "Согласие на хранение данных о здоровье: не дано.",
}
PRIVACY_GIVEN = {
    "en": "Consent for health data: given (since 3 December 2026).",
    "ru": "Согласие на хранение данных о здоровье: дано (с 3 декабря 2026).",
}
WEEKLY_ON = {"en": "Weekly check: turn on", "ru": "Еженедельный опрос: включить"}
WEEKLY_OFF = {"en": "The weekly check is off too", "ru": "Еженедельный опрос тоже выключен"}
LANGUAGE = {"en": "Language: English", "ru": "Язык: Русский"}


@pytest.fixture
def clock(app) -> FakeClock:  # type: ignore[no-untyped-def]
    """The bot's clock on 3 December 2026 (consent given now is dated that day)."""
    fake = FakeClock(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    app.bot_data.now = fake
    return fake


async def consent_at(app, user) -> datetime | None:  # type: ignore[no-untyped-def]
    [person] = [u for u in await rows(app, User) if u.id == user.user_id]
    return person.consent_at


async def sent(user, fragment: str):  # type: ignore[no-untyped-def]
    """The next message the bot sends (not an edit) with this text."""
    return await user.wait_text(fragment, kinds=("send",))


async def welcome(user) -> dict:  # type: ignore[no-untyped-def,type-arg]
    await user.send("/start")
    return await user.next_message()


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_not_now_on_an_old_welcome_asks_before_withdrawing(  # type: ignore[no-untyped-def]
    app, clock, make_user, language
) -> None:
    """The reported bug: Not now on an old welcome withdrew consent with no reply."""
    user = make_user(language)
    old = await welcome(user)
    # Consent given elsewhere (/privacy): the welcome's buttons are still on screen.
    await user.send("/privacy")
    await user.press(GIVE[language], message_id=(await user.next_message())["message_id"])
    await sent(user, GIVEN[language])
    given = await consent_at(app, user)
    assert given is not None
    await user.press(NOT_NOW[language], message_id=old["message_id"])
    question = await sent(user, ASK_WITHDRAW[language])
    assert await consent_at(app, user) == given  # nothing changed yet
    assert user.buttons(question.message_id) == [WITHDRAW[language], KEEP[language]]
    assert user.buttons(old["message_id"]) == []  # the old buttons are retired
    await user.press(KEEP[language], message_id=question.message_id)
    await sent(user, UNCHANGED_GIVEN[language])
    assert await consent_at(app, user) == given
    # Pressed again, the same old button asks again; this time the answer is to withdraw.
    await user.press_data(old["message_id"], old_data(old, NOT_NOW[language]))
    question = await sent(user, ASK_WITHDRAW[language])
    await user.press(WITHDRAW[language], message_id=question.message_id)
    await sent(user, WITHDRAWN[language])
    assert await consent_at(app, user) is None


def old_data(message: dict, label: str) -> str:  # type: ignore[type-arg]
    """The callback data a button had when the message was sent."""
    for row in message["reply_markup"]["inline_keyboard"]:
        for button in row:
            if label in button["text"]:
                return str(button["callback_data"])
    raise AssertionError(f"no button {label!r}")


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_start_for_someone_who_agreed_shows_it_and_asks_nothing(  # type: ignore[no-untyped-def]
    app, clock, make_user, language
) -> None:
    user = make_user(language)
    first = await welcome(user)
    await user.press(AGREE[language], message_id=first["message_id"])
    await sent(user, GIVEN[language])
    again = await welcome(user)
    body = plain(again)
    assert WELCOME_BACK[language] in body and STATE_GIVEN[language] in body
    assert "/routine" in body
    assert user.buttons(again["message_id"]) == [LANGUAGE[language]]
    # I agree on the first welcome changes nothing, and says so.
    await user.press_data(first["message_id"], old_data(first, AGREE[language]))
    assert UNCHANGED_GIVEN[language] in plain(await user.next_message())


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_start_for_someone_who_declined_shows_how_to_give_it(  # type: ignore[no-untyped-def]
    app, clock, make_user, language
) -> None:
    user = make_user(language)
    first = await welcome(user)
    await user.press(NOT_NOW[language], message_id=first["message_id"])
    await user.next_message()
    again = await welcome(user)
    assert STATE_NOT_GIVEN[language] in plain(again)
    assert user.buttons(again["message_id"]) == [GIVE[language], LANGUAGE[language]]
    await user.press(GIVE[language], message_id=again["message_id"])
    await sent(user, GIVEN[language])
    assert await consent_at(app, user) == clock.moment
    await user.send("/privacy")
    assert PRIVACY_GIVEN[language] in plain(await user.next_message())


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_withdrawing_says_what_it_means_and_turns_off_the_weekly_check(  # type: ignore[no-untyped-def]
    app, clock, make_user, language
) -> None:
    user = make_user(language)
    await user.press(AGREE[language], message_id=(await welcome(user))["message_id"])
    await sent(user, GIVEN[language])
    await user.send("/progress")
    await user.press(WEEKLY_ON[language], message_id=(await user.next_message())["message_id"])
    await user.wait_for(lambda e: e.kind == "send" and "19:00" in plain(e.message))
    assert [r.kind for r in await rows(app, Reminder)] == ["weekly_check"]
    await user.send("/privacy")
    await user.press(WITHDRAW[language], message_id=(await user.next_message())["message_id"])
    reply = plain((await sent(user, WITHDRAWN[language])).message)
    assert "/delete" in reply and WEEKLY_OFF[language] in reply
    assert await consent_at(app, user) is None
    assert await rows(app, Reminder) == []


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_buttons_of_an_earlier_version_ask_before_changing(  # type: ignore[no-untyped-def]
    app, clock, make_user, language
) -> None:
    """Consent buttons sent before they remembered the state they were shown in."""
    user = make_user(language)
    first = await welcome(user)
    await user.press_data(first["message_id"], "v1.cs:yes")
    question = await sent(user, ASK_GIVE[language])
    assert await consent_at(app, user) is None
    await user.press(GIVE[language], message_id=question.message_id)
    await sent(user, GIVEN[language])
    await user.press_data(question.message_id, "v1.pv:withdraw")
    await sent(user, ASK_WITHDRAW[language])
    assert await consent_at(app, user) is not None
