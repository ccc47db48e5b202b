"""What the emulator records for tests and benchmarks: events and counters."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Event:
    """One thing the bot did in a chat, as the emulator served it.

    kind: "send", "edit", "delete" or "answer" (a callback query answered). `message` is the
    message as it stood after this event (None for deletes and answers); message dicts are never
    changed in place, so events share them instead of copying (benchmarks keep ~100k events).
    `silent`: a send with disable_notification (the phone does not sound; an edit never does).
    """

    kind: str
    chat_id: int
    message_id: int | None
    method: str
    message: dict[str, Any] | None
    monotonic: float
    wall: float
    answer: str | None = None
    silent: bool = False

    @classmethod
    def now(
        cls,
        kind: str,
        chat_id: int,
        message_id: int | None,
        method: str,
        message: dict[str, Any] | None,
        answer: str | None = None,
        silent: bool = False,
    ) -> Event:
        return cls(
            kind,
            chat_id,
            message_id,
            method,
            message,
            time.monotonic(),
            time.time(),
            answer,
            silent,
        )


@dataclass
class Stats:
    """Counters for tests and benchmarks."""

    by_method: Counter[str] = field(default_factory=Counter)
    errors: Counter[int] = field(default_factory=Counter)  # answers by error_code
    uploads: int = 0
    file_id_reuses: int = 0
    per_chat_violations: int = 0
    global_violations: int = 0
    rejected_429: int = 0
