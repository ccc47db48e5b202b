"""A frozen copy of ui/payloads.py at fc21f40 (before buttons became classes): the payloads
that buttons already in people's chats carry. tests/buttons/test_compat.py reads them with the
new classes. Not used by the bot.

Builds and reads every callback_data payload, so no handler writes or parses one by hand.

A payload is `v1.{action}:{field}:{field}`, always under Telegram's 64 bytes. The version prefix
lets a restart that changes the format recognise buttons left alive in old messages. `SHAPES`
gives each action's fields as the bot writes them; `decode` accepts nothing else (a forged or
stale press), and handlers.common.on_press hands the typed fields to the handler.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

VERSION = "v1"
MAX_BYTES = 64
# A number field as the bot writes it: ASCII digits, few enough for a 64-bit database integer.
NUMBER = re.compile(r"[0-9]{1,18}")


class Action(StrEnum):
    """What a button does; the short value goes on the wire."""

    CONSENT = "cs"  # yes | no, the consent state shown (n: not given, or when it was given)
    LANGUAGE = "lg"
    PRIVACY = "pv"  # give | withdraw | keep, the consent state shown (as CONSENT)
    DELETE = "dl"
    ROUTINE_CHOICE = "rc"  # routine id
    CHECK_IN = "ci"  # routine id, rating 0-10
    RED_FLAGS = "rf"  # menu | a | b | none: buttons of earlier versions, still honoured
    # origin (safety.rules.Origin), group (k: a clinician knows it, a: emergency, b: see a
    # doctor, l: both legs), y | n[, routine]
    SIGNS = "ws"
    PAIN_FOLLOW_UP = "pf"  # report id (0: not stored), step (s: strength, w: where), value
    HOLD = "hd"  # lift | yes | no | gentle; mistap | clear (origin[, routine]) | keep
    UNCLEAR = "uq"  # hurts | fine, the session paused while asking (0: none)
    FLARE = "fl"  # step (h: how is it, c: consulted, g: gentle, n: normal), routine id, answer
    ASK = "ak"  # kind (m: morning, d: daily check), reference (0-10 | n), rating | off | pause
    CONTROL = "rt"  # session id, control (go pz rs sk st hu; se: "yes, end it" after Stop)
    INTERRUPTED = "ri"  # session id, resume | end
    AFTER = "ar"  # session id, rating 0-10
    BROWSE = "ex"  # exercise index, view (card | steps | easier | harder | try)
    REMIND = "rm"  # step (t | d | c | e), value
    ZONE = "tz"  # IANA zone name
    REMINDER = "rl"  # reminder id (or "all"), op (pause | resume | change | delete)
    NUDGE = "rn"  # reminder id, op (start | snooze | skip)
    PROGRESS = (
        "pr"  # op (p: show, r: report), days (7 | 30 | 90); or w, on | off, days (weekly check)
    )
    PEG = "pg"  # the weekly check's answers so far (0-10 each), or "off"
    HURT = "eh"  # which exercise hurt: answer id, item index in the session | x (not an exercise)


def build(action: Action, *fields: str | int) -> str:
    """Encode an action and its fields; raises ValueError if it would not fit Telegram's limit."""
    parts = [f"{VERSION}.{action.value}", *(str(field) for field in fields)]
    if any(":" in part for part in parts[1:]):
        raise ValueError("payload fields must not contain ':'")
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    if decode(data, action) is None:  # the bot writes only what it will read back
        raise ValueError(f"callback data not of a shape of {action.name}: {data!r}")
    return data


def parse(data: str | None, action: Action) -> list[str] | None:
    """The fields of a payload of this action, or None if it is another, older or forged one."""
    prefix = f"{VERSION}.{action.value}"
    if data is None or not (data == prefix or data.startswith(prefix + ":")):
        return None
    return data.split(":")[1:]


def number(field: str) -> int | None:
    """The value of a number field (an id, an index, a page), or None if the bot never wrote it.

    Stricter than str.isdigit(), which accepts '²' (int() then fails) and '٣' (read as 3), and
    than int(), whose 20-digit numbers overflow the database's integers.
    """
    return int(field) if NUMBER.fullmatch(field) else None


def pattern(action: Action) -> re.Pattern[str]:
    """An anchored pattern for CallbackQueryHandler matching this action's payloads."""
    return re.compile(rf"^{re.escape(VERSION)}\.{action.value}(:|$)")


@dataclass(frozen=True)
class Field:
    """One field of a payload: the exact text the bot writes, and its typed value."""

    pattern: str
    value: Callable[[str], Any] = str


def one_of(*words: str) -> Field:
    """A field that is one of these words."""
    return Field("|".join(re.escape(word) for word in words))


# Where it hurts: lower back, upper back or neck, one leg, both legs, elsewhere.
WHERE = ("lb", "ub", "l1", "l2", "el")
ID = Field(NUMBER.pattern, int)  # a database id or an index
RATING = Field("10|[0-9]", int)  # 0-10
RATING_OR_NONE = Field("10|[0-9]|n", lambda field: None if field == "n" else int(field))
# A routine id: "quick", "x.<exercise>" (one exercise), "quick~1e2o" (adapted: content/adapted.py).
NAME = Field(r"[a-z][a-z0-9_]{0,31}(?:\.[a-z][a-z0-9_]{0,31}|~(?:[0-9]{1,2}[eo]){1,12})?")
CODE = Field(r"[a-z]{2,3}")  # a language code
ZONE_NAME = Field(r"[A-Za-z][A-Za-z0-9_+\-/]{0,60}")  # an IANA zone name
ORIGIN = one_of("s", "k", "p", "m")  # where warning signs were asked (safety.rules.Origin)
# The consent state a consent button was shown in: n (not given), or the second it was given at
# (services/people.consent_seen). Buttons of earlier versions carry none.
CONSENT_SEEN = Field(r"n|[0-9]{1,12}")

# Each action's payload shapes, field by field; a press matching none is stale or forged.
SHAPES: dict[Action, tuple[tuple[Field, ...], ...]] = {
    Action.CONSENT: ((one_of("yes", "no"),), (one_of("yes", "no"), CONSENT_SEEN)),
    Action.LANGUAGE: ((one_of("menu"),), (CODE,)),
    Action.PRIVACY: (
        (one_of("give", "withdraw"),),
        (one_of("give", "withdraw", "keep"), CONSENT_SEEN),
    ),
    Action.DELETE: ((one_of("yes", "no"),),),
    Action.ROUTINE_CHOICE: ((NAME,),),
    Action.CHECK_IN: ((NAME, RATING),),
    Action.RED_FLAGS: ((one_of("menu", "a", "b", "none"),), ()),
    Action.SIGNS: (
        (ORIGIN, one_of("a", "b", "k", "l"), one_of("y", "n")),
        (ORIGIN, one_of("a", "b", "k", "l"), one_of("y", "n"), NAME),
    ),
    Action.PAIN_FOLLOW_UP: (
        (ID, one_of("s"), Field("10|[0-9]|x")),
        (ID, one_of("w"), one_of(*WHERE, "x")),
    ),
    Action.HOLD: (
        (one_of("lift", "yes", "no", "gentle", "keep"),),
        (one_of("mistap", "clear"), ORIGIN),
        (one_of("mistap", "clear"), ORIGIN, NAME),
    ),
    Action.UNCLEAR: ((one_of("hurts", "fine"), ID),),
    Action.FLARE: (
        (one_of("h"), NAME, one_of("b", "s", "w")),
        (one_of("c"), NAME, one_of("b", "s", "w"), one_of("y", "n")),
        (one_of("g", "n"), NAME),
    ),
    Action.ASK: ((one_of("m", "d", "x"), RATING_OR_NONE, Field("10|[0-9]|off|pause")),),
    Action.CONTROL: ((ID, one_of("go", "pz", "rs", "sk", "st", "se", "hu")),),
    Action.INTERRUPTED: ((ID, one_of("resume", "end")),),
    Action.AFTER: ((ID, RATING), (ID, RATING_OR_NONE, RATING)),
    Action.BROWSE: ((ID, one_of("card", "steps", "easier", "harder", "try", "open")),),
    Action.REMIND: (
        (one_of("t"), Field("[0-9]{4}|other")),
        (one_of("d"), Field("[0-6]|all|wd|we|once|pick|done")),
        (one_of("c"), one_of("save", "cancel", "flip")),
        (one_of("e"), one_of("add")),  # /remind with reminders set: add another,
        (one_of("e"), ID),  # or change this one
    ),
    Action.ZONE: ((ZONE_NAME,),),
    Action.REMINDER: (
        (ID, one_of("pause", "resume", "change", "delete")),
        (one_of("page"), ID),
        (one_of("all"), one_of("pause_all", "resume_all")),
    ),
    Action.NUDGE: ((ID, one_of("start", "snooze", "skip")),),
    Action.PROGRESS: (
        (one_of("p", "r"), Field("7|30|90", int)),
        (one_of("w"), one_of("on", "off"), Field("7|30|90", int)),
    ),
    Action.PEG: ((one_of("off"),), (RATING,), (RATING, RATING), (RATING, RATING, RATING)),
    Action.HURT: ((ID, Field("[0-9]{1,2}|x", lambda field: None if field == "x" else int(field))),),
}


def decode(data: str | None, action: Action) -> tuple[Any, ...] | None:
    """The typed fields of a payload of this action, or None if it is stale or forged.

    Only what the bot itself writes is accepted: each field must match its pattern in full.
    """
    fields = parse(data, action)
    if fields is None:
        return None
    for shape in SHAPES[action]:
        if len(shape) == len(fields) and all(
            re.fullmatch(field.pattern, value) for field, value in zip(shape, fields, strict=True)
        ):
            return tuple(field.value(value) for field, value in zip(shape, fields, strict=True))
    return None


IT_HURTS = "hu"  # the control of It hurts on the live message (ui/guided.controls)
# It hurts on any session's live message: handled first, by the pain path (handlers/pain.py).
IT_HURTS_PATTERN = re.compile(
    rf"^{re.escape(VERSION)}\.{Action.CONTROL.value}:[0-9]{{1,18}}:{IT_HURTS}$"
)


def it_hurts(data: str | None) -> bool:
    """Whether a button payload is It hurts on a live session message."""
    return data is not None and IT_HURTS_PATTERN.match(data) is not None
