"""Sessions whose clock runs in the Mini App: their units of work.

The page shows the beats itself and posts the start, its checkpoints and its end; each post
carries an idempotency key, stored (`app_answers`) in the same transaction as the change it
made, so a retried post changes nothing and any process can answer it. Such a session is stored
like the chat's (`routine_sessions`, owner `APP_OWNER`: no process recovers it after a restart,
the page holds its clock), so stats, the streak, progression, /progress and the report count it,
and the one-open-session index keeps a chat session and an app session from running at once.
Only the service (guided/service.py) calls these.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from content.adapted import base_id
from core.context import BotState
from db import app_answers as answers
from db import routines as store
from db.models import RoutineSession, UserProgress, utcnow
from guided.checkpoints import CheckpointWriter
from guided.engine import marks
from guided.engine.marks import Mark
from guided.engine.status import OPEN, End, SessionStatus
from guided.store import APP_OWNER, create_in, record_end, settled, timeline_of
from services.outcomes import adapted_routine

Answer = dict[str, Any]


def shown(status: str) -> str:
    """What the page is told of a session's status: running, or how it ended."""
    return "running" if status in OPEN else status


async def answered(data: BotState, user_id: int, key: str) -> Answer | None:
    """The stored answer to a post with this key (a retry), if any."""
    async with data.db() as tx:
        stored = await answers.answer_of(tx, user_id, key)
    return None if stored is None else dict(json.loads(stored))


async def keep(data: BotState, user_id: int, key: str, answer: Answer) -> Answer:
    """Store an answer on its own (after the pain path, which owns its transaction); the first
    one stored wins."""
    try:
        async with data.db() as tx:
            await answers.keep_answer(tx, user_id, key, json.dumps(answer))
            await tx.commit()
    except IntegrityError:
        return await answered(data, user_id, key) or answer
    return answer


async def claim(data: BotState, user_id: int, key: str, answer: Answer) -> bool:
    """Take a post's key before work that must happen once per key (the pain path's warning,
    the warning-sign questions): True if this call stored it, False if a post with this key
    (a retry, in any process) stored it first."""
    try:
        async with data.db() as tx:
            await answers.keep_answer(tx, user_id, key, json.dumps(answer))
            await tx.commit()
    except IntegrityError:
        return False
    return True


async def release(data: BotState, user_id: int, key: str) -> None:
    """Give a claimed key back: the work it was taken for failed, a retry does it again."""
    async with data.db() as tx:
        await answers.drop_answer(tx, user_id, key)
        await tx.commit()


@dataclass(frozen=True)
class Today:
    """What the home screen and a start need to know: the routine chosen last, its level, the
    routine as adapted after an exercise hurt, and who runs the chat's open session, if any."""

    routine_id: str | None
    level: int
    adapted: dict[str, str]  # routine id -> the id adapted to what hurt lately
    open_owner: str | None


async def today(data: BotState, user_id: int, chat_id: int, routine_ids: list[str]) -> Today:
    """One short read for the home screen."""
    async with data.db() as tx:
        progress = await tx.get(UserProgress, user_id)
        adapted = {rid: await adapted_routine(tx, data, user_id, rid) for rid in routine_ids}
        open_row = await store.open_session(tx, chat_id)
    owner = None if open_row is None else (open_row.owner or "")
    if progress is None:
        return Today(None, 0, adapted, owner)
    return Today(progress.last_routine, progress.level, adapted, owner)


async def last_sessions(data: BotState, user_id: int, limit: int) -> list[RoutineSession]:
    """The user's last ended sessions, newest first."""
    async with data.db() as tx:
        return await answers.last_ended(tx, user_id, limit)


async def start(
    data: BotState,
    writer: CheckpointWriter,
    *,
    user_id: int,
    chat_id: int,
    language: str,
    routine_id: str,
    rating: int,
    gentle: set[str],
    key: str,
) -> Answer:
    """Store a session run in the app and its check-in, unless the chat runs one (`busy`). An
    open session the app left behind (the page reloaded or closed) is ended as stopped first.
    The same start posted to two processes at once: one stores it, the other answers with it."""
    try:
        async with settled(data, writer, chat_id=chat_id) as tx:
            stored = await answers.answer_of(tx, user_id, key)
            if stored is not None:
                return dict(json.loads(stored))
            open_row = await store.open_session(tx, chat_id)
            answer: Answer
            if open_row is not None and open_row.owner != APP_OWNER:
                answer = {"session": None, "busy": True}
            else:
                if open_row is not None:
                    await record_end(tx, data, chat_id, End.STOPPED, None)
                    await tx.flush()
                created = await create_in(
                    tx,
                    data,
                    user_id=user_id,
                    chat_id=chat_id,
                    language=language,
                    routine_id=routine_id,
                    rating=rating,
                    gentle=gentle,
                    owner=APP_OWNER,
                )
                answer = {
                    "session": created.session_id,
                    "busy": False,
                    "routine": created.routine_id,
                    "level": created.level,
                }
            await answers.keep_answer(tx, user_id, key, json.dumps(answer))
            await tx.commit()
    except IntegrityError:  # the key, or the one open session, taken by the same start
        first = await answered(data, user_id, key)
        return first if first is not None else {"session": None, "busy": True}
    return answer


async def own_session(data: BotState, user_id: int, session_id: int) -> RoutineSession | None:
    """The session if it is this user's (None: unknown, or someone else's)."""
    async with data.db() as tx:
        row = await store.get_session(tx, session_id)
    return row if row is not None and row.user_id == user_id else None


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint the page posted: the session reached `beat`, with these marks."""

    user_id: int
    session_id: int
    beat: int
    item_marks: str
    key: str


async def checkpoints(data: BotState, posts: Sequence[Checkpoint]) -> list[Answer | None]:
    """Checkpoint posts served together (one transaction on SQLite, one statement that writes
    on PostgreSQL; perf/batching.py gathers them): each stored if its app session is open and
    the beat is ahead of the stored one (never backwards), its answer kept under its key. None:
    not this user's session. A post sent to two processes at once (a retry) is answered by both
    with the answer stored first."""
    async with data.batch_db() as tx:  # PostgreSQL: a connection of its own, autocommit
        stored, states = await answers.checkpoint_reads(
            tx, {(post.user_id, post.key, post.session_id) for post in posts}
        )
        beats = {sid: row.beat_index for sid, row in states.items()}
        kept: dict[tuple[int, str], str] = {}
        moved: dict[int, answers.Change] = {}
        for post in posts:
            row = states.get(post.session_id)
            mine = (post.user_id, post.key)
            if mine in stored or mine in kept or row is None or row.user_id != post.user_id:
                continue
            if row.owner == APP_OWNER and row.status in OPEN and post.beat > beats[row.id]:
                beats[row.id] = post.beat
                done = marks.count(post.item_marks, Mark.DONE)
                moved[row.id] = answers.Change(row.id, post.beat, post.item_marks, done)
            answer = {"session": row.id, "beat": beats[row.id], "status": shown(row.status)}
            kept[mine] = json.dumps(answer)
        stored |= await answers.store_checkpoints(tx, APP_OWNER, list(moved.values()), kept)
        await tx.commit()
    return [
        dict(json.loads(found)) if (found := stored.get((post.user_id, post.key))) else None
        for post in posts
    ]


@dataclass(frozen=True)
class AppEnd:
    """A finish post: the page's answer, and the session if this post ended it."""

    answer: Answer
    ended: RoutineSession | None


async def finish(
    data: BotState,
    *,
    user_id: int,
    session_id: int,
    beat: int,
    item_marks: str,
    completed: bool,
    key: str,
) -> AppEnd | None:
    """The session ended in the app: completed (its last beat) or stopped (Stop). A session
    that ended already (It hurts, /stop in the chat) keeps its end. None: not this user's.
    The same end posted to two processes at once: one stores it, the other answers with it."""
    try:
        async with data.db() as tx:
            stored = await answers.answer_of(tx, user_id, key)
            if stored is not None:
                return AppEnd(dict(json.loads(stored)), None)
            row = await store.get_session(tx, session_id)
            if row is None or row.user_id != user_id:
                return None
            ended = None
            if row.owner == APP_OWNER and row.status in OPEN:
                status = SessionStatus.COMPLETED if completed else End.STOPPED.status()
                timeline = timeline_of(data, row.routine_id, row.level)
                reached = timeline.beats[: min(beat, len(timeline.beats))]
                active_seconds = sum(b.duration for b in reached) / data.settings.routine_time_scale
                values: dict[str, object] = {
                    "status": status,
                    "ended_at": utcnow(),
                    "beat_index": max(beat, row.beat_index),
                    "item_marks": item_marks,
                    "exercises_done": marks.count(item_marks, Mark.DONE),
                    "active_seconds": active_seconds,
                }
                await store.save_state(tx, row.id, **values)
                row.status, row.item_marks = status, item_marks
                row.exercises_done = marks.count(item_marks, Mark.DONE)
                ended = row
            answer = {
                "session": row.id,
                "status": shown(row.status),
                "done": row.exercises_done,
                "count": len(row.item_marks or ""),
                "rating_in_chat": ended is not None and completed,
                "routine": base_id(row.routine_id),
            }
            await answers.keep_answer(tx, user_id, key, json.dumps(answer))
            await tx.commit()
    except IntegrityError:
        first = await answered(data, user_id, key)
        if first is None:
            raise
        return AppEnd(first, None)
    return AppEnd(answer, ended)
