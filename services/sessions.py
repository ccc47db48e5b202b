"""Units of work on guided sessions: choosing, starting, resuming, ending and rating one.

Each owns its transaction; none touches Telegram or the engine's timers (the caller does).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from content.adapted import base_id
from core.batching import shared
from core.context import BotData
from db import routines as store
from db import safety as safety_store
from db.connection import TransactionFactory
from db.models import PainRating, RoutineSession, UserProgress, utcnow
from db.users import get_or_create_user, get_user, users_by_id
from places.zones import zone_info
from safety.rules import AfterSession, after_session, suggest_normal_plan
from services.outcomes import adapted_routine
from services.progression import apply_loaded, apply_outcomes
from services.safety import schedule_morning_check

logger = logging.getLogger(__name__)


async def save_status(db: TransactionFactory, session_id: int, status: str) -> None:
    """Store a live session's status (paused, active)."""
    async with db() as tx:
        await store.save_state(tx, session_id, status=status)
        await tx.commit()


async def open_or_last(
    data: BotData, user_id: int, chat_id: int, language: str
) -> tuple[RoutineSession | None, str | None]:
    """The chat's open (interrupted) session, if any, and the routine the user chose last.

    A session that has just ended is written first: its end may still wait for the group
    commit, and it must not be offered as interrupted.
    """
    async with settled(data, chat_id=chat_id) as tx:
        await get_or_create_user(tx, user_id, language)
        open_row = await store.open_session(tx, chat_id)
        last = (await store.get_progress(tx, user_id)).last_routine
        await tx.commit()
    return open_row, last


async def take_interrupted(
    db: TransactionFactory, session_id: int, chat_id: int, *, resume: bool
) -> tuple[RoutineSession, bool] | None:
    """The chat's interrupted session (marked active again if resumed) and whether its person
    wants change alerts; None if it is not one."""
    async with db() as tx:
        row = await store.get_session(tx, session_id)
        if row is None or row.status != "interrupted" or row.chat_id != chat_id:
            return None
        if resume:
            await store.save_state(tx, row.id, status="active")
        user = await get_user(tx, row.user_id)
        await tx.commit()
    return row, user is None or user.change_alerts


async def switch_alerts(db: TransactionFactory, user_id: int, language: str) -> bool:
    """Turn the change alerts (a notifying message at each new exercise and side) off if they
    are on, on if off; returns the new setting."""
    async with db() as tx:
        user = await get_or_create_user(tx, user_id, language)
        user.change_alerts = not user.change_alerts
        on = user.change_alerts
        await tx.commit()
    return on


async def record_checkin(db: TransactionFactory, user_id: int, rating: int) -> None:
    """A check-in rating with no session (the pain was too strong to start one)."""
    async with db() as tx:
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


@asynccontextmanager
async def settled(
    data: BotData, *, session_id: int | None = None, chat_id: int | None = None
) -> AsyncIterator[AsyncSession]:
    """A transaction that first commits the pending final state of this session (or of this
    chat's sessions): the timer left it to the next group commit (db/checkpoints.py)."""
    async with settled_finals(data, data.checkpoints.take_final(session_id, chat_id)) as tx:
        yield tx


@asynccontextmanager
async def settled_finals(
    data: BotData, finals: dict[int, tuple[int, dict[str, Any]]]
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
                    data.checkpoints.finish(sid, chat, **values)
                raise
        yield tx


async def create(
    data: BotData,
    *,
    user_id: int,
    chat_id: int,
    language: str,
    routine_id: str,
    rating: int,
    gentle: set[str],
) -> Created | None:
    """Apply pending outcomes, store the session and its check-in; None if one is open already.

    The gentle plan is always at its lowest doses: progression does not apply to it.
    """
    async with settled(data, chat_id=chat_id) as tx:
        user = await get_or_create_user(tx, user_id, language)
        progress = await apply_outcomes(tx, user_id, data.progression, skip=gentle)
        is_gentle = routine_id in gentle
        if not is_gentle:
            progress.last_routine = routine_id
        level = 0 if is_gentle else progress.level
        if not is_gentle:  # an exercise that hurt lately: easier or left out (content decides)
            routine_id = await adapted_routine(tx, data, user_id, routine_id)
        try:
            row = await store.create_session(
                tx,
                user_id=user_id,
                chat_id=chat_id,
                routine_id=routine_id,
                level=level,
                owner=data.settings.instance_id,
            )
        except IntegrityError:
            await tx.rollback()
            return None
        await store.record_health(tx, user_id, "checkin", rating, session_id=row.id)
        last = await store.last_level(tx, user_id, row.id, routine=base_id(routine_id))
        alerts = user.change_alerts
        await tx.commit()
    return Created(row.id, routine_id, level, last, alerts)


@dataclass(frozen=True)
class Rated:
    """What the after-session answer shows: the ratings, the verdict, the streak."""

    before: int | None
    verdict: AfterSession
    streak: int
    progress: UserProgress
    suggest_normal: bool  # enough calm gentle sessions to suggest the normal plan again
    morning_check: datetime | None  # a morning check was scheduled for this instant


@dataclass(frozen=True)
class Rating:
    """One after-session answer: whose, which session, the check-in the button carried, the
    rating, and the routines of the gentle plan (they do not move the level)."""

    user_id: int
    chat_id: int
    session_id: int
    checkin: int | None
    rating: int
    gentle: frozenset[str]


async def rate(
    data: BotData,
    *,
    user_id: int,
    chat_id: int,
    session_id: int,
    checkin: int | None,
    rating: int,
    gentle: set[str],
) -> Rated | None:
    """Store the after-session rating, judge it, move the level; None for an old button.

    A rating of 7 or more, or 2 or more above the check-in, gets no step up and a morning
    check the next day. The check-in rating travels in the button, so the verdict holds without
    consent to storing ratings. Ratings that arrive together are written together
    (`rate_many`, one transaction: core/batching.py).
    """
    batched = shared(data.batches, "ratings", partial(rate_many, data))
    return await batched(Rating(user_id, chat_id, session_id, checkin, rating, frozenset(gentle)))


async def rate_many(data: BotData, items: Sequence[Rating]) -> list[Rated | None]:
    """`rate` for many answers in one transaction, each read done once for all of them."""
    finals: dict[int, tuple[int, dict[str, Any]]] = {}
    for item in items:
        finals.update(data.checkpoints.take_final(item.session_id))
    async with settled_finals(data, finals) as tx:
        rows = await store.sessions_by_id(tx, {item.session_id for item in items})
        # Only people pressing on their own session are read (and given a progress row): a
        # forged press may come from anyone.
        user_ids = {
            item.user_id
            for item in items
            if (row := rows.get(item.session_id)) is not None and row.user_id == item.user_id
        }
        users = await users_by_id(tx, user_ids)
        progress_rows = await store.progress_of(tx, user_ids)
        unapplied = await store.unapplied_sessions_of(tx, user_ids)
        stored = await store.ratings_of(
            tx,
            {row.id for found in unapplied.values() for row in found}
            | {item.session_id for item in items},
        )
        ends = await store.completed_ends_of(tx, user_ids)
        periods = await safety_store.periods_of(tx, user_ids)
        results: list[Rated | None] = []
        written: list[dict[str, Any]] = []
        for item in items:
            row, user = rows.get(item.session_id), users.get(item.user_id)
            if row is None or row.user_id != item.user_id or row.progress_applied:
                results.append(None)
                continue
            if user is not None and user.consent_at is not None:
                written.append(
                    {
                        "user_id": item.user_id,
                        "session_id": item.session_id,
                        "kind": "after",
                        "value": item.rating,
                    }
                )
            before = (
                item.checkin
                if item.checkin is not None
                else stored.get(item.session_id, {}).get("checkin")
            )
            verdict = after_session(before, item.rating)
            progress = progress_rows[item.user_id]
            apply_loaded(
                progress,
                unapplied[item.user_id],
                stored,
                data.progression,
                skip=item.gentle,
                known={item.session_id: (before, item.rating)},
            )
            suggest = False
            if row.routine_id in item.gentle and verdict is AfterSession.FINE:
                progress.calm_sessions += 1
                needed = data.settings.calm_sessions_to_return
                suggest = progress.flare_since is not None and suggest_normal_plan(
                    progress.calm_sessions, needed
                )
            zone = user.timezone if user and user.timezone else data.settings.default_timezone
            tz = zone_info(zone)  # an IANA name or a fixed offset ("UTC-03:00")
            today = utcnow().astimezone(tz).date()
            days = {
                ended.astimezone(tz).date()
                for ended, routine in ends[item.user_id]
                if routine not in item.gentle
            }
            frozen = safety_store.days_covered(periods[item.user_id], tz, today)
            due = None
            if verdict is not AfterSession.FINE and user is not None:
                due = await schedule_morning_check(tx, data, user, item.chat_id, data.now())
            streak = store.streak(days, today, frozen)
            results.append(Rated(before, verdict, streak, progress, suggest, due))
        if written:
            await tx.execute(insert(PainRating), written)
        await tx.commit()
    return results
