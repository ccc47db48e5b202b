"""The readable summary /export sends before its file: what is stored, as counts and days in the
person's language. It is a reading of the document itself (services/export.py), so the two
always agree."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from content import Content
from ui.progress import day_text

# The safety hold or plan and the text that says since when (no key: the normal plan).
SAFETY_KEYS = {
    "urgent_care_first": "privacy.export.safety_emergency",
    "see_a_doctor_first": "privacy.export.safety_doctor",
}


def local_day(moment: str) -> date:
    """The person's day of a time in the document (written in their zone)."""
    return date.fromisoformat(moment[:10])


def summary_text(content: Content, language: str, document: Mapping[str, Any]) -> str:
    """What /export says about the file it sends."""

    def say(key: str, /, **params: object) -> str:
        return content.text(language, f"privacy.export.{key}", **params)

    def day(moment: str) -> str:
        return day_text(local_day(moment), language, year=True)

    title = say("title", day=day(document["exported_at"]))
    person = document["person"]
    if person is None:
        return "\n".join([title, say("nothing")])
    since = person["health_data_consent_since"]
    if since is None:
        consent = content.text(language, "privacy.consent_off")
    else:
        consent = content.text(language, "privacy.consent_on", day=day(since))
    zone = say("zone" if person["time_zone_set"] else "zone_default", zone=document["time_zone"])
    return "\n".join(
        [
            title,
            say("consent", consent=consent),
            zone,
            "",
            *(say("line", item=item) for item in counted(content, language, document)),
            "",
            safety_line(content, language, document),
            say("file", zone=document["time_zone"]),
        ]
    )


def counted(content: Content, language: str, document: Mapping[str, Any]) -> list[str]:
    """One phrase per kind of stored thing, with its count in the right plural form."""

    def say(key: str, /, **params: object) -> str:
        return content.text(language, f"privacy.export.{key}", **params)

    sessions = document["sessions"]
    sessions_said = say("sessions", count=len(sessions))
    if sessions:
        completed = sum(s["status"] == "completed" for s in sessions)
        last = max(local_day(s["started"]) for s in sessions)
        sessions_said = say(
            "sessions_last",
            sessions=sessions_said,
            completed=say("completed", count=completed),
            day=day_text(last, language, year=True),
        )
    reports = document["pain_reports"]
    reports_said = say("reports", count=len(reports))
    own_words = sum(r["own_words"] is not None for r in reports)
    if own_words:
        reports_said = say("own_words", reports=reports_said, count=own_words)
    reminders = document["reminders"]
    weekly_said = say("weekly", count=len(document["weekly_checks"]))
    if any(r["kind"] == "weekly_check" for r in reminders):
        weekly_said = say("weekly_on", weekly=weekly_said)
    return [
        sessions_said,
        say("ratings", count=len(document["ratings"])),
        reports_said,
        say("signs", count=len(document["warning_sign_answers"])),
        weekly_said,
        say("hurts", count=len(document["exercises_that_hurt"])),
        say("reminders", count=sum(r["kind"] == "daily_invitation" for r in reminders)),
    ]


def safety_line(content: Content, language: str, document: Mapping[str, Any]) -> str:
    """The safety hold, or the gentle plan after a pain report, since when; else the normal plan."""
    safety, progress = document["safety"], document["progress"]
    key = SAFETY_KEYS.get(safety["hold"])
    if key is not None and safety["hold_since"] is not None:
        since = safety["hold_since"]
    elif progress is not None and progress["gentle_plan_since"] is not None:
        key, since = "privacy.export.safety_gentle", progress["gentle_plan_since"]
    else:
        return content.text(language, "privacy.export.safety_none")
    return content.text(language, key, day=day_text(local_day(since), language, year=True))
