"""Query functions for the safety state: holds, flare-ups, frozen-streak periods, pain reports.

The hold and flare-up marks are kept with or without consent to health data (they are what keeps
the routine safe); the ratings, reports and warning-sign answers only with consent.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import PainRating, PlanPeriod, User, UserProgress
from db.routines import get_progress

GENTLE = "gentle"  # plan period: the gentle plan after a pain report
HOLD = "hold"  # plan period: a safety hold after warning signs


SAID_LIMIT = 500  # characters of a person's own words kept with a report


async def record_report(
    tx: AsyncSession,
    user_id: int,
    session_id: int | None,
    at: datetime,
    *,
    source: str,
    said: str | None = None,
) -> int | None:
    """Store a pain report (with consent): how it was made and, if given, the person's words;
    its id, to which the follow-up answers are added."""
    consent = await tx.scalar(select(User.consent_at).where(User.id == user_id))
    if consent is None:
        return None
    row = PainRating(
        user_id=user_id,
        session_id=session_id,
        kind="report",
        at=at,
        source=source,
        said=said[:SAID_LIMIT] if said else None,
    )
    tx.add(row)
    await tx.flush()
    return row.id


async def join_report(
    tx: AsyncSession, user_id: int, since: datetime, said: str | None
) -> PainRating | None:
    """Add a repeated report of the same episode to the user's latest report since `since`
    (their words appended); None if there is none (no consent, or it was erased)."""
    row = await tx.scalar(
        select(PainRating)
        .where(PainRating.user_id == user_id, PainRating.kind == "report", PainRating.at >= since)
        .order_by(PainRating.at.desc(), PainRating.id.desc())
        .limit(1)
    )
    if row is not None and said:
        joined = f"{row.said} / {said}" if row.said else said
        row.said = joined[:SAID_LIMIT]
    return row


async def correct_red_flag(tx: AsyncSession, user_id: int, answer: str) -> None:
    """Mark the user's latest emergency answer as corrected (a mis-tap): the record stays true."""
    row = await tx.scalar(
        select(PainRating)
        .where(PainRating.user_id == user_id, PainRating.kind == "red_flag")
        .order_by(PainRating.at.desc(), PainRating.id.desc())
        .limit(1)
    )
    if row is not None and (row.detail or "").split(":")[0] == "emergency":
        row.detail = answer


async def add_to_report(
    tx: AsyncSession,
    user_id: int,
    report_id: int,
    *,
    strength: int | None = None,
    where: str | None = None,
) -> bool:
    """Add how strong or where to the user's own report; False if it is not theirs."""
    values: dict[str, object] = {}
    if strength is not None:
        values["value"] = strength
    if where is not None:
        values["detail"] = where
    result = await tx.execute(
        update(PainRating)
        .where(
            PainRating.id == report_id,
            PainRating.user_id == user_id,
            PainRating.kind == "report",
        )
        .values(**values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def start_flare(tx: AsyncSession, user_id: int, at: datetime) -> UserProgress:
    """A pain report: flare-up mode on (the streak frozen from now), calm sessions back to 0."""
    progress = await get_progress(tx, user_id)
    if progress.flare_since is None:
        progress.flare_since = at
        tx.add(PlanPeriod(user_id=user_id, kind=GENTLE, started_at=at))
    progress.last_pain_at = at
    progress.calm_sessions = 0
    return progress


async def end_flare(tx: AsyncSession, user_id: int, at: datetime) -> None:
    """Back to the normal plan: flare-up mode off, the gentle period closed.

    Nothing to end for a person with no progress stored (the button outlived a /delete):
    creating a row for them would break its foreign key to a user who is not there.
    """
    progress = await tx.get(UserProgress, user_id)
    if progress is None:
        return
    progress.flare_since = None
    progress.calm_sessions = 0
    await _close_periods(tx, user_id, GENTLE, at)


async def set_hold(tx: AsyncSession, user_id: int, hold: str, at: datetime) -> None:
    """Put the routine on hold; an emergency hold is never weakened to a see-a-doctor one."""
    user = await tx.get(User, user_id)
    if user is None:
        return
    if user.safety_hold == "emergency" and hold != "emergency":
        return
    if user.safety_hold is None:
        tx.add(PlanPeriod(user_id=user_id, kind=HOLD, started_at=at))
    user.safety_hold, user.hold_since = hold, at
    user.screened_at = at


async def lift_hold(tx: AsyncSession, user_id: int, at: datetime) -> None:
    """A clinician has checked the user: the hold ends (a flare-up, if any, stays)."""
    await tx.execute(
        update(User).where(User.id == user_id).values(safety_hold=None, hold_since=None)
    )
    await _close_periods(tx, user_id, HOLD, at)


async def mark_screened(tx: AsyncSession, user_id: int, at: datetime | None) -> None:
    """The warning-sign check was answered (with no sign), or is to be asked again (None)."""
    await tx.execute(update(User).where(User.id == user_id).values(screened_at=at))


async def _close_periods(tx: AsyncSession, user_id: int, kind: str, at: datetime) -> None:
    await tx.execute(
        update(PlanPeriod)
        .where(
            PlanPeriod.user_id == user_id, PlanPeriod.kind == kind, PlanPeriod.ended_at.is_(None)
        )
        .values(ended_at=at)
    )


async def periods_of(tx: AsyncSession, user_ids: Collection[int]) -> dict[int, list[PlanPeriod]]:
    """Each user's gentle-plan and hold periods (for progress.stats.frozen_days)."""
    found: dict[int, list[PlanPeriod]] = {user_id: [] for user_id in user_ids}
    for period in await tx.scalars(
        select(PlanPeriod).where(PlanPeriod.user_id.in_(list(user_ids)))
    ):
        found[period.user_id].append(period)
    return found


async def latest_rating(tx: AsyncSession, user_id: int) -> int | None:
    """The user's most recent 0-10 rating (stored only with consent), to compare the next with."""
    return await tx.scalar(
        select(PainRating.value)
        .where(PainRating.user_id == user_id, PainRating.value.is_not(None))
        .order_by(PainRating.at.desc(), PainRating.id.desc())
        .limit(1)
    )
