"""The export as a document (services/export.build, no database) and its readable summary
(ui/export.summary_text): every field of the schema described, a safety hold and the gentle plan
decoded and summarised, Russian plural forms, reminder days from any bit mask."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from content import Content
from db.models import PainRating, PlanPeriod, Reminder, RoutineSession, User, UserProgress
from db.users import StoredRows
from services.export import DAYS, build, reminder_days
from ui.export import summary_text

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "content" / "export.schema.json").read_text("utf-8")
)
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def shown(html: str) -> str:
    """A message's text as the person reads it (the HTML tags left out)."""
    return re.sub(r"<[^>]+>", "", html)


def described_everywhere(schema: dict[str, Any], path: str = "") -> list[str]:
    """Paths of schema properties with no description."""
    found = []
    for name, field in schema.get("properties", {}).items():
        if not str(field.get("description", "")).strip():
            found.append(f"{path}.{name}")
        found += described_everywhere(field, f"{path}.{name}")
    if "items" in schema:
        found += described_everywhere(schema["items"], f"{path}[]")
    return found


def test_the_schema_is_valid_and_describes_every_field() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert described_everywhere(SCHEMA) == []


def person(**fields: Any) -> User:
    values: dict[str, Any] = {
        "id": 42,
        "language": "ru",
        "timezone": "Asia/Kolkata",
        "consent_at": NOW - 3 * DAY,
        "reminders_paused": False,
        "created_at": NOW - 10 * DAY,
        "updated_at": NOW - DAY,
        "last_seen_at": NOW,
        "safety_hold": None,
        "hold_since": None,
        "screened_at": NOW - 9 * DAY,
        "next_day_checks": True,
        "change_alerts": False,
    }
    return User(**{**values, **fields})


def session(number: int, status: str, routine: str = "quick") -> RoutineSession:
    return RoutineSession(
        id=number,
        user_id=42,
        chat_id=42,
        routine_id=routine,
        level=1,
        status=status,
        beat_index=7,
        live_message_id=None,
        exercises_done=3,
        active_seconds=123.456,
        item_marks=None,
        progress_applied=True,
        owner="main",
        started_at=NOW - number * DAY,
        updated_at=NOW - number * DAY,
        ended_at=NOW - number * DAY,
    )


def rating(kind: str, value: int | None, detail: str | None = None) -> PainRating:
    return PainRating(
        user_id=42,
        session_id=None,
        kind=kind,
        value=value,
        detail=detail,
        source=None,
        said=None,
        at=NOW - DAY,
    )


def history(**user_fields: Any) -> StoredRows:
    """Someone on the gentle plan after a report, with a hold on top."""
    return StoredRows(
        user=person(**user_fields),
        sessions=[session(n, "completed") for n in range(1, 22)]
        + [session(22, "pain", "quick~1e2o")],
        ratings=[
            rating("checkin", 3),
            rating("after", 2),
            rating("report", 5, "ub"),
            rating("red_flag", None, "doctor"),
        ],
        progress=UserProgress(
            user_id=42,
            level=2,
            previous_level=4,
            good_sessions=0,
            last_routine="x.cat_cow",
            flare_since=NOW - 2 * DAY,
            last_pain_at=NOW - 2 * DAY,
            calm_sessions=0,
            updated_at=NOW - 2 * DAY,
        ),
        periods=[PlanPeriod(user_id=42, kind="gentle", started_at=NOW - 2 * DAY, ended_at=None)],
        pegs=[],
        hurts=[],
        reminders=[
            Reminder(
                id=n,
                user_id=42,
                chat_id=42,
                local_time="07:30",
                days=0b0011111,
                zone="Asia/Kolkata",
                kind="routine",
                enabled=n == 1,
                next_due=NOW + DAY if n == 1 else None,
                created_at=NOW - 5 * DAY,
            )
            for n in (1, 2, 3, 4, 5)
        ],
        deliveries=[],
    )


def test_codes_are_decoded_and_times_are_local(content: Content) -> None:
    document = build(
        history(safety_hold="doctor", hold_since=NOW - DAY), content, "ru", "UTC", NOW
    ).document
    assert list(Draft202012Validator(SCHEMA).iter_errors(document)) == []
    assert document["time_zone"] == "Asia/Kolkata"
    assert document["exported_at"] == "2026-12-03T14:30:00+05:30"
    assert document["safety"]["hold"] == "see_a_doctor_first"
    assert document["progress"]["last_routine"] == "«Кошка и корова»"
    assert [r["asked"] for r in document["ratings"]] == ["before_session", "after_session"]
    assert document["pain_reports"][0]["where"] == "upper_back_or_neck"
    assert document["warning_sign_answers"][0]["warning_sign_answer"] == "see_a_doctor_signs"
    adapted = document["sessions"][-1]
    assert adapted["status"] == "stopped_for_pain" and adapted["routine"] == "Короткий комплекс"
    assert [c["change"] for c in adapted["changed_after_pain"]] == ["easier_variant", "left_out"]
    assert document["reminders"][0]["reminder_days"] == list(DAYS[:5])
    assert document["plan_periods"] == [
        {"kind": "gentle_plan", "started": "2026-12-01T14:30:00+05:30", "ended": None}
    ]


def test_a_russian_summary_in_plural_forms_with_the_hold_first(content: Content) -> None:
    rows = history(safety_hold="doctor", hold_since=NOW - DAY)
    summary = shown(summary_text(content, "ru", build(rows, content, "ru", "UTC", NOW).document))
    for line in (
        "Что я о вас храню (на 3 декабря 2026)",
        "Согласие на хранение данных о здоровье: дано (с 30 ноября 2026).",
        "Часовой пояс: Asia/Kolkata.",
        "• 22 занятия, 21 завершено, последнее — 2 декабря 2026",
        "• 2 оценки самочувствия спины",
        "• 1 сообщение о боли",
        "• 1 ответ о тревожных признаках",
        "• 0 еженедельных опросов (PEG-3)",
        "• 0 отметок об упражнениях, на которых было больно",
        "• 5 ежедневных напоминаний",
        "Безопасность: только щадящий план с 2 декабря 2026, пока врач не оценит",
    ):
        assert line in summary, (line, summary)
    assert "вашими словами" not in summary and "опрос включён" not in summary


def test_without_a_hold_the_gentle_plan_is_the_safety_state(content: Content) -> None:
    summary = shown(
        summary_text(content, "en", build(history(), content, "en", "UTC", NOW).document)
    )
    assert "Safety: the gentle plan since 1 December 2026, after a pain report." in summary
    assert "• 22 guided sessions, 21 completed, the last on 2 December 2026" in summary


@pytest.mark.parametrize("language", ["en", "ru"])
def test_nothing_stored_says_so(content: Content, language: str) -> None:
    empty = StoredRows(None, [], [], None, [], [], [], [], [])
    document = build(empty, content, language, "Europe/Berlin", NOW).document
    assert list(Draft202012Validator(SCHEMA).iter_errors(document)) == []
    assert document["person"] is None and document["time_zone"] == "Europe/Berlin"
    nothing = {"en": "I store nothing about you.", "ru": "Я ничего о вас не храню."}
    assert nothing[language] in summary_text(content, language, document)


@given(st.integers(min_value=0, max_value=127))
def test_reminder_days_name_each_bit_of_the_mask_monday_first(mask: int) -> None:
    days = reminder_days(mask)
    assert days == sorted(days, key=DAYS.index)
    assert sum(1 << DAYS.index(day) for day in days) == mask
