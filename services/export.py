"""/export: everything stored about a person, read in one transaction, as a document with plain
field names and decoded values, each field described in content/export.schema.json (the
readable summary, ui/export.py, is a reading of the same document). Health data is decrypted
for the person and never logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from content import Content
from content.adapted import adaptations, base_id
from core.context import BotState
from db import users as store
from db.progress import WEEKLY_CHECK
from db.reminders import ONCE, ROUTINE
from guided.engine.marks import ITEM_MARKS
from guided.engine.routines import SINGLE
from guided.engine.status import SessionStatus
from places.zones import zone_info

FORMAT_VERSION = 1
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Stored codes and the plain words the export writes for them (an unknown code is written as is).
RATING_ASKED = {
    "checkin": "before_session",
    "after": "after_session",
    "morning": "morning_check_after_pain",
    "daily": "daily_check_after_pain",
    "asked": "asked_after_pain_report",
}
WHERE = {
    "lb": "lower_back",
    "ub": "upper_back_or_neck",
    "l1": "one_leg",
    "l2": "both_legs",
    "el": "somewhere_else",
}
REPORT_SOURCE = {"button": "it_hurts_button", "command": "pain_command", "words": "own_words"}
SIGN_ANSWER = {
    "none": "none",
    "emergency": "urgent_care_signs",
    "doctor": "see_a_doctor_signs",
    "legs": "both_legs_without_urgent_signs",
    "corrected": "urgent_care_yes_corrected_as_a_mistake",
}
# Where the questions were asked (safety.rules.Origin); answers stored before then: the first check.
SIGN_ORIGIN = {
    "s": "first_check",
    "k": "first_check_pain_already_assessed",
    "p": "after_a_pain_report",
    "m": "asked_at_the_check_in",
}
HOLD = {None: "none", "emergency": "urgent_care_first", "doctor": "see_a_doctor_first"}
SESSION_STATUS = {
    SessionStatus.ACTIVE: "running",
    SessionStatus.PAUSED: "paused",
    SessionStatus.INTERRUPTED: "interrupted_by_a_restart",
    SessionStatus.COMPLETED: "completed",
    SessionStatus.STOPPED: "stopped",
    SessionStatus.PAIN: "stopped_for_pain",
    SessionStatus.WARNING_SIGNS: "stopped_for_warning_signs",
    SessionStatus.ERASED: "erased",
}
CHANGE = {"easier": "easier_variant", "leave_out": "left_out"}
PERIOD = {"gentle": "gentle_plan", "hold": "safety_hold"}
REMINDER_KIND = {
    ROUTINE: "daily_invitation",
    "next_day": "morning_check_after_pain",
    ONCE: "one_off_invitation",
    WEEKLY_CHECK: "weekly_check",
}
DELIVERY = {
    "claimed": "about_to_be_sent",
    "sending": "being_sent",
    "sent": "sent",
    "failed": "failed",
    "blocked": "not_delivered_bot_blocked",
    "uncertain": "maybe_sent_before_a_restart",
}


@dataclass(frozen=True)
class Export:
    """The document (JSON-ready) and its file name."""

    document: dict[str, Any]
    filename: str


async def export(data: BotState, user_id: int, language: str) -> Export:
    """Everything stored about the user, decoded, in their language and zone."""
    async with data.db() as tx:
        rows = await store.stored_rows(tx, user_id)
    return build(rows, data.content, language, data.settings.default_timezone, data.now())


def _zone(rows: store.StoredRows, default_zone: str) -> tuple[str, tzinfo]:
    zone = (rows.user.timezone if rows.user else None) or default_zone
    try:
        return zone, zone_info(zone)
    except ValueError:
        return "UTC", zone_info("UTC")


def build(
    rows: store.StoredRows, content: Content, language: str, default_zone: str, now: datetime
) -> Export:
    """The export of these rows (pure: tested without a database)."""
    zone, tz = _zone(rows, default_zone)

    def when(moment: datetime | None) -> str | None:
        return None if moment is None else moment.astimezone(tz).isoformat(timespec="seconds")

    def named(codes: dict[Any, str], code: Any) -> Any:
        return codes.get(code, code)

    user, progress = rows.user, rows.progress
    ratings = [r for r in rows.ratings if r.kind not in ("report", "red_flag")]
    reports = [r for r in rows.ratings if r.kind == "report"]
    signs = [r for r in rows.ratings if r.kind == "red_flag"]
    document: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "exported_at": when(now),
        "time_zone": zone,
        "person": None
        if user is None
        else {
            "telegram_user_id": user.id,
            "language": user.language,
            "time_zone_set": user.timezone,
            "health_data_consent_since": when(user.consent_at),
            "first_contact": when(user.created_at),
            "last_change": when(user.updated_at),
            "last_active": when(user.last_seen_at),
            "all_reminders_paused": user.reminders_paused,
            "morning_check_after_pain": user.next_day_checks,
            "new_message_at_each_change": user.change_alerts,
        },
        "safety": None
        if user is None
        else {
            "hold": named(HOLD, user.safety_hold),
            "hold_since": when(user.hold_since),
            "warning_sign_check_answered": when(user.screened_at),
        },
        "progress": None
        if progress is None
        else {
            "level": progress.level,
            "previous_level": progress.previous_level,
            "good_sessions_at_this_level": progress.good_sessions,
            "last_routine": _routine(content, progress.last_routine, language),
            "gentle_plan_since": when(progress.flare_since),
            "last_pain_report": when(progress.last_pain_at),
            "calm_gentle_sessions": progress.calm_sessions,
            "last_change": when(progress.updated_at),
        },
        "plan_periods": [
            {
                "kind": named(PERIOD, p.kind),
                "started": when(p.started_at),
                "ended": when(p.ended_at),
            }
            for p in rows.periods
        ],
        "sessions": [
            {
                "session_number": s.id,
                "routine": _routine(content, s.routine_id, language),
                "changed_after_pain": [
                    {"exercise": _exercise(content, exercise, language), "change": CHANGE[change]}
                    for exercise, change in adaptations(content, s.routine_id)
                ],
                "level": s.level,
                "status": named(SESSION_STATUS, s.status),
                "exercises_done": s.exercises_done,
                "active_seconds": round(s.active_seconds, 1),
                "exercise_outcomes": (
                    None
                    if s.item_marks is None
                    else [
                        ITEM_MARKS.get(letter, "not reached").replace(" ", "_")
                        for letter in s.item_marks
                    ]
                ),
                "counted_for_progression": s.progress_applied,
                "chat_id": s.chat_id,
                "live_message_id": s.live_message_id,
                "resume_point": s.beat_index,
                "run_by_bot_process": s.owner,
                "shown_as": "audio_track" if s.screen == "track" else "chat",
                "started": when(s.started_at),
                "last_change": when(s.updated_at),
                "ended": when(s.ended_at),
            }
            for s in rows.sessions
        ],
        "ratings": [
            {
                "at": when(r.at),
                "asked": named(RATING_ASKED, r.kind),
                "rating": r.value,
                "session_number": r.session_id,
            }
            for r in ratings
        ],
        "pain_reports": [
            {
                "at": when(r.at),
                "strength": r.value,
                "where": named(WHERE, r.detail),
                "made_with": named(REPORT_SOURCE, r.source),
                "own_words": r.said,
                "session_number": r.session_id,
            }
            for r in reports
        ],
        "warning_sign_answers": [
            {
                "at": when(r.at),
                "warning_sign_answer": named(SIGN_ANSWER, (r.detail or "").partition(":")[0]),
                "asked_where": named(SIGN_ORIGIN, (r.detail or "").partition(":")[2] or "s"),
                "session_number": r.session_id,
            }
            for r in signs
        ],
        "weekly_checks": [
            {
                "at": when(p.at),
                "average_pain": p.pain,
                "interference_with_enjoyment_of_life": p.enjoyment,
                "interference_with_general_activity": p.activity,
            }
            for p in rows.pegs
        ],
        "exercises_that_hurt": [
            {
                "at": when(h.at),
                "exercise": _exercise(content, h.exercise_id, language),
                "change": named(CHANGE, h.change),
                "session_number": h.session_id,
            }
            for h in rows.hurts
        ],
        "reminders": [
            {
                "reminder_number": r.id,
                "kind": named(REMINDER_KIND, r.kind),
                "local_time": r.local_time,
                "reminder_days": reminder_days(r.days),
                "time_zone": r.zone,
                "on": r.enabled,
                "next_due": when(r.next_due),
                "created": when(r.created_at),
                "chat_id": r.chat_id,
            }
            for r in rows.reminders
        ],
        "reminder_deliveries": [
            {
                "reminder_number": d.reminder_id,
                "due": when(d.due),
                "status": named(DELIVERY, d.status),
                "claimed": when(d.claimed_at),
                "sent": when(d.sent_at),
                "message_id": d.message_id,
                "run_by_bot_process": d.owner,
            }
            for d in rows.deliveries
        ],
    }
    today = now.astimezone(tz).date()
    return Export(document, f"backcare-data-{today.isoformat()}.json")


def reminder_days(mask: int) -> list[str]:
    """The days of a reminder's bit mask (bit 0 = Monday), Monday first."""
    return [name for bit, name in enumerate(DAYS) if mask & (1 << bit)]


def _exercise(content: Content, exercise_id: str, language: str) -> str:
    exercise = content.exercises.get(exercise_id)
    return content.localize(exercise.title, language) if exercise else exercise_id


def _routine(content: Content, routine_id: str | None, language: str) -> str | None:
    """A routine's name in the person's language (one library exercise: the exercise's)."""
    if routine_id is None:
        return None
    if routine_id.startswith(SINGLE):
        return _exercise(content, routine_id.removeprefix(SINGLE), language)
    routine = content.routines.get(base_id(routine_id))
    return content.localize(routine.title, language) if routine else routine_id
