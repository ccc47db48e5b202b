"""What a person sees of the safety rules: the warning-sign questions, the hold messages (what is
on hold, why, and how and when it ends), the "Does it hurt?" question and their buttons."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from content import Content
from safety.rules import Hold, Origin, SafetyState, episode_signs
from ui.button import Button
from ui.payloads import HoldAnswer, HoldGentle, HoldWhere, Signs, UnclearFine, UnclearHurts

# The groups of warning-sign questions (the SIGNS payload's second field).
KNOWN = "k"  # has a clinician assessed this back pain?
EMERGENCY = "a"  # emergency signs
DOCTOR = "b"  # see-a-doctor signs (with the signs of a new episode at the first check)
LEGS = "l"  # pain in both legs: the emergency questions at once


def row(content: Content, language: str, key: str, press: Button) -> list[InlineKeyboardButton]:
    """A row with one button: its label from content, its payload built."""
    return [InlineKeyboardButton(content.text(language, key), callback_data=press.pack())]


def signs_question(content: Content, language: str, origin: Origin, group: str) -> str:
    """The text of one group of warning-sign questions."""
    if group == KNOWN:
        return content.text(language, "safety.known_question")
    if group == LEGS:
        return content.text(language, "safety.signs_legs")
    if group == EMERGENCY:
        return content.text(language, "safety.signs_emergency")
    question = content.text(language, "safety.signs_doctor")
    if episode_signs(origin):
        question += "\n" + content.text(language, "safety.signs_doctor_new")
    return question


def signs_markup(
    content: Content, language: str, origin: Origin, group: str, routine_id: str | None
) -> InlineKeyboardMarkup:
    """Yes / No for one group (for the clinician question: known and unchanged, or not)."""
    tail = [routine_id] if routine_id else []
    yes, no = ("known_yes", "known_no") if group == KNOWN else ("signs_yes", "signs_no")
    return InlineKeyboardMarkup(
        [
            row(content, language, f"safety.{yes}", Signs(origin, group, "y", *tail)),
            row(content, language, f"safety.{no}", Signs(origin, group, "n", *tail)),
        ]
    )


def local(moment: datetime, zone: str | None, language: str, skeleton: str) -> str:
    """A moment in the person's zone, in their language's words; "UTC" said when the zone is
    not known."""
    try:
        tz = ZoneInfo(zone) if zone else None
    except (KeyError, ValueError):
        tz = None
    said = format_datetime(moment.astimezone(tz or ZoneInfo("UTC")), skeleton, locale=language)
    return said if tz is not None else f"{said} UTC"


def hold_terms(
    content: Content,
    language: str,
    state: SafetyState,
    zone: str | None,
    now: datetime,
    lift_wait: timedelta,
) -> str:
    """What is on hold, since when and why, and how and when it can be lifted."""
    since = state.hold_since or now
    params = {"since": local(since, zone, language, "d MMM, HH:mm")}
    if state.hold is not Hold.EMERGENCY:
        return content.text(language, "safety.hold_doctor_terms", **params)
    lift_at = since + lift_wait
    when = ""
    if lift_at > now:
        skeleton = "HH:mm" if lift_at - now < timedelta(hours=12) else "d MMM, HH:mm"
        when = content.text(
            language, "safety.hold_when", time=local(lift_at, zone, language, skeleton)
        )
    return content.text(language, "safety.hold_emergency_terms", when=when, **params)


def hold_markup(
    content: Content,
    language: str,
    state: SafetyState,
    *,
    may_lift: bool,
    correct: tuple[Origin, str | None] | None,
    offer_gentle: bool = True,
) -> InlineKeyboardMarkup | None:
    """The ways out of a hold on offer now: the gentle plan (not with the advice itself, which
    says to leave the exercises) and "a doctor has checked me" (a see-a-doctor hold), "a
    clinician has checked me" (an emergency hold, after the wait), "it was a mistake" (right
    after an emergency Yes)."""
    rows: list[list[InlineKeyboardButton]] = []
    if state.hold is Hold.EMERGENCY:
        if correct is not None:
            origin, routine_id = correct
            tail = [routine_id] if routine_id else []
            rows.append(
                row(content, language, "safety.mistap_button", HoldWhere("mistap", origin, *tail))
            )
        if may_lift:
            rows.append(row(content, language, "safety.lift_button", HoldAnswer("lift")))
    elif state.hold is Hold.DOCTOR:
        if offer_gentle:
            rows.append(row(content, language, "safety.gentle_button", HoldGentle()))
        rows.append(row(content, language, "safety.lift_doctor_button", HoldAnswer("lift")))
    return InlineKeyboardMarkup(rows) if rows else None


def mistap_markup(
    content: Content, language: str, origin: Origin, routine_id: str | None
) -> InlineKeyboardMarkup:
    """After "it was a mistake": the list again, and None (which lifts) or Yes (which keeps)."""
    tail = [routine_id] if routine_id else []
    return InlineKeyboardMarkup(
        [
            row(content, language, "safety.mistap_yes", HoldAnswer("keep")),
            row(content, language, "safety.mistap_none", HoldWhere("clear", origin, *tail)),
        ]
    )


def unclear_markup(content: Content, language: str, paused: int) -> InlineKeyboardMarkup:
    """ "Does it hurt?": It hurts, or No, it is fine (`paused`: the session paused meanwhile)."""
    return InlineKeyboardMarkup(
        [
            row(content, language, "pain.unclear_hurts", UnclearHurts("hurts", paused)),
            row(content, language, "pain.unclear_fine", UnclearFine("fine", paused)),
        ]
    )


def denial_markup(content: Content, language: str) -> InlineKeyboardMarkup:
    """Under the reply to a denial: one tap if it was misheard and it does hurt."""
    return InlineKeyboardMarkup(
        [row(content, language, "pain.denial_button", UnclearHurts("hurts", 0))]
    )
