"""Units of work on safety: the user's safety facts, warning-sign answers, holds, flare-ups,
pain reports and the checks that follow them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import BotState
from db import reminders as reminder_store
from db import safety as store
from db.connection import TransactionFactory
from db.models import User, UserProgress
from db.routines import get_progress, record_health
from db.users import get_or_create_user, users_by_id
from perf.batching import Batched
from reminders.schedule import morning_after, parse_hhmm
from safety.rules import (
    Answer,
    Hold,
    Origin,
    SafetyState,
    Source,
    Trend,
    may_correct,
    red_flag,
    same_episode,
    trend,
)
from services.progression import step_down_for_pain


def state_of(user: User | None, progress: UserProgress | None) -> SafetyState:
    """The safety facts stored for a user (nothing stored: a new user, not yet screened)."""
    if user is None:
        return SafetyState()
    return SafetyState(
        hold=Hold(user.safety_hold) if user.safety_hold else None,
        hold_since=user.hold_since,
        screened=user.screened_at is not None,
        flare_since=progress.flare_since if progress else None,
        last_pain_at=progress.last_pain_at if progress else None,
    )


async def load_state(data: BotState, user_id: int) -> tuple[SafetyState, User | None]:
    """Read the user's safety facts (one short transaction, shared with the other presses
    that arrive meanwhile: perf/batching.py)."""
    state: tuple[SafetyState, User | None] = await data.batched_safety_reads(user_id)
    return state


def batched_safety_reads(data: BotState) -> Batched[int, tuple[SafetyState, User | None]]:
    """The group commit of `load_state` (built once at start: BotState.batched_safety_reads)."""
    return Batched(partial(load_states, data))


async def load_states(
    data: BotState, user_ids: Sequence[int]
) -> list[tuple[SafetyState, User | None]]:
    """`load_state` of many users in one transaction."""
    async with data.db() as tx:
        users = await users_by_id(tx, user_ids)
        progress = {
            row.user_id: row
            for row in await tx.scalars(
                select(UserProgress).where(UserProgress.user_id.in_(list(user_ids)))
            )
        }
    return [
        (state_of(users.get(user_id), progress.get(user_id)), users.get(user_id))
        for user_id in user_ids
    ]


NIGHT = timedelta(hours=8)  # the morning check comes after at least a night's rest
# The stored rating kind for each check: the morning after, daily after a report, asked.
CHECK_KINDS = {"m": "morning", "d": "daily", "x": "asked"}


async def schedule_morning_check(
    tx: AsyncSession, data: BotState, user: User, chat_id: int, now: datetime
) -> datetime | None:
    """Set the one-off morning check after a painful day (unless turned off); its due instant.

    Part of the caller's unit of work: the caller commits, then wakes the reminder job.
    """
    if not user.next_day_checks:
        return None
    zone = user.timezone or data.settings.default_timezone
    local_time = data.settings.morning_check_time
    due = morning_after(now, parse_hhmm(local_time), zone, NIGHT)
    await reminder_store.schedule_next_day_check(
        tx, user_id=user.id, chat_id=chat_id, local_time=local_time, zone=zone, due=due
    )
    return due


async def answer_check(
    db: TransactionFactory,
    *,
    user_id: int,
    language: str,
    kind: str,
    reference: int | None,
    op: str,
    now: datetime,
) -> Trend | None:
    """A check's answer: a rating (stored; worse or high starts a flare-up), or turning the
    morning checks off ("off"), or pausing all reminders ("pause"); the trend of a rating."""
    result = None
    async with db() as tx:
        user = await get_or_create_user(tx, user_id, language)
        if op == "off":
            user.next_day_checks = False
            await reminder_store.cancel_next_day_checks(tx, user_id)
        elif op == "pause":
            await reminder_store.set_paused(tx, user_id, True)
        else:
            rating = int(op)
            await record_health(tx, user_id, CHECK_KINDS[kind], rating)
            result = trend(reference, rating)
            if result in (Trend.HIGH, Trend.WORSE):
                await store.start_flare(tx, user_id, now)
        await tx.commit()
    return result


async def end_flare(db: TransactionFactory, user_id: int, now: datetime) -> None:
    """Back to the normal plan: the flare-up ends."""
    async with db() as tx:
        await store.end_flare(tx, user_id, now)
        await tx.commit()


async def hold(
    db: TransactionFactory,
    user_id: int,
    language: str,
    hold: Hold,
    now: datetime,
    answer: str,
) -> str | None:
    """Put the routine on hold and record the warning-sign answer (`red_flag`); the user's zone."""
    async with db() as tx:
        user = await get_or_create_user(tx, user_id, language)
        zone = user.timezone
        await store.set_hold(tx, user_id, hold.value, now)
        await record_health(tx, user_id, "red_flag", detail=answer)
        await tx.commit()
    return zone


async def lift_hold(db: TransactionFactory, user_id: int, now: datetime) -> None:
    """Lift the hold, on the user's statement."""
    async with db() as tx:
        await store.lift_hold(tx, user_id, now)
        await tx.commit()


async def correct_mistap(data: BotState, user_id: int, origin: Origin) -> bool:
    """An emergency Yes the person corrected right after it (two deliberate taps): the hold is
    lifted and the answer stored as corrected. False if it is too late, or there is no hold."""
    now = data.now()
    window = timedelta(minutes=data.settings.hold_mistap_minutes)
    async with data.db() as tx:
        user = await tx.get(User, user_id)
        if user is None or not may_correct(state_of(user, None), now, window):
            return False
        await store.lift_hold(tx, user_id, now)
        await store.correct_red_flag(tx, user_id, red_flag(Answer.CORRECTED, origin))
        if origin in (Origin.FIRST, Origin.KNOWN):
            await store.mark_screened(tx, user_id, None)  # the check goes on where it was
        await tx.commit()
    return True


async def pass_screening(
    db: TransactionFactory, user_id: int, language: str, now: datetime, answer: str
) -> None:
    """No warning signs: the user is screened, and the answer recorded."""
    async with db() as tx:
        await get_or_create_user(tx, user_id, language)
        await store.mark_screened(tx, user_id, now)
        await record_health(tx, user_id, "red_flag", detail=answer)
        await tx.commit()


async def add_to_report(
    db: TransactionFactory,
    user_id: int,
    report_id: int,
    *,
    strength: int | None = None,
    where: str | None = None,
) -> None:
    """How strong the pain is, or where: added to the report (it exists only with consent)."""
    async with db() as tx:
        await store.add_to_report(tx, user_id, report_id, strength=strength, where=where)
        await tx.commit()


@dataclass(frozen=True)
class Report:
    """A pain report as stored: its id (None without consent), the morning check, whether it
    joined the report before it (one episode), and what that report already has."""

    report_id: int | None
    consent: bool
    morning_check: datetime | None
    joined: bool = False
    has_strength: bool = False
    has_where: bool = False


NOT_STORED = Report(None, False, None)  # the database failed: the warning went regardless


async def record_report(
    tx: AsyncSession,
    data: BotState,
    user: User,
    chat_id: int,
    session_id: int | None,
    source: Source,
    said: str | None = None,
) -> Report:
    """Part of the pain report's unit of work (guided/service.py, `hurt`, which stores the
    session's end in the same transaction): the report (with consent, and the person's words
    with it), two levels back, flare-up mode on, and the morning check. A report within
    `PAIN_EPISODE_MINUTES` of the last one joins it: no second report, no second step. The
    caller commits."""
    now = data.now()
    window = timedelta(minutes=data.settings.pain_episode_minutes)
    consent = user.consent_at is not None
    progress = await get_progress(tx, user.id)
    joined = same_episode(progress.last_pain_at, now, window)
    words = said if consent else None
    row = await store.join_report(tx, user.id, now - window, words) if joined else None
    if row is not None:
        report_id: int | None = row.id
        has = (row.value is not None, row.detail is not None)
    else:
        report_id = await store.record_report(
            tx, user.id, session_id, now, source=source.value, said=words
        )
        has = (False, False)
    due = None
    if not joined:
        await step_down_for_pain(tx, user.id, data.progression)
        due = await schedule_morning_check(tx, data, user, chat_id, now)
    await store.start_flare(tx, user.id, now)
    return Report(report_id, consent, due, joined, *has)
