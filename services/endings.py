"""How a guided session's end is stored: the part of the one ending path (background/ending.py)
that is a database write, shared by the pain report's unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.context import BotData
from db import routines as store
from db.models import RoutineSession, utcnow
from engine import marks
from engine.marks import Mark
from engine.routines import routine_exists, routine_plan
from engine.sessions import End, Live


@dataclass(frozen=True)
class Ended:
    """What the user is told about a session that just ended: what was done, in how long."""

    session_id: int
    routine_id: str
    exercises_done: int
    count: int
    seconds: float


async def record_end(
    tx: AsyncSession,
    data: BotData,
    chat_id: int,
    reason: End,
    live: Live | None,
    *,
    status: str | None = None,
) -> Ended | None:
    """Store the end of the chat's session (the live one, else an open one) in `tx`, with the
    exercise where it ended marked (engine/marks.py: hurt for pain, else stopped).

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
        live.end_here(reason)
        seconds = live.active_seconds / data.settings.routine_time_scale
        values["exercises_done"] = live.exercises_done()
        values["item_marks"] = live.marks
        values["active_seconds"] = seconds
        await store.save_state(tx, live.session_id, **values)
        return Ended(
            live.session_id, live.routine_id, live.exercises_done(), len(live.marks), seconds
        )
    row = await store.open_session(tx, chat_id)
    if row is None:
        return None
    done, count = row.exercises_done, row.exercises_done
    if routine_exists(data.content, row.routine_id):
        stored = ended_marks(data, row, reason)
        done, count = marks.count(stored, Mark.DONE), len(stored)
        values["item_marks"], values["exercises_done"] = stored, done
    await store.save_state(tx, row.id, **values)
    return Ended(row.id, row.routine_id, done, count, row.active_seconds)


def ended_marks(data: BotData, row: RoutineSession, reason: End) -> str:
    """The stored marks of a session that is not running (interrupted by a restart), with the
    exercise of its last checkpoint marked for how it ended."""
    plan = routine_plan(
        data.content,
        row.routine_id,
        row.level,
        data.progression.levels,
        data.settings.routine_time_scale,
    )
    # Sessions stored before the marks existed: their count of exercises done stands in.
    known = row.item_marks if row.item_marks is not None else Mark.DONE * row.exercises_done
    stored = marks.read(known, len(plan.amounts))
    item = plan.beats[min(row.beat_index, len(plan.beats) - 1)].item
    return marks.ended_here(stored, item, reason.mark)
