"""Builds and parses every callback_data payload, so no handler writes one by hand.

A payload is `v1.{action}:{field}:{field}`, always under Telegram's 64 bytes. The version prefix
lets a restart that changes the format recognise buttons left alive in old messages.
"""

from __future__ import annotations

import re
from enum import StrEnum

VERSION = "v1"
MAX_BYTES = 64
# A number field as the bot writes it: ASCII digits, few enough for a 64-bit database integer.
NUMBER = re.compile(r"[0-9]{1,18}")


class Action(StrEnum):
    """What a button does; the short value goes on the wire."""

    CONSENT = "cs"
    LANGUAGE = "lg"
    PRIVACY = "pv"
    DELETE = "dl"
    ROUTINE_CHOICE = "rc"  # routine id
    CHECK_IN = "ci"  # routine id, rating 0-10
    RED_FLAGS = "rf"  # menu | a | b | none: buttons of earlier versions, still honoured
    SIGNS = "ws"  # origin (p: pain, s: before a session, m: asked), group (a | b), y | n[, routine]
    PAIN_FOLLOW_UP = "pf"  # report id (0: not stored), step (s: strength, w: where), value
    HOLD = "hd"  # lift | yes | no | gentle
    FLARE = "fl"  # step (h: how is it, c: consulted, g: gentle, n: normal), routine id, answer
    ASK = "ak"  # kind (m: morning, d: daily check), reference (0-10 | n), rating | off | pause
    CONTROL = "rt"  # session id, control
    INTERRUPTED = "ri"  # session id, resume | end
    AFTER = "ar"  # session id, rating 0-10
    BROWSE = "ex"  # exercise index, view (card | steps | easier | harder | try)
    REMIND = "rm"  # step (t | d | c), value
    ZONE = "tz"  # IANA zone name
    REMINDER = "rl"  # reminder id (or "all"), op (pause | resume | change | delete)
    NUDGE = "rn"  # reminder id, op (start | snooze | skip)
    PROGRESS = "pr"  # op (p: show, r: report), days (7 | 30 | 90); or w, on | off (weekly check)
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


# Anything that is not one of our current payloads (old versions, forged data).
ANY_CURRENT = re.compile(rf"^{re.escape(VERSION)}\.")
