"""Which request is the first reply to a person's action.

The update processor marks the task that runs an update's handlers (`replying_to`); the rate
limiter asks `classify` for each request to a chat. The first request to that chat in the
update's context is its *reply*: it may use the chat's whole burst and goes ahead of the chat's
queue (with the burst used, it takes the chat's next slot; a timed beat waiting for that slot
goes one interval later). Later ones in the same context are *follow-ups*: they leave
`reserve` sends of the burst for the next reply. Requests outside any update (a live session's
beats, reminders) keep the whole burst, as before: their timing is the plan's.
"""

from __future__ import annotations

from contextvars import ContextVar
from enum import Enum


class Role(Enum):
    REPLY = "reply"
    FOLLOW_UP = "follow-up"
    OTHER = "other"


class _Mark:
    __slots__ = ("chat", "used")

    def __init__(self, chat: object) -> None:
        self.chat = chat
        self.used = False


_replying: ContextVar[_Mark | None] = ContextVar("replying_to", default=None)


def replying_to(chat_id: int) -> None:
    """Mark the current task (and the tasks it starts) as handling an update from `chat_id`."""
    _replying.set(_Mark(chat_id))


def classify(chat: object) -> Role:
    """The role of a request to `chat` made now (the first REPLY uses up the mark)."""
    mark = _replying.get()
    if mark is None or mark.chat != chat:
        return Role.OTHER
    if mark.used:
        return Role.FOLLOW_UP
    mark.used = True
    return Role.REPLY
