"""The rating after a session: stored, judged, the level moved, the streak counted.

Ratings that arrive together are written together (`rate_many`, one transaction:
perf/batching.py); the check-in rating travels in the button, so the verdict holds without
consent to storing ratings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from core.context import BotState
from db import routines as store
from db import safety as safety_store
from db.models import PainRating, User, UserProgress, utcnow
from db.users import users_by_id
from guided.checkpoints import CheckpointWriter
from guided.store import settled_finals
from places.zones import zone_info
from progress import stats
from safety.rules import AfterSession, Hold, SafetyState, after_session, suggest_normal_plan
from services.progression import apply_loaded
from services.safety import schedule_morning_check, state_of


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
class Held:
    """The person is on an emergency hold: nothing is stored or judged; the advice is shown."""

    state: SafetyState
    user: User


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


async def rate_many(
    data: BotState, writer: CheckpointWriter, items: Sequence[Rating]
) -> list[Rated | Held | None]:
    """The answers in one transaction, each read done once for all of them.

    The safety hold is read here too, not by the hold gate before the press (the gate's read
    is a transaction of its own: under a burst of ratings, two group commits one after the
    other, and twice the wait: make bench-ratings).
    """
    finals: dict[int, tuple[int, dict[str, Any]]] = {}
    for item in items:
        finals.update(writer.take_final(item.session_id))
    async with settled_finals(data, writer, finals) as tx:
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
        results: list[Rated | Held | None] = []
        written: list[dict[str, Any]] = []
        for item in items:
            row, user = rows.get(item.session_id), users.get(item.user_id)
            if row is None or row.user_id != item.user_id or row.progress_applied:
                results.append(None)
                continue
            if user is not None and user.safety_hold == Hold.EMERGENCY.value:
                results.append(Held(state_of(user, progress_rows.get(item.user_id)), user))
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
            frozen = stats.frozen_days(periods[item.user_id], tz, today)
            due = None
            if verdict is not AfterSession.FINE and user is not None:
                due = await schedule_morning_check(tx, data, user, item.chat_id, data.now())
            streak = stats.streak(days, today, frozen)
            results.append(Rated(before, verdict, streak, progress, suggest, due))
        if written:
            await tx.execute(insert(PainRating), written)
        await tx.commit()
    return results
