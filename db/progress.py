"""Query functions for /progress and the doctor's report: the facts, weekly PEG-3 scores, the
exercises that hurt, and the weekly check (a `reminders` row of kind "weekly_check").

PEG scores and which exercise hurt are health data: stored only with consent, like ratings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ExercisePain, PainRating, PegScore, PlanPeriod, Reminder, RoutineSession, User
from db.reminders import ROUTINE
from guided.engine.status import ENDED

WEEKLY_CHECK = "weekly_check"  # reminders.kind: the optional PEG-3, one day a week


async def _consent(tx: AsyncSession, user_id: int) -> bool:
    consent = await tx.scalar(select(User.consent_at).where(User.id == user_id))
    return consent is not None


@dataclass(frozen=True)
class Rows:
    """Everything /progress and the report show about a user, as stored."""

    user: User
    sessions: list[RoutineSession]
    ratings: list[PainRating]
    periods: list[PlanPeriod]
    pegs: list[PegScore]
    hurts: list[ExercisePain]
    reminders: list[Reminder]  # the daily reminders that are on


async def load_rows(tx: AsyncSession, user_id: int) -> Rows | None:
    """The user's progress rows; None for someone not stored."""
    user = await tx.get(User, user_id)
    if user is None:
        return None
    sessions = await tx.scalars(
        select(RoutineSession)
        .where(RoutineSession.user_id == user_id, RoutineSession.status.in_(ENDED))
        .order_by(RoutineSession.started_at)
    )
    ratings = await tx.scalars(
        select(PainRating).where(PainRating.user_id == user_id).order_by(PainRating.at)
    )
    periods = await tx.scalars(select(PlanPeriod).where(PlanPeriod.user_id == user_id))
    pegs = await tx.scalars(
        select(PegScore).where(PegScore.user_id == user_id).order_by(PegScore.at)
    )
    hurts = await tx.scalars(
        select(ExercisePain).where(ExercisePain.user_id == user_id).order_by(ExercisePain.at)
    )
    reminders = await tx.scalars(
        select(Reminder).where(
            Reminder.user_id == user_id, Reminder.kind == ROUTINE, Reminder.enabled.is_(True)
        )
    )
    return Rows(
        user, list(sessions), list(ratings), list(periods), list(pegs), list(hurts), list(reminders)
    )


async def has_consent(tx: AsyncSession, user_id: int) -> bool:
    """Whether the user agreed to the storage of health data."""
    return await _consent(tx, user_id)


async def record_peg(
    tx: AsyncSession, user_id: int, pain: int, enjoyment: int, activity: int, at: datetime
) -> bool:
    """Store a weekly PEG-3 with consent; False when it was not stored."""
    if not await _consent(tx, user_id):
        return False
    tx.add(PegScore(user_id=user_id, pain=pain, enjoyment=enjoyment, activity=activity, at=at))
    return True


async def record_hurt(
    tx: AsyncSession,
    user_id: int,
    session_id: int | None,
    exercise_id: str,
    change: str,
    at: datetime,
) -> int | None:
    """Store which exercise hurt (with consent); the row's id, to change the answer by."""
    if not await _consent(tx, user_id):
        return None
    row = ExercisePain(
        user_id=user_id, session_id=session_id, exercise_id=exercise_id, change=change, at=at
    )
    tx.add(row)
    await tx.flush()
    return row.id


async def get_hurt(tx: AsyncSession, user_id: int, hurt_id: int) -> ExercisePain | None:
    """The user's own answer by id (None if it is not theirs or is gone)."""
    row = await tx.get(ExercisePain, hurt_id)
    return row if row is not None and row.user_id == user_id else None


async def change_hurt(
    tx: AsyncSession, user_id: int, hurt_id: int, exercise_id: str | None, change: str
) -> bool:
    """Another exercise hurt (or, with None, none did: the answer is removed)."""
    if exercise_id is None:
        result = await tx.execute(
            delete(ExercisePain).where(ExercisePain.id == hurt_id, ExercisePain.user_id == user_id)
        )
    else:
        result = await tx.execute(
            update(ExercisePain)
            .where(ExercisePain.id == hurt_id, ExercisePain.user_id == user_id)
            .values(exercise_id=exercise_id, change=change)
        )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def recent_hurts(tx: AsyncSession, user_id: int, since: datetime) -> dict[str, str]:
    """Exercises the user said hurt since an instant -> the change decided ("easier" or
    "leave_out"); where one hurt more than once, leaving it out wins."""
    rows = await tx.execute(
        select(ExercisePain.exercise_id, ExercisePain.change).where(
            ExercisePain.user_id == user_id, ExercisePain.at >= since
        )
    )
    hurts: dict[str, str] = {}
    for exercise_id, change in rows:
        if hurts.get(exercise_id) != "leave_out":
            hurts[exercise_id] = change
    return hurts


async def weekly_check(tx: AsyncSession, user_id: int) -> Reminder | None:
    """The user's weekly check, if they opted in."""
    return await tx.scalar(
        select(Reminder).where(Reminder.user_id == user_id, Reminder.kind == WEEKLY_CHECK)
    )


async def reminder_time(tx: AsyncSession, user_id: int) -> tuple[str, str] | None:
    """(local time, zone) of the user's first daily reminder, if any."""
    row = await tx.scalar(
        select(Reminder)
        .where(Reminder.user_id == user_id, Reminder.kind == ROUTINE)
        .order_by(Reminder.enabled.desc(), Reminder.local_time)
        .limit(1)
    )
    return (row.local_time, row.zone) if row is not None else None


async def set_weekly_check(
    tx: AsyncSession,
    *,
    user_id: int,
    chat_id: int,
    local_time: str,
    days: int,
    zone: str,
    due: datetime,
) -> None:
    """Turn the weekly check on (or move it): at `local_time` on `days`, next at `due`."""
    row = await weekly_check(tx, user_id)
    if row is None:
        row = Reminder(user_id=user_id, chat_id=chat_id, kind=WEEKLY_CHECK)
        tx.add(row)
    row.local_time, row.days, row.zone, row.next_due, row.enabled = (
        local_time,
        days,
        zone,
        due,
        True,
    )


async def stop_weekly_check(tx: AsyncSession, user_id: int) -> None:
    """Turn the weekly check off."""
    await tx.execute(
        delete(Reminder).where(Reminder.user_id == user_id, Reminder.kind == WEEKLY_CHECK)
    )


async def last_peg(tx: AsyncSession, user_id: int) -> float | None:
    """The score of the user's latest weekly check, if any."""
    row = await tx.scalar(
        select(PegScore)
        .where(PegScore.user_id == user_id)
        .order_by(PegScore.at.desc(), PegScore.id.desc())
        .limit(1)
    )
    return None if row is None else round((row.pain + row.enjoyment + row.activity) / 3, 1)
