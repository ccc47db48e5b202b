"""Progression as a unit of work's part: the level moved by the sessions not yet counted, and
the step back after a pain report. The rule itself is guided/engine/progression.py; the caller
commits."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import RoutineSession, UserProgress
from db.routines import get_progress, ratings_for, unapplied_sessions
from guided.engine.marks import every_exercise_done
from guided.engine.progression import Outcome, Progress, Rule, advance
from guided.engine.status import SessionStatus


async def apply_outcomes(
    tx: AsyncSession,
    user_id: int,
    rule: Rule,
    *,
    skip: Collection[str] = (),
    known: Mapping[int, tuple[int | None, int | None]] | None = None,
) -> UserProgress:
    """Move the user's level by every ended session not yet counted (oldest first).

    Sessions of routines in `skip` (the gentle plan) are counted as applied without moving the
    level. `known` gives (check-in, after) ratings the caller has in hand, which count even when
    they are not stored (no consent).
    """
    progress_row = await get_progress(tx, user_id)
    rows = await unapplied_sessions(tx, user_id)
    stored = {row.id: await ratings_for(tx, row.id) for row in rows if row.routine_id not in skip}
    apply_loaded(progress_row, rows, stored, rule, skip=skip, known=known)
    return progress_row


def apply_loaded(
    progress_row: UserProgress,
    rows: Iterable[RoutineSession],
    stored: Mapping[int, Mapping[str, int | None]],
    rule: Rule,
    *,
    skip: Collection[str] = (),
    known: Mapping[int, tuple[int | None, int | None]] | None = None,
) -> None:
    """`apply_outcomes` on rows already read: the user's unapplied sessions (oldest first) and
    their stored ratings by session id (a batch of units of work reads them all at once)."""
    for row in rows:
        if row.routine_id in skip:
            row.progress_applied = True
            continue
        ratings = stored.get(row.id, {})
        checkin, rating = (known or {}).get(row.id, (None, None))
        outcome = Outcome(
            # A session reached its end with an exercise skipped is not a good session: it
            # holds the level rather than stepping up (guided/engine/marks.py).
            completed=row.status == SessionStatus.COMPLETED and every_exercise_done(row.item_marks),
            pain_reported=row.status == SessionStatus.PAIN,
            pain_before=checkin if checkin is not None else ratings.get("checkin"),
            pain_after=rating if rating is not None else ratings.get("after"),
        )
        before = Progress(progress_row.level, progress_row.good_sessions)
        after = advance(before, outcome, rule)
        if after.level != before.level:
            progress_row.previous_level = before.level
        progress_row.level, progress_row.good_sessions = after.level, after.good_sessions
        row.progress_applied = True


async def step_down_for_pain(tx: AsyncSession, user_id: int, rule: Rule) -> UserProgress:
    """A pain report moves the level back at once, whether or not the report itself is stored."""
    progress_row = await get_progress(tx, user_id)
    before = Progress(progress_row.level, progress_row.good_sessions)
    after = advance(before, Outcome(completed=False, pain_reported=True), rule)
    progress_row.previous_level = before.level
    progress_row.level, progress_row.good_sessions = after.level, after.good_sessions
    return progress_row
