"""Every button of the bot, one typed class each (ui/button.py: the wire format, build, read,
pattern and flags). A handler names the classes it answers (`handlers.common.on_press`);
keyboards build them with `.pack()`. The wire format is that of earlier versions, field for
field: buttons left in people's chats keep working (tests/test_buttons.py).

Two classes may share a prefix when their shapes differ (a fixed word, another number of
fields); each reads only its own, and its flags say what the rest of the bot must know of it:
`starts_session` (the safety hold's gate holds it back on an emergency hold), `urgent` (a pain
report: never dropped in a flood, answered whatever fails).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Annotated

from ui.button import ID, KNOWN, RATING, SEPARATOR, VERSION, Button, Spec, literal, one_of

# Where it hurts: lower back, upper back or neck, one leg, both legs, elsewhere.
WHERE = ("lb", "ub", "l1", "l2", "el")
RATING_OR_NONE = Spec(
    "10|[0-9]|n",
    read=lambda field: None if field == "n" else int(field),
    write=lambda value: "n" if value is None else str(value),
)
# A routine id: "quick", "x.<exercise>" (one exercise), "quick~1e2o" (adapted: content/adapted.py).
NAME = Spec(r"[a-z][a-z0-9_]{0,31}(?:\.[a-z][a-z0-9_]{0,31}|~(?:[0-9]{1,2}[eo]){1,12})?")
ORIGIN = one_of("s", "k", "p", "m")  # where warning signs were asked (safety.rules.Origin)
# The consent state a consent button was shown in: n (not given), or the second it was given at
# (services/people.consent_seen). Buttons of earlier versions carry none.
CONSENT_SEEN = Spec(r"n|[0-9]{1,12}")
DAYS = Spec("7|30|90", read=int)


def id_or(word: str) -> Spec:
    """A database id, or one word instead ("add", "all")."""
    return Spec(f"{word}|[0-9]{{1,18}}", read=lambda field: field if field == word else int(field))


# --- first steps and privacy ------------------------------------------------------------------


class Consent(Button, prefix="cs"):
    """I agree / Not now, and the consent state the question was shown in."""

    answer: Annotated[str, one_of("yes", "no")]
    seen: Annotated[str | None, CONSENT_SEEN] = None


class Language(Button, prefix="lg"):
    """The language list ("menu") or a language code."""

    choice: Annotated[str, Spec("menu|[a-z]{2,3}")]


class Privacy(Button, prefix="pv"):
    """Give or withdraw consent (/privacy)."""

    choice: Annotated[str, one_of("give", "withdraw")]
    seen: Annotated[str | None, CONSENT_SEEN] = None


class PrivacyKeep(Button, prefix="pv"):
    """Leave consent as it is."""

    choice: Annotated[str, literal("keep")]
    seen: Annotated[str, CONSENT_SEEN]


class Delete(Button, prefix="dl"):
    """Yes, delete everything / No."""

    answer: Annotated[str, one_of("yes", "no")]


# --- a session: choosing, checking in, running, rating ----------------------------------------


class RoutineChoice(Button, prefix="rc", starts_session=True):
    routine: Annotated[str, NAME]


class CheckIn(Button, prefix="ci", starts_session=True):
    """How the back is today (0-10), before the session starts."""

    routine: Annotated[str, NAME]
    rating: Annotated[int, RATING]


class Control(Button, prefix="rt", starts_session=True):
    """Ready, Pause, Resume, Skip, Stop and "yes, end it" on the live message."""

    session_id: Annotated[int, ID]
    op: Annotated[str, one_of("go", "pz", "rs", "sk", "st", "se")]


class ItHurts(Button, prefix="rt", urgent=True):
    """It hurts, on any session's live message (even an old one)."""

    session_id: Annotated[int, ID]
    op: Annotated[str, literal("hu")] = "hu"


class Interrupted(Button, prefix="ri", starts_session=True):
    """Resume or End a session a restart interrupted."""

    session_id: Annotated[int, ID]
    op: Annotated[str, one_of("resume", "end")]


class After(Button, prefix="ar"):
    """How the back feels after the session; the check-in travels with it. Not behind the hold
    gate: the rating reads the hold in its own transaction (guided/rating.py), one database
    round where the gate made two."""

    session_id: Annotated[int, ID]
    checkin: Annotated[int | None, RATING_OR_NONE]
    rating: Annotated[int, RATING]


class AfterOld(Button, prefix="ar"):
    """The same answer from earlier versions, without the check-in."""

    session_id: Annotated[int, ID]
    rating: Annotated[int, RATING]


class ListenMode(Button, prefix="ls", starts_session=True):
    """On the check-in: Listen (its 0-10 buttons then start the session as one audio track),
    or back to the guide in the chat."""

    routine: Annotated[str, NAME]
    mode: Annotated[str, one_of("listen", "chat")]


class ListenCheckIn(Button, prefix="lk", starts_session=True):
    """How the back is today (0-10), before a session heard as one audio track."""

    routine: Annotated[str, NAME]
    rating: Annotated[int, RATING]


class ListenDone(Button, prefix="ld"):
    """Done, under a session's audio track: it ends there, and the rating is asked."""

    session_id: Annotated[int, ID]


class Browse(Button, prefix="ex"):
    """The exercise library: an exercise and its view."""

    index: Annotated[int, ID]
    view: Annotated[str, one_of("card", "steps", "easier", "harder", "try", "open")]


class BrowseListen(Button, prefix="ex"):
    """Listen, on an exercise of the library: a voice note of it at the person's dose."""

    index: Annotated[int, ID]
    view: Annotated[str, literal("listen")] = "listen"


# --- safety: warning signs, holds, pain, flare-ups ----------------------------------------------


class RedFlags(Button, prefix="rf"):
    """Buttons of earlier versions (menu | a | b | none, or none at all), still honoured."""

    answer: Annotated[str | None, one_of("menu", "a", "b", "none")] = None


class Signs(Button, prefix="ws"):
    """One group of warning signs: where it was asked, the group (k: a clinician knows it, a:
    emergency, b: see a doctor, l: both legs), yes or no, and the routine waiting for it."""

    origin: Annotated[str, ORIGIN]
    group: Annotated[str, one_of("a", "b", "k", "l")]
    answer: Annotated[str, one_of("y", "n")]
    routine: Annotated[str | None, NAME] = None


class HoldAnswer(Button, prefix="hd"):
    """The ways out of a hold: lift it (asked twice), keep it."""

    op: Annotated[str, one_of("lift", "yes", "no", "keep")]


class HoldGentle(Button, prefix="hd", starts_session=True):
    """The gentle plan, offered on a hold."""

    op: Annotated[str, literal("gentle")] = "gentle"


class HoldWhere(Button, prefix="hd"):
    """A mistap, or the all-clear, at the warning-sign question it came from."""

    op: Annotated[str, one_of("mistap", "clear")]
    origin: Annotated[str, ORIGIN]
    routine: Annotated[str | None, NAME] = None


class PainStrength(Button, prefix="pf"):
    """How strong the reported pain is (0-10, x: rather not say)."""

    report_id: Annotated[int, ID]  # 0: not stored
    step: Annotated[str, literal("s")]
    value: Annotated[str, Spec("10|[0-9]|x")]


class PainWhere(Button, prefix="pf"):
    """Where the reported pain is."""

    report_id: Annotated[int, ID]
    step: Annotated[str, literal("w")]
    value: Annotated[str, one_of(*WHERE, "x")]


class UnclearHurts(Button, prefix="uq", urgent=True):
    """ "It hurts", the answer to "Does it hurt?" (the session paused while asking; 0: none)."""

    answer: Annotated[str, literal("hurts")]
    paused: Annotated[int, ID]


class UnclearFine(Button, prefix="uq"):
    """ "It's fine", the other answer."""

    answer: Annotated[str, literal("fine")]
    paused: Annotated[int, ID]


class FlareHow(Button, prefix="fl", starts_session=True):
    """How is it now: better, the same, worse."""

    step: Annotated[str, literal("h")]
    routine: Annotated[str, NAME]
    how: Annotated[str, one_of("b", "s", "w")]


class FlareConsulted(Button, prefix="fl", starts_session=True):
    """Could you consult someone: yes or no."""

    step: Annotated[str, literal("c")]
    routine: Annotated[str, NAME]
    how: Annotated[str, one_of("b", "s", "w")]
    consulted: Annotated[str, one_of("y", "n")]


class FlarePlan(Button, prefix="fl", starts_session=True):
    """The gentle plan (g) or the normal one (n)."""

    step: Annotated[str, one_of("g", "n")]
    routine: Annotated[str, NAME]


class HurtWhich(Button, prefix="eh"):
    """Which exercise hurt: its place in the session, or x (it was not an exercise)."""

    hurt_id: Annotated[int, ID]
    index: Annotated[
        int | None,
        Spec(
            "[0-9]{1,2}|x",
            read=lambda field: None if field == "x" else int(field),
            write=lambda value: "x" if value is None else str(value),
        ),
    ]


# --- questions that come back: checks, the weekly check, progress -------------------------------


class Ask(Button, prefix="ak"):
    """A morning or daily check: kind (m, d, x), the reference rating, the answer (0-10, off,
    pause)."""

    kind: Annotated[str, one_of("m", "d", "x")]
    reference: Annotated[int | None, RATING_OR_NONE]
    op: Annotated[str, Spec("10|[0-9]|off|pause")]


class Peg(Button, prefix="pg"):
    """The weekly check's answers so far (0-10 each)."""

    first: Annotated[int, RATING]
    second: Annotated[int | None, RATING] = None
    third: Annotated[int | None, RATING] = None


class PegOff(Button, prefix="pg"):
    """Stop the weekly check."""

    op: Annotated[str, literal("off")] = "off"


class Progress(Button, prefix="pr"):
    """Show progress (p) or the doctor's report (r) over 7, 30 or 90 days."""

    op: Annotated[str, one_of("p", "r")]
    days: Annotated[int, DAYS]


class WeeklySwitch(Button, prefix="pr"):
    """The weekly check on or off, from the progress message."""

    op: Annotated[str, literal("w")]
    switch: Annotated[str, one_of("on", "off")]
    days: Annotated[int, DAYS]


# --- reminders --------------------------------------------------------------------------------


class RemindTime(Button, prefix="rm"):
    """A suggested time (HHMM), or another one."""

    step: Annotated[str, literal("t")]
    choice: Annotated[str, Spec("[0-9]{4}|other")]


class RemindDays(Button, prefix="rm"):
    """A preset set of days, once, the day picker, a day in it, Done."""

    step: Annotated[str, literal("d")]
    choice: Annotated[str, Spec("[0-6]|all|wd|we|once|pick|done")]


class RemindConfirm(Button, prefix="rm"):
    """Save, cancel, or the other half of the day."""

    step: Annotated[str, literal("c")]
    choice: Annotated[str, one_of("save", "cancel", "flip")]


class RemindEdit(Button, prefix="rm"):
    """/remind with reminders set: add another, or change this one."""

    step: Annotated[str, literal("e")]
    choice: Annotated[int | str, id_or("add")]


class Zone(Button, prefix="tz"):
    """A suggested time zone (an IANA name)."""

    name: Annotated[str, Spec(r"[A-Za-z][A-Za-z0-9_+\-/]{0,60}")]


class ReminderOp(Button, prefix="rl"):
    """/reminders: one reminder paused, resumed, changed or deleted."""

    reminder_id: Annotated[int, ID]
    op: Annotated[str, one_of("pause", "resume", "change", "delete")]


class ReminderPage(Button, prefix="rl"):
    """/reminders: another page of the list."""

    target: Annotated[str, literal("page")]
    page: Annotated[int, ID]


class ReminderAll(Button, prefix="rl"):
    """Pause or resume all reminders."""

    target: Annotated[str, literal("all")]
    op: Annotated[str, one_of("pause_all", "resume_all")]


class Nudge(Button, prefix="rn"):
    """Snooze or skip today, on a reminder message."""

    reminder_id: Annotated[int, ID]
    op: Annotated[str, one_of("snooze", "skip")]


class NudgeStart(Button, prefix="rn", starts_session=True):
    """Start the routine, from a reminder message."""

    reminder_id: Annotated[int, ID]
    op: Annotated[str, literal("start")] = "start"


# --- what the rest of the bot asks of a press -----------------------------------------------


@lru_cache(maxsize=4096)
def read(data: object) -> Button | None:
    """The press in callback data, of whichever class it is; None if stale or forged.

    Cached: every press handler's pattern asks it of the same data (ui/payloads.claims), and
    presses are frozen, so one reading serves them all."""
    if not isinstance(data, str):
        return None
    version, _, prefix = data.partition(SEPARATOR)[0].partition(".")
    if version != VERSION:
        return None
    for cls in KNOWN.get(prefix, ()):
        found = cls.unpack(data)
        if found is not None:
            return found
    return None


def starts_session(data: object) -> bool:
    """Whether a press may start or continue a guided session (the safety hold's gate)."""
    found = read(data)
    return found is not None and found.starts_session


def urgent(data: object) -> bool:
    """Whether a press reports pain (never dropped, served first, answered whatever fails)."""
    found = read(data)
    return found is not None and found.urgent


def claims(classes: tuple[type[Button], ...]) -> Callable[[object], bool]:
    """The pattern of a handler of these classes: a press of one of them, or a press of their
    prefix that no class reads (stale or forged: the handler gives the stale toast)."""
    prefixes = {cls.prefix for cls in classes}

    def claimed(data: object) -> bool:
        if not isinstance(data, str):
            return False
        found = read(data)
        if found is not None:
            return type(found) in classes
        return any(cls.of_prefix(data) for prefix in prefixes for cls in KNOWN[prefix])

    return claimed
