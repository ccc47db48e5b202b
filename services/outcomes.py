"""Units of work for progress and outcomes: the facts /progress and the report show, the weekly
check (PEG-3), and which exercise hurt (and so how the next plan is adapted).

PEG scores and which exercise hurt are health data: db/progress.py stores them only with consent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from content import Content
from content.adapted import Change, adapt, change_after_pain
from core.context import BotState
from db import progress as store
from db.connection import TransactionFactory
from db.routines import get_session
from db.users import get_user
from guided.engine.routines import is_gentle, routine_exists, routine_items
from guided.engine.status import SessionStatus
from places.zones import zone_info
from progress.stats import (
    Facts,
    HurtFact,
    PegFact,
    PeriodFact,
    RatingFact,
    SessionFact,
    local_day,
)
from reminders.schedule import first_due


def facts_of(
    rows: store.Rows, now: datetime, default_zone: str, is_gentle: Callable[[str], bool]
) -> Facts:
    """The stored rows as the numbers and charts see them (in the user's zone)."""
    zone = rows.user.timezone or default_zone
    tz = zone_info(zone)
    return Facts(
        zone=zone,
        now=now,
        since=local_day(rows.user.created_at, tz),
        sessions=tuple(
            SessionFact(
                s.started_at,
                SessionStatus(s.status),
                s.routine_id,
                s.active_seconds,
                is_gentle(s.routine_id),
                s.id,
            )
            for s in rows.sessions
        ),
        ratings=tuple(
            RatingFact(r.at, r.kind, r.value, r.detail, r.session_id, r.source, r.said)
            for r in rows.ratings
        ),
        periods=tuple(PeriodFact(p.kind, p.started_at, p.ended_at) for p in rows.periods),
        pegs=tuple(PegFact(p.at, p.pain, p.enjoyment, p.activity) for p in rows.pegs),
        hurts=tuple(HurtFact(h.at, h.exercise_id, h.change, h.session_id) for h in rows.hurts),
        reminder_days=frozenset(
            day for row in rows.reminders for day in range(7) if row.days & (1 << day)
        ),
        tz=tz,
    )


class Gathered(NamedTuple):
    """What /progress shows: the facts (None: nobody stored), consent, the weekly check as
    (weekday, local time) or None."""

    facts: Facts | None
    consent: bool
    weekly: tuple[int, str] | None


async def gather(data: BotState, user_id: int, is_gentle: Callable[[str], bool]) -> Gathered:
    """The user's progress facts, consent and weekly check, in one short transaction."""
    async with data.db() as tx:
        rows = await store.load_rows(tx, user_id)
        consent = await store.has_consent(tx, user_id)
        row = await store.weekly_check(tx, user_id)
    facts = facts_of(rows, data.now(), data.settings.default_timezone, is_gentle) if rows else None
    weekly = None
    if row is not None:
        weekly = (next(d for d in range(7) if row.days & (1 << d)), row.local_time)
    return Gathered(facts, consent, weekly)


async def start_weekly(data: BotState, user_id: int, chat_id: int) -> datetime | None:
    """Turn the weekly check on, on today's weekday at the user's reminder time (or the
    default); its first due instant, or None without consent (it stores answers)."""
    now = data.now()
    async with data.db() as tx:
        if not await store.has_consent(tx, user_id):
            return None
        user = await get_user(tx, user_id)
        reminder = await store.reminder_time(tx, user_id)
        zone = (user.timezone if user else None) or (
            reminder[1] if reminder else data.settings.default_timezone
        )
        local_time = reminder[0] if reminder else data.settings.weekly_check_time
        days = 1 << now.astimezone(zone_info(zone)).weekday()
        due = first_due(local_time, days, zone, now)
        await store.set_weekly_check(
            tx,
            user_id=user_id,
            chat_id=chat_id,
            local_time=local_time,
            days=days,
            zone=zone,
            due=due,
        )
        await tx.commit()
    return due


async def stop_weekly(db: TransactionFactory, user_id: int) -> None:
    """Turn the weekly check off."""
    async with db() as tx:
        await store.stop_weekly_check(tx, user_id)
        await tx.commit()


@dataclass(frozen=True)
class PegStored:
    """Whether the weekly check was stored (consent), and the score before it, if any."""

    stored: bool
    before: float | None


async def record_peg(
    db: TransactionFactory, user_id: int, answers: tuple[int, int, int], now: datetime
) -> PegStored:
    """Store the three answers of a weekly check (with consent)."""
    async with db() as tx:
        before = await store.last_peg(tx, user_id)
        stored = await store.record_peg(tx, user_id, *answers, now)
        await tx.commit()
    return PegStored(stored, before)


@dataclass(frozen=True)
class Hurt:
    """An exercise of a session that hurt, whether it was shown in its easier version, and what
    changes for it for a while (content/adapted.change_after_pain). The gentle plan itself is
    never adapted (gentle): the change is for the person's other routines."""

    exercise_id: str
    easier: bool
    change: Change
    gentle: bool = False


def hurt_at(content: Content, routine_id: str, index: int) -> Hurt | None:
    """The exercise at a position of a session's routine, as it hurt there (None past its end)."""
    items = routine_items(content, routine_id)
    if not 0 <= index < len(items):
        return None
    item = items[index]
    exercise = content.exercises[item.exercise]
    return Hurt(
        item.exercise,
        item.variant == "easier",
        change_after_pain(exercise, item),
        is_gentle(content, routine_id),
    )


@dataclass(frozen=True)
class HurtNote:
    """The exercise noted as hurting when a session stopped for pain, asked about last."""

    hurt_id: int
    hurt: Hurt
    routine_id: str
    current: int  # its place in the session


async def note_hurt(
    tx: AsyncSession,
    data: BotState,
    *,
    user_id: int,
    session_id: int,
    routine_id: str,
    item: int,
    now: datetime,
) -> HurtNote | None:
    """Part of the pain report's unit of work: note the exercise that was on screen (with
    consent); None without consent, or for a routine the content no longer has."""
    if not routine_exists(data.content, routine_id):
        return None
    current = min(item, len(routine_items(data.content, routine_id)) - 1)
    hurt = hurt_at(data.content, routine_id, current)
    if hurt is None:
        return None
    hurt_id = await store.record_hurt(tx, user_id, session_id, hurt.exercise_id, hurt.change, now)
    return None if hurt_id is None else HurtNote(hurt_id, hurt, routine_id, current)


@dataclass(frozen=True)
class HurtChanged:
    """The answer changed (found: it was the user's), and what it names now (None: none)."""

    found: bool
    hurt: Hurt | None = None


async def change_hurt(data: BotState, user_id: int, hurt_id: int, index: int | None) -> HurtChanged:
    """Another exercise of the stopped session hurt (its index), or none did (None)."""
    async with data.db() as tx:
        row = await store.get_hurt(tx, user_id, hurt_id)
        stopped = await get_session(tx, row.session_id) if row and row.session_id else None
        hurt = None
        if index is not None and stopped is not None:
            hurt = hurt_at(data.content, stopped.routine_id, index)
        if row is None or (index is not None and hurt is None):
            return HurtChanged(False)
        exercise_id, change = (hurt.exercise_id, hurt.change) if hurt else (None, "")
        await store.change_hurt(tx, user_id, hurt_id, exercise_id, change)
        await tx.commit()
    return HurtChanged(True, hurt)


async def adapted_routine(tx: AsyncSession, data: BotState, user_id: int, routine_id: str) -> str:
    """Part of starting a session: the routine id with the exercises that hurt lately made
    easier or left out (as decided when each hurt: `change_after_pain`)."""
    since = data.now() - timedelta(days=data.settings.hurt_exercise_days)
    hurt = await store.recent_hurts(tx, user_id, since)
    return adapt(data.content, routine_id, hurt) if hurt else routine_id
