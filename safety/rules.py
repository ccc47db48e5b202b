"""What the bot may offer after a pain report or warning signs: the hold, flare-up and
after-session rules, as plain functions with no I/O (tested on their own).

The clinical basis is in the project's SAFETY notes: emergency warning signs hold the routine
until a clinician has checked the person; see-a-doctor signs allow only the gentle plan until
they confirm a doctor has seen them; any pain report starts a flare-up (gentle plan first, the
streak frozen, reminders that ask instead of invite).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

HIGH_PAIN = 7  # a rating at or above this: no exercise today, consult if it persists
WORSE_BY = 2  # an after-session rating this much above the check-in: stop for today


class Hold(StrEnum):
    """A safety hold on the routine, stored on the user."""

    EMERGENCY = "emergency"  # emergency warning signs: urgent care, no session at all
    DOCTOR = "doctor"  # see-a-doctor signs: only the gentle plan until a doctor has seen them


class Source(StrEnum):
    """How a pain report was made: kept with the report, so the doctor's report can say so."""

    BUTTON = "button"  # It hurts, or "It hurts" after "Does it hurt?"
    COMMAND = "command"  # /pain
    WORDS = "words"  # the person's own words


class Answer(StrEnum):
    """A stored warning-sign answer (`red_flag` rows: "<answer>:<origin>")."""

    NONE = "none"  # no sign
    EMERGENCY = "emergency"  # an emergency sign: urgent care, the routine on hold
    DOCTOR = "doctor"  # a see-a-doctor sign: the gentle plan only until checked
    LEGS = "legs"  # pain in both legs with no emergency sign: a doctor today or tomorrow
    CORRECTED = "corrected"  # an emergency Yes the person corrected as a mis-tap


class Origin(StrEnum):
    """Where the warning-sign questions were asked: it decides which list and what advice."""

    FIRST = "s"  # the first check before a session, for a new or unassessed episode
    KNOWN = "k"  # the first check, for back pain a clinician has assessed and is unchanged
    PAIN = "p"  # after a pain report
    ASKED = "m"  # from the check-in's "I have warning signs"


def red_flag(answer: Answer, origin: Origin) -> str:
    """The stored detail of a warning-sign answer."""
    return f"{answer.value}:{origin.value}"


def episode_signs(origin: Origin) -> bool:
    """Whether the signs of a new episode (age at onset, a month without improvement) are
    asked: only at the first check, for back pain no clinician has assessed."""
    return origin is Origin.FIRST


def same_episode(last_pain_at: datetime | None, now: datetime, within: timedelta) -> bool:
    """Whether a pain report joins the one before it (one episode, one report)."""
    return last_pain_at is not None and timedelta(0) <= now - last_pain_at < within


def may_correct(state: SafetyState, now: datetime, window: timedelta) -> bool:
    """Whether "I tapped by mistake" is still offered: only right after an emergency Yes."""
    return (
        state.hold is Hold.EMERGENCY
        and state.hold_since is not None
        and now - state.hold_since < window
    )


class Gate(StrEnum):
    """What happens when the user asks for a session."""

    URGENT_ADVICE = "urgent_advice"  # emergency hold: the advice again, nothing starts
    SCREEN = "screen"  # the warning-sign check has never been answered: ask it first
    DOCTOR_FIRST = "doctor_first"  # see-a-doctor hold: the gentle plan only
    FLARE = "flare"  # after a pain report: ask how it is, then offer the gentle plan
    CHECK_IN = "check_in"  # the normal check-in


@dataclass(frozen=True)
class SafetyState:
    """The stored facts the gate looks at."""

    hold: Hold | None = None
    hold_since: datetime | None = None
    screened: bool = False
    flare_since: datetime | None = None
    last_pain_at: datetime | None = None


def gate(state: SafetyState, routine_is_gentle: bool) -> Gate:
    """The first step of asking for a session; a hold always wins."""
    if state.hold is Hold.EMERGENCY:
        return Gate.URGENT_ADVICE
    if not state.screened:
        return Gate.SCREEN
    if state.hold is Hold.DOCTOR and not routine_is_gentle:
        return Gate.DOCTOR_FIRST
    if state.flare_since is not None and not routine_is_gentle:
        return Gate.FLARE
    return Gate.CHECK_IN


def may_lift(state: SafetyState, now: datetime, wait: timedelta) -> bool:
    """Whether to offer "a clinician has checked me": never right after the advice."""
    if state.hold is None:
        return False
    return state.hold_since is None or now - state.hold_since >= wait


class ReminderMode(StrEnum):
    """What a daily reminder does for this user today."""

    INVITE = "invite"  # the usual invitation to the routine
    ASK = "ask"  # after a pain report: "How is your back today?" instead
    PAUSE = "pause"  # emergency hold: nothing is sent


def reminder_mode(state: SafetyState, now: datetime, ask_for: timedelta) -> ReminderMode:
    """Reminders pause on an emergency hold and ask, not invite, after pain or warning signs."""
    if state.hold is Hold.EMERGENCY:
        return ReminderMode.PAUSE
    if state.hold is Hold.DOCTOR:
        return ReminderMode.ASK
    recent = state.last_pain_at is not None and now - state.last_pain_at < ask_for
    if state.flare_since is not None and recent:
        return ReminderMode.ASK
    return ReminderMode.INVITE


class AfterSession(StrEnum):
    """How the after-session rating is answered."""

    STOP_FOR_TODAY = "stop_for_today"  # high, or clearly worse than before: advice, no step up
    A_BIT_WORSE = "a_bit_worse"  # a little worse: no step up, a next-day check
    FINE = "fine"


def after_session(before: int | None, after: int) -> AfterSession:
    """Judge the after-session rating against the check-in (the pain-monitoring model)."""
    if after >= HIGH_PAIN or (before is not None and after - before >= WORSE_BY):
        return AfterSession.STOP_FOR_TODAY
    if before is not None and after > before:
        return AfterSession.A_BIT_WORSE
    return AfterSession.FINE


class Trend(StrEnum):
    """A check-in compared with the reference rating."""

    HIGH = "high"
    WORSE = "worse"
    SAME = "same"
    BETTER = "better"
    UNKNOWN = "unknown"  # no reference (ratings are not stored without consent)


def trend(reference: int | None, rating: int) -> Trend:
    """A high rating is high whatever it is compared with; else compare with the reference."""
    if rating >= HIGH_PAIN:
        return Trend.HIGH
    if reference is None:
        return Trend.UNKNOWN
    if rating > reference:
        return Trend.WORSE
    if rating < reference:
        return Trend.BETTER
    return Trend.SAME


def suggest_normal_plan(calm_sessions: int, needed: int) -> bool:
    """After this many gentle sessions without pain, suggest going back to the normal plan."""
    return calm_sessions >= needed
