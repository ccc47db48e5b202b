"""How a guided session's end is stored: the part of the one ending path (background/ending.py)
that is a database write, shared by the pain report's unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.context import BotData
from db import routines as store
from db.models import utcnow
from engine.routines import routine_exists, routine_items
from engine.sessions import End, Live


@dataclass(frozen=True)
class Ended:
    """What the user is told about a session that just ended."""

    session_id: int
    routine_id: str
    exercises_done: int
    count: int
    minutes: int


async def record_end(
    tx: AsyncSession,
    data: BotData,
    chat_id: int,
    reason: End,
    live: Live | None,
    *,
    status: str | None = None,
) -> Ended | None:
    """Store the end of the chat's session (the live one, else an open one) in `tx`.

    The caller commits. `status` overrides the stored status (a pain report without consent to
    health data is stored as "stopped"). Returns None when the chat had no session.
    """
    values: dict[str, object] = {
        "status": status or reason.value,
        "ended_at": utcnow(),
        "live_message_id": None,
    }
    if reason in (End.PAIN, End.WARNING_SIGNS):
        # The pain path moves the level itself, at once; a later apply must not count it again.
        values["progress_applied"] = True
    if live is not None:
        data.checkpoints.discard(live.session_id)
        seconds = live.active_seconds / data.settings.routine_time_scale
        values["exercises_done"] = live.exercises_done()
        values["active_seconds"] = seconds
        await store.save_state(tx, live.session_id, **values)
        return Ended(
            live.session_id,
            live.routine_id,
            live.exercises_done(),
            len(live.plan.amounts),
            round(seconds / 60),
        )
    row = await store.open_session(tx, chat_id)
    if row is None:
        return None
    await store.save_state(tx, row.id, **values)
    count = (
        len(routine_items(data.content, row.routine_id))
        if routine_exists(data.content, row.routine_id)
        else row.exercises_done
    )
    return Ended(row.id, row.routine_id, row.exercises_done, count, round(row.active_seconds / 60))
