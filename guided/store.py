"""The guided session's units of work: each opens, commits and closes one transaction (or, where
it says *part*, works inside the caller's). Only the service (guided/service.py) calls them; none
touches Telegram or the timers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from content.adapted import base_id
from core.context import BotState
from db import routines as store
from db.models import RoutineSession, User, utcnow
from db.users import get_or_create_user, get_user
from guided.checkpoints import CheckpointWriter
from guided.engine import marks
from guided.engine.marks import Mark
from guided.engine.routines import routine_exists, routine_timeline
from guided.engine.status import End, SessionStatus
from guided.engine.timeline import Timeline
from guided.engine.timers import Live
from safety.rules import Source
from services.outcomes import HurtNote, adapted_routine, note_hurt
from services.progression import apply_outcomes
from services.safety import Report, record_report

APP_OWNER = "app"  # routine_sessions.owner of a session whose clock runs in the Mini App
# An app session with no post for this long was left (the page closed for good): the chat may
# end it (as stopped) to start its own.
APP_IDLE = timedelta(minutes=30)


def timeline_of(data: BotState, routine_id: str, level: int) -> Timeline:
    """The timeline of a routine at a level, at this process's pace (shared between sessions)."""
    return routine_timeline(
        data.content,
        routine_id,
        level,
        data.progression.levels,
        data.settings.routine_time_scale,
    )


@asynccontextmanager
async def settled(
    data: BotState,
    writer: CheckpointWriter,
    *,
    session_id: int | None = None,
    chat_id: int | None = None,
) -> AsyncIterator[AsyncSession]:
    """A transaction that first commits the pending final state of this session (or of this
    chat's sessions): the timer left it to the next group commit (guided/checkpoints.py)."""
    async with settled_finals(data, writer, writer.take_final(session_id, chat_id)) as tx:
        yield tx


@asynccontextmanager
async def settled_finals(
    data: BotState, writer: CheckpointWriter, finals: dict[int, tuple[int, dict[str, Any]]]
) -> AsyncIterator[AsyncSession]:
    """A transaction that first commits these final states taken from the group commit (given
    back to it if that fails)."""
    async with data.db() as tx:
        if finals:
            try:
                for sid, (_chat, values) in finals.items():
                    await store.save_state(tx, sid, **values)
                await tx.commit()
            except BaseException:
                for sid, (chat, values) in finals.items():  # the group commit tries again
                    writer.finish(sid, chat, **values)
                raise
        yield tx


async def save_status(data: BotState, session_id: int, status: SessionStatus) -> None:
    """Store a live session's status (paused, active)."""
    async with data.db() as tx:
        await store.save_state(tx, session_id, status=status)
        await tx.commit()


async def open_or_last(
    data: BotState, writer: CheckpointWriter, user_id: int, chat_id: int, language: str
) -> tuple[RoutineSession | None, str | None]:
    """The chat's open (interrupted) session, if any, and the routine the user chose last.

    A session that has just ended is written first: its end may still wait for the group
    commit, and it must not be offered as interrupted.
    """
    async with settled(data, writer, chat_id=chat_id) as tx:
        await get_or_create_user(tx, user_id, language)
        await end_left_in_app(tx, data, chat_id)
        open_row = await store.open_session(tx, chat_id)
        last = (await store.get_progress(tx, user_id)).last_routine
        await tx.commit()
    return open_row, last


async def take_interrupted(
    data: BotState, session_id: int, chat_id: int, *, resume: bool
) -> tuple[RoutineSession, bool] | None:
    """The chat's interrupted session (marked active again if resumed) and whether its person
    wants change alerts; None if it is not one."""
    async with data.db() as tx:
        row = await store.get_session(tx, session_id)
        if row is None or row.status != SessionStatus.INTERRUPTED or row.chat_id != chat_id:
            return None
        if resume:
            await store.save_state(tx, row.id, status=SessionStatus.ACTIVE)
        user = await get_user(tx, row.user_id)
        await tx.commit()
    return row, user is None or user.change_alerts


@dataclass(frozen=True)
class Claimed:
    """A session a stopped process was running: its row (now interrupted), its person's
    language, and when its last checkpoint was written (the beat `row.beat_index` began then)."""

    row: RoutineSession
    language: str
    checkpoint_at: datetime


async def claim_interrupted(data: BotState, lapsed: list[str] | None) -> list[Claimed]:
    """Mark the sessions of stopped processes as interrupted.

    `lapsed` None: this process's own (INSTANCE_ID) from before it stopped; else those of the
    processes whose lease has lapsed.
    """
    owners = lapsed if lapsed is not None else [data.settings.instance_id]
    async with data.db() as tx:
        rows = await store.claim_interrupted(tx, owners, unowned=lapsed is None)
        written = {row.id: row.updated_at for row in rows}  # before the claim's own write
        users = {row.user_id: await get_user(tx, row.user_id) for row in rows}
        await tx.commit()
    default = data.settings.default_language
    return [
        Claimed(row, _language(users.get(row.user_id), default), written[row.id]) for row in rows
    ]


def _language(user: User | None, default: str) -> str:
    return user.language if user else default


async def switch_alerts(data: BotState, user_id: int, language: str) -> bool:
    """Turn the change alerts (a notifying message at each new exercise and side) off if they
    are on, on if off; returns the new setting."""
    async with data.db() as tx:
        user = await get_or_create_user(tx, user_id, language)
        user.change_alerts = not user.change_alerts
        on = user.change_alerts
        await tx.commit()
    return on


async def record_checkin(data: BotState, user_id: int, rating: int) -> None:
    """A check-in rating with no session (the pain was too strong to start one)."""
    async with data.db() as tx:
        await store.record_health(tx, user_id, "checkin", rating)
        await tx.commit()


@dataclass(frozen=True)
class Created:
    """A new session: its row id, routine (adapted where an exercise hurt lately), level, the
    level of the same routine last time, and whether its person wants change alerts."""

    session_id: int
    routine_id: str
    level: int
    last_level: int | None
    alerts: bool


async def create(
    data: BotState,
    writer: CheckpointWriter,
    *,
    user_id: int,
    chat_id: int,
    language: str,
    routine_id: str,
    rating: int,
    gentle: set[str],
    screen: str | None = None,
) -> Created | None:
    """Apply pending outcomes, store the session (shown on `screen`; None: the chat) and its
    check-in; None if one is open already."""
    async with settled(data, writer, chat_id=chat_id) as tx:
        await end_left_in_app(tx, data, chat_id)
        try:
            created = await create_in(
                tx,
                data,
                user_id=user_id,
                chat_id=chat_id,
                language=language,
                routine_id=routine_id,
                rating=rating,
                gentle=gentle,
                owner=data.settings.instance_id,
                screen=screen,
            )
        except IntegrityError:
            await tx.rollback()
            return None
        await tx.commit()
    return created


async def create_in(
    tx: AsyncSession,
    data: BotState,
    *,
    user_id: int,
    chat_id: int,
    language: str,
    routine_id: str,
    rating: int,
    gentle: set[str],
    owner: str,
    screen: str | None = None,
) -> Created:
    """Part: apply pending outcomes, store the session (run by `owner`: a process, or the Mini
    App) and its check-in. The one-open-session index refuses a second open one (IntegrityError).

    The gentle plan is always at its lowest doses: progression does not apply to it.
    """
    user = await get_or_create_user(tx, user_id, language)
    progress = await apply_outcomes(tx, user_id, data.progression, skip=gentle)
    is_gentle = routine_id in gentle
    if not is_gentle:
        progress.last_routine = routine_id
    level = 0 if is_gentle else progress.level
    if not is_gentle:  # an exercise that hurt lately: easier or left out (content decides)
        routine_id = await adapted_routine(tx, data, user_id, routine_id)
    row = await store.create_session(
        tx,
        user_id=user_id,
        chat_id=chat_id,
        routine_id=routine_id,
        level=level,
        owner=owner,
        screen=screen,
    )
    await store.record_health(tx, user_id, "checkin", rating, session_id=row.id)
    last = await store.last_level(tx, user_id, row.id, routine=base_id(routine_id))
    return Created(row.id, routine_id, level, last, user.change_alerts)


@dataclass(frozen=True)
class Ended:
    """What the user is told about a session that just ended: what was done, in how long."""

    session_id: int
    routine_id: str
    exercises_done: int
    count: int
    seconds: float


async def end(data: BotState, chat_id: int, reason: End, live: Live | None) -> Ended | None:
    """One transaction: the end of the chat's session (`record_end`)."""
    async with data.db() as tx:
        ended = await record_end(tx, data, chat_id, reason, live)
        await tx.commit()
    return ended


async def record_end(
    tx: AsyncSession,
    data: BotState,
    chat_id: int,
    reason: End,
    live: Live | None,
    *,
    consent: bool = True,
) -> Ended | None:
    """Part: store the end of the chat's session (the live one, its timer stopped and the
    exercise on screen marked, else an open one) in `tx`, with the exercise where it ended
    marked (guided/engine/marks.py: hurt for pain, else stopped).

    `consent`: whether the person lets health data be kept (a pain report without it is stored
    as stopped). Returns None when the chat had no session.
    """
    values: dict[str, object] = {
        "status": reason.status(consent=consent),
        "ended_at": utcnow(),
        "live_message_id": None,
    }
    if reason in (End.PAIN, End.WARNING_SIGNS):
        # The pain path moves the level itself, at once; a later apply must not count it again.
        values["progress_applied"] = True
    if live is not None:  # its pending checkpoint was dropped by the service
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


async def end_left_in_app(tx: AsyncSession, data: BotState, chat_id: int) -> None:
    """Part: end (as stopped) the chat's open session if the Mini App left it (APP_IDLE)."""
    row = await store.open_session(tx, chat_id)
    if row is not None and row.owner == APP_OWNER and utcnow() - row.updated_at > APP_IDLE:
        await record_end(tx, data, chat_id, End.STOPPED, None)
        await tx.flush()


@dataclass(frozen=True)
class PainStored:
    """A pain report's unit of work: the report, the session it ended, the exercise noted."""

    report: Report
    ended: Ended | None
    noted: HurtNote | None


async def record_pain(
    data: BotState,
    *,
    user_id: int,
    chat_id: int,
    language: str,
    live: Live | None,
    source: Source,
    said: str | None,
) -> PainStored:
    """One transaction for a pain report: the session's end (stored as stopped without consent:
    no trace of the pain is kept), the report and what follows it (services/safety.py), and the
    exercise that was on screen (with consent: services/outcomes.py)."""
    async with data.db() as tx:
        user = await get_or_create_user(tx, user_id, language)
        consent = user.consent_at is not None
        ended = await record_end(tx, data, chat_id, End.PAIN, live, consent=consent)
        session_id = ended.session_id if ended else None
        report = await record_report(tx, data, user, chat_id, session_id, source, said)
        noted = None
        if live is not None:
            noted = await note_hurt(
                tx,
                data,
                user_id=user_id,
                session_id=live.session_id,
                routine_id=live.routine_id,
                item=live.current.item,
                now=data.now(),
            )
        await tx.commit()
    return PainStored(report, ended, noted)


def ended_marks(data: BotState, row: RoutineSession, reason: End) -> str:
    """The stored marks of a session that is not running (interrupted by a restart), with the
    exercise of its last checkpoint marked for how it ended."""
    timeline = timeline_of(data, row.routine_id, row.level)
    # Sessions stored before the marks existed: their count of exercises done stands in.
    known = row.item_marks if row.item_marks is not None else Mark.DONE * row.exercises_done
    stored = marks.read(known, len(timeline.amounts))
    item = timeline.beats[min(row.beat_index, len(timeline.beats) - 1)].item
    return marks.ended_here(stored, item, reason.mark)
