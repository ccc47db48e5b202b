"""Query functions for guided sessions, pain ratings (only with consent) and progression."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import PainRating, RoutineSession, User, UserProgress
from guided.engine.status import OPEN, RUNNING, SessionStatus


async def open_session(tx: AsyncSession, chat_id: int) -> RoutineSession | None:
    """The chat's active, paused or interrupted session, if any."""
    return await tx.scalar(
        select(RoutineSession).where(
            RoutineSession.chat_id == chat_id, RoutineSession.status.in_(OPEN)
        )
    )


async def create_session(
    tx: AsyncSession,
    *,
    user_id: int,
    chat_id: int,
    routine_id: str,
    level: int,
    owner: str | None = None,
    screen: str | None = None,
) -> RoutineSession:
    """Store a new active session (run by process `owner`, shown on `screen`; None: the chat)
    and return it with its id."""
    row = RoutineSession(
        user_id=user_id,
        chat_id=chat_id,
        routine_id=routine_id,
        level=level,
        status=SessionStatus.ACTIVE,
        owner=owner,
        screen=screen,
    )
    tx.add(row)
    await tx.flush()
    return row


async def save_state(tx: AsyncSession, session_id: int, **values: object) -> None:
    """Update the stored state of a session (status, checkpoint, live message, counters)."""
    await tx.execute(update(RoutineSession).where(RoutineSession.id == session_id).values(**values))


async def claim_interrupted(
    tx: AsyncSession, owners: Collection[str], *, unowned: bool = True
) -> list[RoutineSession]:
    """Mark the sessions that `owners` were running as interrupted and return them.

    `owners`: this process's previous run (at start) and processes whose lease has lapsed; a
    session run by a live process is never touched. With `unowned`, also sessions stored
    before owners were recorded.
    """
    mine: ColumnElement[bool] = RoutineSession.owner.in_(list(owners))
    if unowned:
        mine = or_(mine, RoutineSession.owner.is_(None))
    rows = list(
        await tx.scalars(select(RoutineSession).where(RoutineSession.status.in_(RUNNING), mine))
    )
    for row in rows:
        row.status = SessionStatus.INTERRUPTED
    return rows


async def get_session(tx: AsyncSession, session_id: int) -> RoutineSession | None:
    """A session by id."""
    return await tx.get(RoutineSession, session_id)


async def record_health(
    tx: AsyncSession,
    user_id: int,
    kind: str,
    value: int | None = None,
    *,
    session_id: int | None = None,
    detail: str | None = None,
) -> bool:
    """Store a pain rating, report or red flag if, and only if, the user consented."""
    consent = await tx.scalar(select(User.consent_at).where(User.id == user_id))
    if consent is None:
        return False
    tx.add(
        PainRating(user_id=user_id, session_id=session_id, kind=kind, value=value, detail=detail)
    )
    return True


async def ratings_for(tx: AsyncSession, session_id: int) -> dict[str, int | None]:
    """The check-in and after-session ratings of one session (empty without consent)."""
    rows = await tx.execute(
        select(PainRating.kind, PainRating.value).where(PainRating.session_id == session_id)
    )
    return {kind: value for kind, value in rows.all()}


async def get_progress(tx: AsyncSession, user_id: int) -> UserProgress:
    """The user's progression row, created at level 0 on first use."""
    row = await tx.get(UserProgress, user_id)
    if row is None:
        row = UserProgress(user_id=user_id, level=0, previous_level=0, good_sessions=0)
        tx.add(row)
        await tx.flush()
    return row


async def unapplied_sessions(tx: AsyncSession, user_id: int) -> list[RoutineSession]:
    """Ended sessions whose outcome has not yet moved the progression, oldest first."""
    return list(
        await tx.scalars(
            select(RoutineSession)
            .where(
                RoutineSession.user_id == user_id,
                RoutineSession.status.not_in(OPEN),
                RoutineSession.progress_applied.is_(False),
            )
            .order_by(RoutineSession.id)
        )
    )


async def last_level(tx: AsyncSession, user_id: int, except_id: int, *, routine: str) -> int | None:
    """The level of the user's previous session of this routine (adapted or not), if any."""
    query = select(RoutineSession.level).where(
        RoutineSession.user_id == user_id,
        RoutineSession.id != except_id,
        or_(
            RoutineSession.routine_id == routine,
            RoutineSession.routine_id.startswith(f"{routine}~", autoescape=True),
        ),
    )
    return await tx.scalar(query.order_by(RoutineSession.id.desc()).limit(1))


# --- the same reads for many users at once (a batch of ratings: guided/rating.py) ------------


async def sessions_by_id(tx: AsyncSession, ids: Collection[int]) -> dict[int, RoutineSession]:
    rows = await tx.scalars(select(RoutineSession).where(RoutineSession.id.in_(list(ids))))
    return {row.id: row for row in rows}


async def progress_of(tx: AsyncSession, user_ids: Collection[int]) -> dict[int, UserProgress]:
    """Each user's progression row, created at level 0 where missing (as `get_progress`)."""
    rows = {
        row.user_id: row
        for row in await tx.scalars(
            select(UserProgress).where(UserProgress.user_id.in_(list(user_ids)))
        )
    }
    missing = [
        UserProgress(user_id=user_id, level=0, previous_level=0, good_sessions=0)
        for user_id in user_ids
        if user_id not in rows
    ]
    if missing:
        tx.add_all(missing)
        await tx.flush()
        rows.update((row.user_id, row) for row in missing)
    return rows


async def unapplied_sessions_of(
    tx: AsyncSession, user_ids: Collection[int]
) -> dict[int, list[RoutineSession]]:
    """`unapplied_sessions` of each user, oldest first."""
    found: dict[int, list[RoutineSession]] = {user_id: [] for user_id in user_ids}
    rows = await tx.scalars(
        select(RoutineSession)
        .where(
            RoutineSession.user_id.in_(list(user_ids)),
            RoutineSession.status.not_in(OPEN),
            RoutineSession.progress_applied.is_(False),
        )
        .order_by(RoutineSession.id)
    )
    for row in rows:
        found[row.user_id].append(row)
    return found


async def ratings_of(
    tx: AsyncSession, session_ids: Collection[int]
) -> dict[int, dict[str, int | None]]:
    """`ratings_for` of each session (the later of two of a kind wins, as there)."""
    found: dict[int, dict[str, int | None]] = {}
    rows = await tx.execute(
        select(PainRating.session_id, PainRating.kind, PainRating.value)
        .where(PainRating.session_id.in_(list(session_ids)))
        .order_by(PainRating.id)
    )
    for session_id, kind, value in rows.all():
        if session_id is not None:
            found.setdefault(session_id, {})[kind] = value
    return found


async def completed_ends_of(
    tx: AsyncSession, user_ids: Collection[int]
) -> dict[int, list[tuple[datetime, str]]]:
    """When each user's completed sessions ended, and their routine (for `completed_days`)."""
    found: dict[int, list[tuple[datetime, str]]] = {user_id: [] for user_id in user_ids}
    rows = await tx.execute(
        select(RoutineSession.user_id, RoutineSession.ended_at, RoutineSession.routine_id).where(
            RoutineSession.user_id.in_(list(user_ids)),
            RoutineSession.status == SessionStatus.COMPLETED,
        )
    )
    for user_id, ended_at, routine_id in rows.all():
        if ended_at is not None:
            found[user_id].append((ended_at, routine_id))
    return found
