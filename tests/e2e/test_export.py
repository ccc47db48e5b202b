"""/export end to end, in English and Russian: a person with data in every table gets a readable
summary in their language and a JSON document that validates against content/export.schema.json,
with every field described there, every stored column in it, health data decrypted, decoded
values instead of codes, times in their zone, and none of it in the log."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from db.models import Base
from emulator.render import plain
from tests.conftest import OUTPUT
from tests.e2e.helpers import FakeClock, dispatch_now, reach_check_in

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "content" / "export.schema.json"

# Where each stored column of a person's rows goes in the export ("list.field" or
# "object.field"). A new column fails test_every_stored_column_has_a_place_in_the_export until
# it has a place here and in the export.
COLUMNS: dict[str, tuple[str, ...]] = {
    "users.id": ("person.telegram_user_id",),
    "users.language": ("person.language",),
    "users.timezone": ("person.time_zone_set",),
    "users.consent_at": ("person.health_data_consent_since",),
    "users.reminders_paused": ("person.all_reminders_paused",),
    "users.created_at": ("person.first_contact",),
    "users.updated_at": ("person.last_change",),
    "users.last_seen_at": ("person.last_active",),
    "users.safety_hold": ("safety.hold",),
    "users.hold_since": ("safety.hold_since",),
    "users.screened_at": ("safety.warning_sign_check_answered",),
    "users.next_day_checks": ("person.morning_check_after_pain",),
    "users.change_alerts": ("person.new_message_at_each_change",),
    "routine_sessions.id": ("sessions.session_number",),
    "routine_sessions.chat_id": ("sessions.chat_id",),
    "routine_sessions.routine_id": ("sessions.routine", "sessions.changed_after_pain"),
    "routine_sessions.level": ("sessions.level",),
    "routine_sessions.status": ("sessions.status",),
    "routine_sessions.beat_index": ("sessions.resume_point",),
    "routine_sessions.live_message_id": ("sessions.live_message_id",),
    "routine_sessions.exercises_done": ("sessions.exercises_done",),
    "routine_sessions.active_seconds": ("sessions.active_seconds",),
    "routine_sessions.item_marks": ("sessions.exercise_outcomes",),
    "routine_sessions.progress_applied": ("sessions.counted_for_progression",),
    "routine_sessions.owner": ("sessions.run_by_bot_process",),
    "routine_sessions.screen": ("sessions.shown_as",),
    "routine_sessions.started_at": ("sessions.started",),
    "routine_sessions.updated_at": ("sessions.last_change",),
    "routine_sessions.ended_at": ("sessions.ended",),
    "pain_ratings.session_id": (
        "ratings.session_number",
        "pain_reports.session_number",
        "warning_sign_answers.session_number",
    ),
    "pain_ratings.kind": ("ratings.asked",),  # and which list a row is in
    "pain_ratings.value": ("ratings.rating", "pain_reports.strength"),
    "pain_ratings.detail": ("pain_reports.where", "warning_sign_answers.warning_sign_answer"),
    "pain_ratings.source": ("pain_reports.made_with",),
    "pain_ratings.said": ("pain_reports.own_words",),
    "pain_ratings.at": ("ratings.at", "pain_reports.at", "warning_sign_answers.at"),
    "user_progress.level": ("progress.level",),
    "user_progress.previous_level": ("progress.previous_level",),
    "user_progress.good_sessions": ("progress.good_sessions_at_this_level",),
    "user_progress.last_routine": ("progress.last_routine",),
    "user_progress.flare_since": ("progress.gentle_plan_since",),
    "user_progress.last_pain_at": ("progress.last_pain_report",),
    "user_progress.calm_sessions": ("progress.calm_gentle_sessions",),
    "user_progress.updated_at": ("progress.last_change",),
    "plan_periods.kind": ("plan_periods.kind",),
    "plan_periods.started_at": ("plan_periods.started",),
    "plan_periods.ended_at": ("plan_periods.ended",),
    "peg_scores.pain": ("weekly_checks.average_pain",),
    "peg_scores.enjoyment": ("weekly_checks.interference_with_enjoyment_of_life",),
    "peg_scores.activity": ("weekly_checks.interference_with_general_activity",),
    "peg_scores.at": ("weekly_checks.at",),
    "exercise_pain.session_id": ("exercises_that_hurt.session_number",),
    "exercise_pain.exercise_id": ("exercises_that_hurt.exercise",),
    "exercise_pain.change": ("exercises_that_hurt.change",),
    "exercise_pain.at": ("exercises_that_hurt.at",),
    "reminders.id": ("reminders.reminder_number",),
    "reminders.chat_id": ("reminders.chat_id",),
    "reminders.local_time": ("reminders.local_time",),
    "reminders.days": ("reminders.reminder_days",),
    "reminders.zone": ("reminders.time_zone",),
    "reminders.kind": ("reminders.kind",),
    "reminders.enabled": ("reminders.on",),
    "reminders.next_due": ("reminders.next_due",),
    "reminders.created_at": ("reminders.created",),
    "reminder_deliveries.reminder_id": ("reminder_deliveries.reminder_number",),
    "reminder_deliveries.due": ("reminder_deliveries.due",),
    "reminder_deliveries.status": ("reminder_deliveries.status",),
    "reminder_deliveries.claimed_at": ("reminder_deliveries.claimed",),
    "reminder_deliveries.sent_at": ("reminder_deliveries.sent",),
    "reminder_deliveries.message_id": ("reminder_deliveries.message_id",),
    "reminder_deliveries.owner": ("reminder_deliveries.run_by_bot_process",),
}
# Stored columns the export leaves out, and why.
LEFT_OUT = {
    **{
        f"{table}.user_id": "the person (person.telegram_user_id)"
        for table in (
            "routine_sessions",
            "pain_ratings",
            "user_progress",
            "plan_periods",
            "peg_scores",
            "exercise_pain",
            "reminders",
            "reminder_deliveries",
        )
    },
    **{
        f"{table}.id": "a row number with no meaning outside the database (nothing refers to it)"
        for table in ("pain_ratings", "plan_periods", "peg_scores", "exercise_pain")
    },
    "reminder_deliveries.key": "the reminder and the due time, both exported",
    **{
        f"app_answers.{column}": "the Mini App's idempotency record: what the app was told "
        "(a session's number and state, exported with the session), kept a week, then pruned"
        for column in ("user_id", "key", "answer", "at")
    },
}
# Fields that stay empty in the export this test builds, and why.
EMPTY_HERE = {
    "safety.hold_since": "no hold: a hold stops sessions (tests/test_export_document.py has one)",
    "progress.gentle_plan_since": "the gentle plan ended (Back to my normal plan)",
    "warning_sign_answers.session_number": "the check is answered before a session starts",
    "sessions.live_message_id": "kept only while a session runs",
}

TEXTS = {
    "en": {
        "agree": "I agree",
        "zone_set": "Time zone set",
        "weekly_on": "Weekly check: turn on",
        "reminder_set": "Done: I will remind you",
        "peg": "1 of 3",
        "routine": "Quick routine",
        "after": "How does your back feel now?",
        "hurts": "It hurts",
        "strength": "How strong is the pain right now?",
        "lower_back": "Lower back",
        "same": "The same",
        "not_yet": "Not yet",
        "normal": "Back to my normal plan",
        "summary": [
            "What I store about you (3 December 2026)",
            "Consent for health data: given (since 3 December 2026).",
            "Time zone: Europe/Moscow.",
            "• 2 guided sessions, 1 completed, the last on ",
            "• 1 pain report, 1 of them in your own words",
            "• 1 answer about warning signs",
            "• 1 weekly check (PEG-3); the weekly check is on",
            "• 1 note of an exercise that hurt",
            "• 1 daily reminder",
            "Safety: no hold, the normal plan.",
            "All of it is in the file below (JSON; times in Europe/Moscow).",
        ],
        "routine_name": "Quick routine",
        "exercise": "Cat and cow",
    },
    "ru": {
        "agree": "Даю согласие",
        "zone_set": "Часовой пояс: Europe/Moscow",
        "weekly_on": "Еженедельный опрос: включить",
        "reminder_set": "Готово: напомню",
        "peg": "1 из 3",
        "routine": "Короткий комплекс",
        "after": "Как спина сейчас?",
        "hurts": "Больно",
        "strength": "Насколько сильная боль сейчас?",
        "lower_back": "Поясница",
        "same": "Так же",
        "not_yet": "Пока нет",
        "normal": "Вернуться к обычному плану",
        "summary": [
            "Что я о вас храню (на 3 декабря 2026)",
            "Согласие на хранение данных о здоровье: дано (с 3 декабря 2026).",
            "Часовой пояс: Europe/Moscow.",
            "• 2 занятия, 1 завершено, последнее — ",
            "• 1 сообщение о боли, из них 1 — вашими словами",
            "• 1 ответ о тревожных признаках",
            "• 1 еженедельный опрос (PEG-3); еженедельный опрос включён",
            "• 1 отметка об упражнении, на котором было больно",
            "• 1 ежедневное напоминание",
            "Безопасность: ограничений нет, обычный план.",
            "Всё целиком — в файле ниже (JSON; время указано в поясе Europe/Moscow).",
        ],
        "routine_name": "Короткий комплекс",
        "exercise": "«Кошка и корова»",
    },
}
OWN_WORDS = "my lower back aches when I bend"


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    """Sessions at a faster pace: this test is about what they leave behind."""
    return settings.model_copy(update={"routine_time_scale": 0.015})


def test_every_stored_column_has_a_place_in_the_export() -> None:
    stored = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        if table.name == "users" or "user_id" in table.c
        for column in table.columns
    }
    assert stored - set(COLUMNS) - set(LEFT_OUT) == set(), "stored but not exported"
    assert (set(COLUMNS) | set(LEFT_OUT)) - stored == set(), "no such column"


def undescribed(schema: dict[str, Any], value: Any, path: str = "") -> list[str]:
    """Paths of fields in `value` that the schema does not describe (walking objects and lists)."""
    found = []
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key, item in value.items():
            field = properties.get(key)
            if field is None or not str(field.get("description", "")).strip():
                found.append(f"{path}.{key}")
            else:
                found += undescribed(field, item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += undescribed(schema.get("items", {}), item, f"{path}[{index}]")
    return found


def values_at(document: dict[str, Any], path: str) -> list[Any]:
    """Every value of "section.field" in the document (one per row of a list section)."""
    section, field = path.split(".")
    part = document[section]
    assert part, f"{section} is empty: the test stores nothing there"
    items = part if isinstance(part, list) else [part]
    assert all(field in item for item in items), f"{path} missing"
    return [item[field] for item in items]


def times_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [t for item in value.values() for t in times_in(item)]
    if isinstance(value, list):
        return [t for item in value for t in times_in(item)]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T.*", value):
        return [value]
    return []


async def build_a_history(app, user, language: str, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """Data in every table, made the way a person makes it."""
    say = TEXTS[language]
    await user.send("/start")
    await user.press(say["agree"], message_id=(await user.next_message())["message_id"])
    await user.next_message()
    # Moscow: UTC+03:00 all year, so times written at the real moment carry it too.
    await user.send("/timezone Europe/Moscow")
    await user.wait_text(say["zone_set"])
    await user.send("/progress")  # the weekly check: Thursdays at 19:00 Moscow time
    await user.press(say["weekly_on"], message_id=(await user.next_message())["message_id"])
    await user.wait_text("19:00")
    await user.send("/remind 18:00")
    await user.wait_text(say["reminder_set"])
    clock.advance(hours=6, minutes=1)  # 15:01 UTC, 18:01 in Moscow: the daily reminder
    await dispatch_now(app)
    await user.wait_for(lambda e: e.kind == "send" and "▶" in str(e.message))
    clock.advance(hours=1)  # 19:01 in Moscow: the weekly check
    await dispatch_now(app)
    question = await user.wait_text(say["peg"])
    for answer in ("6", "5", "4"):
        await user.press(answer, message_id=question.message_id)
        await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    # A whole session (the warning-sign check first), rated before and after.
    await user.send("/routine")
    await user.press(say["routine"], message_id=(await user.next_message())["message_id"])
    await reach_check_in(user, language)
    await user.press("3")
    await user.wait_text(say["after"], timeout=60)
    await user.press("2")
    await user.wait_for(lambda e: e.kind == "edit" and "/10" in plain(e.message), timeout=5)
    # A session stopped for pain, at cat and cow: how strong, where, which exercise.
    await user.send("/routine")
    await user.press(say["routine"], message_id=(await user.next_message())["message_id"])
    await reach_check_in(user, language)
    await user.press("4")
    await user.wait_text("2/4", timeout=20)
    await user.send(OWN_WORDS)  # in the person's own words: kept with the report (consent)
    question = await user.wait_text(say["strength"], timeout=10)
    await user.press("6", message_id=question.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    await user.press(say["lower_back"], message_id=question.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    # Back to the normal plan: the gentle period ends (the next session waits for its check-in).
    await user.send("/routine")
    await user.press(say["routine"], message_id=(await user.next_message())["message_id"])
    await user.press(say["same"], timeout=5)
    await user.press(say["not_yet"], timeout=5)
    await user.press(say["normal"], timeout=5)
    await reach_check_in(user, language)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_export_is_readable_complete_and_described(app, make_user, language) -> None:  # type: ignore[no-untyped-def]
    say = TEXTS[language]
    clock = FakeClock(datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    app.bot_data.now = clock
    user = make_user(language)
    await build_a_history(app, user, language, clock)
    logged_before = len(OUTPUT.texts)

    await user.send("/export")
    summary = plain((await user.wait_text(say["summary"][0], kinds=("send",))).message)
    sent = await user.wait_for(lambda e: e.kind == "send" and "document" in (e.message or {}))
    document = json.loads(user.download(sent.message))

    # The summary: plain words in the person's language, counts in their plural forms.
    for line in say["summary"]:
        assert line in summary, (line, summary)
    ratings = len(document["ratings"])
    assert ratings >= 3  # the two check-ins and the after-session rating
    said = app.bot_data.content.text(language, "privacy.export.ratings", count=ratings)
    assert f"• {said}\n" in summary
    assert sent.message["document"]["file_name"] == "backcare-data-2026-12-03.json"

    # The document: valid, every field described, every stored column present.
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(document)]
    assert errors == []
    assert undescribed(schema, document) == []
    for paths in COLUMNS.values():
        for path in paths:
            values = values_at(document, path)
            if path not in EMPTY_HERE:
                assert any(v is not None for v in values), f"{path} is always null"

    # Decoded, decrypted and in the person's zone.
    person = document["person"]
    assert person["telegram_user_id"] == user.user_id
    assert person["health_data_consent_since"] == "2026-12-03T12:00:00+03:00"
    assert document["time_zone"] == "Europe/Moscow"
    assert all(t.endswith("+03:00") for t in times_in(document))
    [report] = document["pain_reports"]
    assert (report["strength"], report["where"], report["made_with"], report["own_words"]) == (
        6,
        "lower_back",
        "own_words",
        OWN_WORDS,
    )
    answers = [
        (a["warning_sign_answer"], a["asked_where"]) for a in document["warning_sign_answers"]
    ]
    assert answers == [("none", "first_check_pain_already_assessed")]
    assert [r["asked"] for r in document["ratings"]][:2] == ["before_session", "after_session"]
    [check] = document["weekly_checks"]
    assert (
        check["average_pain"],
        check["interference_with_enjoyment_of_life"],
        check["interference_with_general_activity"],
    ) == (6, 5, 4)
    [hurt] = document["exercises_that_hurt"]
    assert (hurt["exercise"], hurt["change"]) == (say["exercise"], "easier_variant")
    kinds = {r["kind"]: r for r in document["reminders"]}
    assert kinds["daily_invitation"]["reminder_days"] == [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
    assert kinds["weekly_check"]["reminder_days"] == ["thursday"]
    assert {"daily_invitation", "weekly_check", "morning_check_after_pain"} <= set(kinds)
    assert [s["routine"] for s in document["sessions"]] == [say["routine_name"]] * 2
    assert [s["status"] for s in document["sessions"]] == ["completed", "stopped_for_pain"]
    assert document["sessions"][0]["exercise_outcomes"] == ["done"] * 4
    assert document["sessions"][1]["exercise_outcomes"][:2] == ["done", "hurt"]
    assert [d["status"] for d in document["reminder_deliveries"]] == ["sent", "sent"]
    assert [p["kind"] for p in document["plan_periods"]] == ["gentle_plan"]

    # Nothing of it reached the log.
    logged = "\n".join(OUTPUT.texts[logged_before:])
    assert OWN_WORDS not in logged and "lower_back" not in logged
