"""/progress end to end, in English and Russian: the chart is a phone-sized PNG, the report a PDF
with the user's ratings and reports (Cyrillic for a Russian user), the weekly check is stored and
charted, a user with no data gets a kind line, and which exercise hurt changes the next plan."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime

import pytest
from PIL import Image
from pypdf import PdfReader

from db.models import ExercisePain, PegScore, Reminder, RoutineSession
from emulator.render import plain
from handlers.progress import gather
from tests.e2e.helpers import FakeClock, dispatch_now, reach_check_in, rows
from ui.progress import chart_for

CONSENT = {"en": "I agree", "ru": "Даю согласие"}
ROUTINE = {"en": "Quick routine", "ru": "Короткий комплекс"}
HURTS = {"en": "It hurts", "ru": "Больно"}
AFTER = {"en": "How does your back feel now?", "ru": "Как спина сейчас?"}
TITLE = {"en": "Your progress", "ru": "Ваш прогресс"}
NO_DATA = {"en": "Nothing to show yet", "ru": "Пока показывать нечего"}
SEVEN = {"en": "7 days", "ru": "7 дней"}
REPORT = {"en": "Report for my doctor", "ru": "Отчёт для врача"}
HOW_STRONG = {"en": "How strong is the pain right now?", "ru": "Насколько сильная боль сейчас?"}
LOWER_BACK = {"en": "Lower back", "ru": "Поясница"}
WEEKLY_ON = {"en": "Weekly check: turn on", "ru": "Еженедельный опрос: включить"}
OFFICE = {"en": "Seated / office", "ru": "Сидя / в офисе"}
THE_SAME = {"en": "The same", "ru": "Так же"}
NOT_YET = {"en": "Not yet", "ru": "Пока нет"}
GENTLE = {"en": "Gentle plan", "ru": "Щадящий план"}
NORMAL_PLAN = {"en": "Back to my normal plan", "ru": "Вернуться к обычному плану"}
NOT_AN_EXERCISE = {"en": "It was not an exercise", "ru": "Дело не в упражнении"}
WHICH = {"en": "I noted that", "ru": "Я отметил, что боль появилась"}
NOTED_HURT = {"en": " hurt: ", "ru": ": "}  # between the exercise's name and what changes
# The line under the question names only what can be tapped.
TAP_OTHER = {"en": "If it was another exercise, tap it.", "ru": "Если боль появилась на другом"}
TAP_NONE = {"en": "did not come from an exercise", "ru": "не связана с упражнением"}
LEFT_OUT_OF_OTHERS = {
    "en": "I will leave it out of your other routines for a while",
    "ru": "какое-то время его не будет в других ваших комплексах",
}
EASIER_VERSION = {"en": "its easier version", "ru": "облегчённый вариант"}
LEFT_OUT_TODAY = {"en": "it is left out today", "ru": "сегодня этого упражнения не будет"}


async def consent(user, language: str) -> None:  # type: ignore[no-untyped-def]
    await user.send("/start")
    await user.next_message()
    await user.press(CONSENT[language])
    await user.next_message()


async def session_with_ratings(user, language: str, before: str, after: str) -> None:  # type: ignore[no-untyped-def]
    """A whole quick routine: check-in `before`, after-session rating `after`."""
    await user.send("/routine")
    await user.next_message()
    await user.press(ROUTINE[language])
    await reach_check_in(user, language)
    await user.press(before)
    await user.wait_text(AFTER[language], timeout=60)
    await user.press(after)
    # The summary replaces the question (an edit).
    await user.wait_for(lambda e: e.kind == "edit" and "/10" in plain(e.message), timeout=5)


async def start(user, language: str, routine: str, checkin: str = "2") -> None:  # type: ignore[no-untyped-def]
    """Choose a routine from /routine and check in (a calm one: no flare-up questions)."""
    await user.send("/routine")
    await user.next_message()
    await user.press(routine)
    await reach_check_in(user, language)
    await user.press(checkin)


async def start_after_pain(user, language: str, routine: str, plan: str) -> None:  # type: ignore[no-untyped-def]
    """Choose a routine after a pain report: the same pain, no doctor yet, then `plan` (the
    gentle plan or back to the normal plan), and check in."""
    await user.send("/routine")
    await user.next_message()
    await user.press(routine)
    await user.press(THE_SAME[language], timeout=5)
    await user.press(NOT_YET[language], timeout=5)
    await user.press(plan, timeout=5)
    await reach_check_in(user, language)
    await user.press("2")


SKIP = {"en": "Skip", "ru": "Пропустить"}
NO_SIGNS = {"en": "No, none of these", "ru": "Нет, ничего из этого"}


async def it_hurts_then_which_exercise(user, language: str):  # type: ignore[no-untyped-def]
    """It hurts, then the follow-up one question at a time (how strong and where skipped, no
    warning signs): which exercise hurt is asked last."""
    await user.press(HURTS[language])
    question = await user.wait_for(
        lambda e: (
            e.kind == "send"
            and ("How strong" in plain(e.message) or "Насколько" in plain(e.message))
        ),
        timeout=10,
    )
    for label in (SKIP[language], SKIP[language], NO_SIGNS[language], NO_SIGNS[language]):
        await user.press(label, message_id=question.message_id)
        await user.wait_for(lambda e: e.message_id == question.message_id and e.kind == "edit")
    return await user.wait_text(WHICH[language], timeout=10)


async def progress_photo(user, language: str):  # type: ignore[no-untyped-def]
    await user.send("/progress")
    return await user.wait_for(
        lambda e: (
            e.kind == "send"
            and "photo" in (e.message or {})
            and TITLE[language] in plain(e.message)
        ),
        timeout=20,
    )


async def session_stopped_for_pain(user, language: str, before: str):  # type: ignore[no-untyped-def]
    """A quick routine stopped by It hurts at its first exercise: 6, in the lower back. The
    follow-up question (its message now asks about warning signs)."""
    await user.send("/routine")
    await user.next_message()
    await user.press(ROUTINE[language])
    await reach_check_in(user, language)
    await user.press(before)
    await user.wait_text("1/4", timeout=10)
    await user.press(HURTS[language])
    question = await user.wait_text(HOW_STRONG[language], timeout=10)
    await user.press("6", message_id=question.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    await user.press(LOWER_BACK[language], message_id=question.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    return question


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    """Sessions at a faster pace than elsewhere: these tests are about what follows them. They
    tap in seconds what a person taps over minutes: the flood limit gets room for that."""
    return settings.model_copy(update={"routine_time_scale": 0.015, "user_burst": 60})


def png_size(data: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()  # decodes it whole
    return image.size


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_user_with_no_data_gets_a_kind_line_not_a_chart(app, make_user, language) -> None:  # type: ignore[no-untyped-def]
    user = make_user(language)
    await consent(user, language)
    await user.send("/progress")
    reply = await user.next_message()
    assert NO_DATA[language] in plain(reply)
    assert "photo" not in reply
    assert user.buttons(reply["message_id"]) == [WEEKLY_ON[language].join(["🗓 ", ""])]


async def test_without_consent_the_weekly_check_is_not_offered(app, make_user) -> None:  # type: ignore[no-untyped-def]
    """The weekly check stores answers: after /delete (consent gone) /progress does not offer
    it, and its old button answers that consent comes first, storing nothing."""
    user = make_user()
    await consent(user, "en")
    await user.send("/progress")
    before = await user.next_message()
    assert user.buttons(before["message_id"]) == [WEEKLY_ON["en"].join(["🗓 ", ""])]
    await user.send("/delete")
    await user.press("Yes, delete everything")
    await user.wait_text("deleted")
    await user.send("/progress")
    after = await user.next_message()
    assert NO_DATA["en"] in plain(after)
    assert user.buttons(after["message_id"]) == []
    await user.press(WEEKLY_ON["en"], message_id=before["message_id"])
    await user.wait_text("needs your consent first")
    assert await rows(app, Reminder) == []


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_chart_is_a_phone_png_and_the_periods_edit_one_message(  # type: ignore[no-untyped-def]
    app, make_user, language
) -> None:
    user = make_user(language)
    await consent(user, language)
    await session_with_ratings(user, language, "4", "3")
    shown = await progress_photo(user, language)
    width, height = png_size(user.download(shown.message))
    assert width >= 1080 and height >= 800
    assert TITLE[language] in plain(shown.message)
    await user.press(SEVEN[language], message_id=shown.message_id)
    edited = await user.wait_for(
        lambda e: e.kind == "edit" and e.message_id == shown.message_id, timeout=20
    )
    assert png_size(user.download(edited.message))[0] >= 1080
    assert f"• {SEVEN[language]} •" in user.buttons(shown.message_id)
    charts = [e for e in user.events if e.kind == "send" and TITLE[language] in plain(e.message)]
    assert len(charts) == 1  # edited in place, not sent again


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_report_is_a_pdf_with_the_ratings_and_reports(app, make_user, language) -> None:  # type: ignore[no-untyped-def]
    user = make_user(language)
    await consent(user, language)
    await session_with_ratings(user, language, "4", "3")
    # A second session stopped for pain, reported as 6 in the lower back.
    await session_stopped_for_pain(user, language, "5")
    shown = await progress_photo(user, language)
    await user.press(REPORT[language], message_id=shown.message_id)
    sent = await user.wait_for(
        lambda e: e.kind == "send" and e.message is not None and "document" in e.message,
        timeout=30,
    )
    document = sent.message["document"]
    assert re.fullmatch(r"backcare-report-\d{4}-\d{2}-\d{2}\.pdf", document["file_name"])
    reader = PdfReader(io.BytesIO(user.download(sent.message)))
    assert 1 <= len(reader.pages) <= 2
    extracted = "\n".join(page.extract_text() for page in reader.pages)
    assert "6/10" in extracted and LOWER_BACK[language] in extracted  # the report
    assert re.search(r"\b4\s+3\b", extracted), extracted  # the session: before 4, after 3
    assert "Backcare" in extracted
    cyrillic = len(re.findall(r"[А-Яа-яЁё]", extracted))
    if language == "ru":
        assert cyrillic > 200
    else:
        assert cyrillic == 0


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_weekly_check_is_stored_and_charted(app, make_user, language) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    app.bot_data.now = clock
    user = make_user(language)
    await consent(user, language)
    await user.send("/timezone UTC")
    await user.next_message()
    await user.send("/progress")
    reply = await user.next_message()
    await user.press(WEEKLY_ON[language], message_id=reply["message_id"])
    await user.wait_text("19:00")
    [check] = [r for r in await rows(app, Reminder) if r.kind == "weekly_check"]
    assert check.days == 1 << 1  # Tuesday, like the day it was turned on
    clock.advance(hours=7)  # 19:00
    await dispatch_now(app)
    question = await user.wait_text("1 of 3" if language == "en" else "1 из 3")
    for answer in ("6", "5", "4"):
        await user.press(answer, message_id=question.message_id)
        await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    assert "<b>5</b>" in str(user.messages[question.message_id].get("text")) or "5" in plain(
        user.messages[question.message_id]
    )
    [score] = await rows(app, PegScore)
    assert (score.pain, score.enjoyment, score.activity) == (6, 5, 4)
    facts, _, _ = await gather(app.bot_data, user.user_id)
    assert facts is not None
    chart = chart_for(app.bot_data.content, language, facts, 7)
    assert [value for _, value in chart.pegs] == [5.0]
    shown = await progress_photo(user, language)  # PEG alone is enough for a chart
    assert png_size(user.download(shown.message))[0] >= 1080


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_which_exercise_hurt_changes_the_next_plan(app, make_user, language) -> None:  # type: ignore[no-untyped-def]
    user = make_user(language)
    await consent(user, language)
    await start(user, language, ROUTINE[language])
    await user.wait_text("3/4", timeout=20)  # baby cobra, after breathing and cat and cow
    asked = await it_hurts_then_which_exercise(user, language)
    [noted] = await rows(app, ExercisePain)
    assert noted.exercise_id == "baby_cobra" and noted.change == "leave_out"  # the default
    assert TAP_OTHER[language] in plain(asked.message)
    assert TAP_NONE[language] not in plain(asked.message)
    cat_cow = "Cat and cow" if language == "en" else "«Кошка и корова»"
    await user.press(cat_cow, message_id=asked.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == asked.message_id)
    [changed] = await rows(app, ExercisePain)
    assert (changed.exercise_id, changed.change) == ("cat_cow", "easier")
    # The next session: back to the normal plan after the flare-up questions.
    await start_after_pain(user, language, ROUTINE[language], NORMAL_PLAN[language])
    note = await user.wait_text("hurt recently" if language == "en" else "недавно было больно")
    easier = "Cat and cow on a chair" if language == "en" else "«Кошка и корова» на стуле"
    assert easier in plain(note.message)
    await user.wait_text(f"2/4 · {easier}", timeout=20)
    sessions = await rows(app, RoutineSession)
    assert sessions[-1].routine_id == "quick~1e"
    await user.send("/stop")


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_easier_version_that_hurt_is_never_named_as_its_own(  # type: ignore[no-untyped-def]
    app, make_user, language
) -> None:
    """The gentle plan shows chair_twist's easier version. When it hurts, the note names that
    version and says what really changes: left out of the other routines (the gentle plan is
    never adapted), never "its easier version, <itself>". While it is on screen, the live cues
    are its own, never "turn a little further"."""
    twist = app.bot_data.content.exercises["chair_twist"]
    small_turn = twist.easier.title[language]
    user = make_user(language)
    await consent(user, language)
    # A first pain report (not an exercise's fault) brings the gentle plan.
    await start(user, language, ROUTINE[language])
    await user.wait_text("1/4", timeout=10)
    asked = await it_hurts_then_which_exercise(user, language)
    # The first exercise: no other to tap, so none is invited.
    assert TAP_NONE[language] in plain(asked.message)
    assert TAP_OTHER[language] not in plain(asked.message)
    await user.press(NOT_AN_EXERCISE[language], message_id=asked.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == asked.message_id)
    await start_after_pain(user, language, ROUTINE[language], GENTLE[language])
    await user.wait_text(f"3/3 · {small_turn}", timeout=20)
    cue = await user.wait_text(twist.easier.breathing.exhale[language], timeout=10)
    assert twist.breathing.exhale[language] not in plain(cue.message)
    asked = await it_hurts_then_which_exercise(user, language)
    said = plain(asked.message)
    assert f"{small_turn}{NOTED_HURT[language]}{LEFT_OUT_OF_OTHERS[language]}" in said
    assert EASIER_VERSION[language] not in said  # "its easier version, <the same thing>"
    [noted] = await rows(app, ExercisePain)
    assert (noted.exercise_id, noted.change) == ("chair_twist", "leave_out")
    # Back on a normal plan, the chair twist is left out, and the plan note says so.
    await start_after_pain(user, language, OFFICE[language], NORMAL_PLAN[language])
    await user.wait_text(LEFT_OUT_TODAY[language], timeout=10)
    sessions = await rows(app, RoutineSession)
    assert sessions[-1].routine_id == "office~2o"
    await user.send("/stop")


async def test_export_includes_and_delete_removes_the_new_health_data(app, make_user) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    app.bot_data.now = clock
    user = make_user()
    await consent(user, "en")
    await user.send("/progress")
    reply = await user.next_message()
    await user.press(WEEKLY_ON["en"], message_id=reply["message_id"])
    await user.wait_text("The weekly check is on")
    clock.advance(hours=7)
    await dispatch_now(app)
    question = await user.wait_text("1 of 3")
    for answer in ("7", "6", "5"):
        await user.press(answer, message_id=question.message_id)
        await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    await user.send("/privacy")
    privacy = plain(await user.next_message())
    assert "weekly check answers (PEG-3)" in privacy and "which exercise hurt" in privacy
    await user.send("/export")
    exported = await user.wait_for(lambda e: e.kind == "send" and "document" in (e.message or {}))
    data = json.loads(user.download(exported.message))
    assert [
        (
            r["average_pain"],
            r["interference_with_enjoyment_of_life"],
            r["interference_with_general_activity"],
        )
        for r in data["weekly_checks"]
    ] == [(7, 6, 5)]
    assert [r["kind"] for r in data["reminders"]] == ["weekly_check"]
    assert "exercises_that_hurt" in data
    await user.send("/delete")
    await user.press("Yes, delete everything")
    await user.wait_text("deleted")
    assert await rows(app, PegScore) == [] and await rows(app, Reminder) == []


async def test_a_fixed_utc_offset_zone_works(app, make_user) -> None:  # type: ignore[no-untyped-def]
    """Found by tests/fuzz: a zone typed as "UTC-3" is stored as "UTC-03:00", not an IANA name."""
    user = make_user()
    await consent(user, "en")
    await user.send("/timezone UTC-3")
    await user.wait_text("Time zone set")
    await user.send("/progress")
    reply = await user.next_message()
    assert NO_DATA["en"] in plain(reply)
    await user.press(WEEKLY_ON["en"], message_id=reply["message_id"])
    await user.wait_text("The weekly check is on")
