"""Query functions for /progress and the doctor's report: the facts, weekly PEG-3 scores, the
exercises that hurt, and the weekly check (a `reminders` row of kind "weekly_check").

PEG scores and which exercise hurt are health data: stored only with consent, like ratings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ExercisePain, PainRating, PegScore, PlanPeriod, Reminder, RoutineSession, User
from db.reminders import ROUTINE
from progress.stats import (
    Facts,
    HurtFact,
    PegFact,
    PeriodFact,
    RatingFact,
    SessionFact,
    local_day,
)

WEEKLY_CHECK = "weekly_check"  # reminders.kind: the optional PEG-3, one day a week
ENDED = ("completed", "stopped", "pain", "warning_signs")


async def _consent(session: AsyncSession, user_id: int) -> bool:
    consent = await session.scalar(select(User.consent_at).where(User.id == user_id))
    return consent is not None


async def load_facts(
    session: AsyncSession,
    user_id: int,
    now: datetime,
    default_zone: str,
    is_gentle: Callable[[str], bool],
    zone_info: Callable[[str], tzinfo],
) -> Facts | None:
    """Everything /progress and the report show about a user; None for someone not stored."""
    user = await session.get(User, user_id)
    if user is None:
        return None
    zone = user.timezone or default_zone
    tz = zone_info(zone)
    sessions = await session.scalars(
        select(RoutineSession)
        .where(RoutineSession.user_id == user_id, RoutineSession.status.in_(ENDED))
        .order_by(RoutineSession.started_at)
    )
    ratings = await session.scalars(
        select(PainRating).where(PainRating.user_id == user_id).order_by(PainRating.at)
    )
    periods = await session.scalars(select(PlanPeriod).where(PlanPeriod.user_id == user_id))
    pegs = await session.scalars(
        select(PegScore).where(PegScore.user_id == user_id).order_by(PegScore.at)
    )
    hurts = await session.scalars(
        select(ExercisePain).where(ExercisePain.user_id == user_id).order_by(ExercisePain.at)
    )
    reminders = await session.scalars(
        select(Reminder).where(
            Reminder.user_id == user_id, Reminder.kind == ROUTINE, Reminder.enabled.is_(True)
        )
    )
    days = frozenset(day for row in reminders for day in range(7) if row.days & (1 << day))
    return Facts(
        zone=zone,
        now=now,
        since=local_day(user.created_at, tz),
        sessions=tuple(
            SessionFact(
                s.started_at,
                s.status,
                s.routine_id,
                s.active_seconds,
                is_gentle(s.routine_id),
                s.id,
            )
            for s in sessions
        ),
        ratings=tuple(RatingFact(r.at, r.kind, r.value, r.detail, r.session_id) for r in ratings),
        periods=tuple(PeriodFact(p.kind, p.started_at, p.ended_at) for p in periods),
        pegs=tuple(PegFact(p.at, p.pain, p.enjoyment, p.activity) for p in pegs),
        hurts=tuple(HurtFact(h.at, h.exercise_id, h.change, h.session_id) for h in hurts),
        reminder_days=days,
        tz=tz,
    )


async def has_consent(session: AsyncSession, user_id: int) -> bool:
    """Whether the user agreed to the storage of health data."""
    return await _consent(session, user_id)


async def record_peg(
    session: AsyncSession, user_id: int, pain: int, enjoyment: int, activity: int, at: datetime
) -> bool:
    """Store a weekly PEG-3 with consent; False when it was not stored."""
    if not await _consent(session, user_id):
        return False
    session.add(PegScore(user_id=user_id, pain=pain, enjoyment=enjoyment, activity=activity, at=at))
    return True


async def record_hurt(
    session: AsyncSession,
    user_id: int,
    session_id: int | None,
    exercise_id: str,
    change: str,
    at: datetime,
) -> int | None:
    """Store which exercise hurt (with consent); the row's id, to change the answer by."""
    if not await _consent(session, user_id):
        return None
    row = ExercisePain(
        user_id=user_id, session_id=session_id, exercise_id=exercise_id, change=change, at=at
    )
    session.add(row)
    await session.flush()
    return row.id


async def get_hurt(session: AsyncSession, user_id: int, hurt_id: int) -> ExercisePain | None:
    """The user's own answer by id (None if it is not theirs or is gone)."""
    row = await session.get(ExercisePain, hurt_id)
    return row if row is not None and row.user_id == user_id else None


async def change_hurt(
    session: AsyncSession, user_id: int, hurt_id: int, exercise_id: str | None, change: str
) -> bool:
    """Another exercise hurt (or, with None, none did: the answer is removed)."""
    if exercise_id is None:
        result = await session.execute(
            delete(ExercisePain).where(ExercisePain.id == hurt_id, ExercisePain.user_id == user_id)
        )
    else:
        result = await session.execute(
            update(ExercisePain)
            .where(ExercisePain.id == hurt_id, ExercisePain.user_id == user_id)
            .values(exercise_id=exercise_id, change=change)
        )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def recent_hurts(session: AsyncSession, user_id: int, since: datetime) -> set[str]:
    """Exercises the user said hurt since an instant."""
    return set(
        await session.scalars(
            select(ExercisePain.exercise_id).where(
                ExercisePain.user_id == user_id, ExercisePain.at >= since
            )
        )
    )


async def weekly_check(session: AsyncSession, user_id: int) -> Reminder | None:
    """The user's weekly check, if they opted in."""
    return await session.scalar(
        select(Reminder).where(Reminder.user_id == user_id, Reminder.kind == WEEKLY_CHECK)
    )


async def reminder_time(session: AsyncSession, user_id: int) -> tuple[str, str] | None:
    """(local time, zone) of the user's first daily reminder, if any."""
    row = await session.scalar(
        select(Reminder)
        .where(Reminder.user_id == user_id, Reminder.kind == ROUTINE)
        .order_by(Reminder.enabled.desc(), Reminder.local_time)
        .limit(1)
    )
    return (row.local_time, row.zone) if row is not None else None


async def set_weekly_check(
    session: AsyncSession,
    *,
    user_id: int,
    chat_id: int,
    local_time: str,
    zone: str,
    now: datetime,
    first_due: Callable[[str, int, str, datetime], datetime],
    zone_info: Callable[[str], tzinfo],
) -> datetime:
    """Turn the weekly check on: every week on today's weekday at `local_time`; its next due."""
    row = await weekly_check(session, user_id)
    days = 1 << now.astimezone(zone_info(zone)).weekday()
    if row is None:
        row = Reminder(user_id=user_id, chat_id=chat_id, kind=WEEKLY_CHECK)
        session.add(row)
    due = first_due(local_time, days, zone, now)
    row.local_time, row.days, row.zone, row.next_due, row.enabled = (
        local_time,
        days,
        zone,
        due,
        True,
    )
    await session.flush()
    return due


async def stop_weekly_check(session: AsyncSession, user_id: int) -> None:
    """Turn the weekly check off."""
    await session.execute(
        delete(Reminder).where(Reminder.user_id == user_id, Reminder.kind == WEEKLY_CHECK)
    )


async def last_peg(session: AsyncSession, user_id: int) -> float | None:
    """The score of the user's latest weekly check, if any."""
    row = await session.scalar(
        select(PegScore)
        .where(PegScore.user_id == user_id)
        .order_by(PegScore.at.desc(), PegScore.id.desc())
        .limit(1)
    )
    return None if row is None else round((row.pain + row.enjoyment + row.activity) / 3, 1)
