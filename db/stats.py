"""The operators' figures (/stats): counts over users, sessions, health reports and reminders.

Counts only, never who: nothing here returns a user id or a value of one person. Encrypted
columns (the warning-sign answers) are counted in Python after decryption, never in SQL.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import PainRating, Reminder, ReminderDelivery, RoutineSession, User
from guided.engine.status import SessionStatus

CHART_DAYS = 14


@dataclass
class Figures:
    """What /stats shows; windows end at `now`."""

    users: int = 0
    active_7: int = 0
    active_30: int = 0
    started_7: int = 0
    completed_7: int = 0
    stopped_for_pain_7: int = 0
    reports_7: int = 0
    # Warning-sign answers in 30 days by group: none, doctor (see a doctor soon), emergency.
    signs_30: dict[str, int] = field(default_factory=dict)
    reminders_active: int = 0
    # Reminder occurrences claimed in the last day, by status (sent, uncertain, failed, ...).
    deliveries_1: dict[str, int] = field(default_factory=dict)
    # Per UTC day over the last CHART_DAYS days: sessions started and pain reports.
    days: list[date] = field(default_factory=list)
    started_by_day: list[int] = field(default_factory=list)
    reports_by_day: list[int] = field(default_factory=list)


async def _count(tx: AsyncSession, *conditions: object, model: type) -> int:
    query = select(func.count()).select_from(model).where(*conditions)  # type: ignore[arg-type]
    return int(await tx.scalar(query) or 0)


async def collect(tx: AsyncSession, now: datetime) -> Figures:
    """Every figure of /stats, in one read-only pass."""
    week, month, day = now - timedelta(days=7), now - timedelta(days=30), now - timedelta(days=1)
    figures = Figures()
    figures.users = await _count(tx, model=User)
    figures.active_7 = await _count(tx, User.last_seen_at >= week, model=User)
    figures.active_30 = await _count(tx, User.last_seen_at >= month, model=User)
    statuses = dict(
        (
            await tx.execute(
                select(RoutineSession.status, func.count())
                .where(RoutineSession.started_at >= week)
                .group_by(RoutineSession.status)
            )
        ).all()
    )
    figures.started_7 = sum(statuses.values())
    figures.completed_7 = statuses.get(SessionStatus.COMPLETED, 0)
    figures.stopped_for_pain_7 = statuses.get(SessionStatus.PAIN, 0)
    figures.reports_7 = await _count(
        tx, PainRating.kind == "report", PainRating.at >= week, model=PainRating
    )
    answers = await tx.scalars(
        select(PainRating.detail).where(PainRating.kind == "red_flag", PainRating.at >= month)
    )
    figures.signs_30 = dict(Counter(answer or "none" for answer in answers))
    figures.reminders_active = await _count(
        tx, Reminder.enabled.is_(True), Reminder.next_due.is_not(None), model=Reminder
    )
    figures.deliveries_1 = {
        status: count
        for status, count in (
            await tx.execute(
                select(ReminderDelivery.status, func.count())
                .where(ReminderDelivery.claimed_at >= day)
                .group_by(ReminderDelivery.status)
            )
        ).all()
    }
    await _by_day(tx, now, figures)
    return figures


async def _by_day(tx: AsyncSession, now: datetime, figures: Figures) -> None:
    today = now.date()
    figures.days = [today - timedelta(days=n) for n in range(CHART_DAYS - 1, -1, -1)]
    since = datetime.combine(figures.days[0], datetime.min.time(), tzinfo=now.tzinfo)
    started = Counter(
        moment.date()
        for moment in await tx.scalars(
            select(RoutineSession.started_at).where(RoutineSession.started_at >= since)
        )
    )
    reports = Counter(
        moment.date()
        for moment in await tx.scalars(
            select(PainRating.at).where(PainRating.kind == "report", PainRating.at >= since)
        )
    )
    figures.started_by_day = [started.get(day, 0) for day in figures.days]
    figures.reports_by_day = [reports.get(day, 0) for day in figures.days]
