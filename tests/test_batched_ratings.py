"""Ratings that arrive together are written in one transaction (guided/rating.rate_many),
and each person gets exactly what they would get alone: the same verdict, streak, level and
stored rows as the same answers given one at a time."""

from __future__ import annotations

import asyncio
import random
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from content import load_content
from core.config import Settings
from core.context import BotState
from db.connection import make_engine, make_transaction_factory
from db.crypto import DataKeys
from db.migrate import upgrade_to_head
from db.models import PainRating, PlanPeriod, RoutineSession, User, UserProgress
from guided import rating as ratings
from guided.checkpoints import CheckpointWriter
from guided.engine.progression import Rule
from guided.rating import Rating
from guided.service import GuidedSessions
from perf.batching import Batched
from safety.rules import Hold

KEY = "bLzBeUKw6kVFu4IobApJLvIXrTDt8dmcxBBNw8zBsV4="
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
CONTENT = load_content()
GENTLE = frozenset({"gentle"})


def people(seed: int, count: int) -> list[dict[str, Any]]:
    """Random histories: consent or not, a zone, a level, earlier unapplied sessions with and
    without stored ratings, completed days, a gentle-plan period; the session being rated."""
    rng = random.Random(seed)
    found = []
    for n in range(count):
        found.append(
            {
                "id": 100 + n,
                "consent": rng.random() < 0.7,
                "zone": rng.choice([None, "Europe/Berlin", "America/Sao_Paulo"]),
                "progress": rng.choice([None, (0, 0), (1, 2), (2, 1)]),
                "earlier": [
                    (rng.choice(["completed", "pain"]), rng.choice([None, 2, 6]), days)
                    for days in rng.sample(range(1, 6), rng.randint(0, 3))
                ],
                "period": rng.random() < 0.3,
                "routine": rng.choice(["quick", "quick", "gentle"]),
                "stored_checkin": rng.choice([None, 1, 4]),
                "checkin": rng.choice([None, 0, 3, 5]),
                "rating": rng.choice([0, 2, 4, 7, 9]),
                "next_day_checks": rng.random() < 0.8,
                "hold": rng.choice([None, None, None, None, "emergency", "doctor"]),
            }
        )
    return found


async def store_histories(path: Path, histories: list[dict[str, Any]]) -> dict[int, int]:
    """The histories stored; the id of each person's session being rated."""
    engine = make_engine(f"sqlite+aiosqlite:///{path}", keys=DataKeys([KEY]))
    await upgrade_to_head(engine)
    factory = make_transaction_factory(engine)
    rated: dict[int, int] = {}
    async with factory.begin() as tx:
        for person in histories:
            uid = person["id"]
            tx.add(
                User(
                    id=uid,
                    language="en",
                    consent_at=NOW if person["consent"] else None,
                    timezone=person["zone"],
                    next_day_checks=person["next_day_checks"],
                    safety_hold=person["hold"],
                    hold_since=NOW - timedelta(hours=1) if person["hold"] else None,
                )
            )
        await tx.flush()
        for person in histories:
            uid = person["id"]
            if person["progress"] is not None:
                level, good = person["progress"]
                tx.add(UserProgress(user_id=uid, level=level, previous_level=0, good_sessions=good))
            if person["period"]:
                tx.add(PlanPeriod(user_id=uid, kind="gentle", started_at=NOW - timedelta(3)))
        await tx.flush()
        for person in histories:
            uid = person["id"]
            for status, stored, days in person["earlier"]:
                row = RoutineSession(
                    user_id=uid,
                    chat_id=uid,
                    routine_id="quick",
                    level=0,
                    status=status,
                    ended_at=NOW - timedelta(days=days),
                )
                tx.add(row)
                await tx.flush()
                if stored is not None and person["consent"]:
                    tx.add(PainRating(user_id=uid, session_id=row.id, kind="after", value=stored))
            row = RoutineSession(
                user_id=uid,
                chat_id=uid,
                routine_id=person["routine"],
                level=0,
                status="completed",
                ended_at=NOW - timedelta(minutes=5),
            )
            tx.add(row)
            await tx.flush()
            rated[uid] = row.id
            if person["stored_checkin"] is not None and person["consent"]:
                tx.add(
                    PainRating(
                        user_id=uid,
                        session_id=row.id,
                        kind="checkin",
                        value=person["stored_checkin"],
                    )
                )
    await engine.dispose()
    return rated


def bot_data(path: Path) -> tuple[BotState, Any]:
    engine = make_engine(f"sqlite+aiosqlite:///{path}", keys=DataKeys([KEY]))
    factory = make_transaction_factory(engine)
    data = BotState()
    data.settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{path}")  # type: ignore[call-arg]
    data.content = CONTENT
    data.db = factory
    data.progression = Rule(**CONTENT.progression.model_dump())
    data.now = lambda: NOW
    return data, engine


def presses(histories: list[dict[str, Any]], rated: dict[int, int], seed: int) -> list[Rating]:
    """Each person's answer, plus a double tap and a forged press on someone else's session."""
    found = [
        Rating(p["id"], p["id"], rated[p["id"]], p["checkin"], p["rating"], GENTLE)
        for p in histories
    ]
    rng = random.Random(seed)
    found.insert(rng.randrange(len(found) + 1), found[0])  # the same press twice
    other = histories[-1]["id"]
    found.append(Rating(histories[0]["id"], histories[0]["id"], rated[other], None, 3, GENTLE))
    found.append(Rating(999_999, 999_999, rated[other], 2, 3, GENTLE))  # from a stranger
    return found


def shown(result: ratings.Rated | ratings.Held | None) -> Any:
    """What a person is shown (and what is decided for them)."""
    if result is None:
        return None
    if isinstance(result, ratings.Held):
        return ("held", result.state.hold, result.user.id)
    progress = result.progress
    return (
        result.before,
        result.verdict,
        result.streak,
        result.suggest_normal,
        result.morning_check,
        (progress.level, progress.previous_level, progress.good_sessions, progress.calm_sessions),
    )


async def stored(engine: Any) -> Any:
    factory = make_transaction_factory(engine)
    async with factory() as tx:
        ratings = sorted(
            (r.user_id, r.session_id or 0, r.kind, r.value if r.value is not None else -1)
            for r in await tx.scalars(select(PainRating))
        )
        progress = sorted(
            (p.user_id, p.level, p.previous_level, p.good_sessions, p.calm_sessions)
            for p in await tx.scalars(select(UserProgress))
        )
        applied = sorted(
            (s.id, s.progress_applied) for s in await tx.scalars(select(RoutineSession))
        )
    return ratings, progress, applied


async def compare(tmp_path: Path, seed: int, count: int) -> None:
    histories = people(seed, count)
    base = tmp_path / f"base{seed}.db"
    rated = await store_histories(base, histories)
    items = presses(histories, rated, seed)
    together, alone = tmp_path / f"together{seed}.db", tmp_path / f"alone{seed}.db"
    shutil.copy(base, together)
    shutil.copy(base, alone)

    data, engine = bot_data(together)
    batched = await ratings.rate_many(data, CheckpointWriter(data.db), items)
    state_together = await stored(engine)
    await engine.dispose()

    data, engine = bot_data(alone)
    writer = CheckpointWriter(data.db)
    one_by_one = [(await ratings.rate_many(data, writer, [item]))[0] for item in items]
    state_alone = await stored(engine)
    await engine.dispose()

    assert [shown(r) for r in batched] == [shown(r) for r in one_by_one]
    assert state_together == state_alone
    # The double tap and the forged presses are refused (or, on an emergency hold, held).
    assert sum(r is None or isinstance(r, ratings.Held) for r in batched) >= 3


async def test_a_batch_of_ratings_gives_each_person_what_they_get_alone(tmp_path: Path) -> None:
    await compare(tmp_path, seed=1, count=12)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 10_000), count=st.integers(1, 8))
def test_any_batch_equals_the_same_ratings_one_at_a_time(
    tmp_path: Path, seed: int, count: int
) -> None:
    asyncio.run(compare(Path(tempfile.mkdtemp(dir=tmp_path)), seed, count))


async def test_a_rating_on_an_emergency_hold_is_not_taken_and_the_hold_is_said(
    tmp_path: Path,
) -> None:
    """The rating reads the hold in its own transaction (the hold gate no longer reads it before
    the press): on an emergency hold nothing is stored, judged or moved; on the doctor's hold
    (which keeps the gentle plan open) the rating is taken as always."""
    histories = people(5, 3)
    for person, hold in zip(histories, ["emergency", "doctor", None], strict=True):
        person.update(hold=hold, consent=True, rating=9)
    path = tmp_path / "h.db"
    rated = await store_histories(path, histories)
    reader = make_engine(f"sqlite+aiosqlite:///{path}", keys=DataKeys([KEY]))
    before = await stored(reader)
    await reader.dispose()
    data, engine = bot_data(path)
    items = [Rating(p["id"], p["id"], rated[p["id"]], 2, 9, GENTLE) for p in histories]
    held, doctor, free = await ratings.rate_many(data, CheckpointWriter(data.db), items)
    assert isinstance(held, ratings.Held) and held.state.hold is Hold.EMERGENCY
    assert held.user.id == histories[0]["id"]
    assert isinstance(doctor, ratings.Rated) and isinstance(free, ratings.Rated)
    after, progress, applied = await stored(engine)
    held_id = histories[0]["id"]
    assert [r for r in after if r[0] == held_id] == [r for r in before[0] if r[0] == held_id]
    assert [p for p in progress if p[0] == held_id] == [p for p in before[1] if p[0] == held_id]
    assert (rated[held_id], False) in applied and (rated[held_id], True) not in applied
    assert (rated[histories[1]["id"]], True) in applied
    assert any(r[:3] == (histories[1]["id"], rated[histories[1]["id"]], "after") for r in after)
    await engine.dispose()


async def test_ratings_arriving_together_share_one_transaction(tmp_path: Path) -> None:
    """Answers that arrive together are served by one transaction: 20 at once take one, not
    20 (the batch starts when the loop next runs, after all of them have arrived)."""
    histories = people(3, 20)
    path = tmp_path / "r.db"
    rated = await store_histories(path, histories)
    data, engine = bot_data(path)
    sessions = GuidedSessions(data, presenter=None)  # type: ignore[arg-type]  # nothing is shown
    sessions.start()
    results = await asyncio.gather(
        *(
            sessions.rate(
                user_id=p["id"],
                chat_id=p["id"],
                session_id=rated[p["id"]],
                checkin=p["checkin"],
                rating=p["rating"],
            )
            for p in histories
        )
    )
    await sessions.shutdown()
    batcher = sessions.ratings
    assert isinstance(batcher, Batched)
    assert all(result is not None for result in results)
    assert (batcher.batches, batcher.largest) == (1, 20)
    await engine.dispose()


async def test_a_bad_request_in_a_batch_fails_only_its_own_caller() -> None:
    calls: list[list[int]] = []

    async def run(items: Any) -> list[int]:
        calls.append(list(items))
        if 13 in items:
            raise ValueError("unlucky")
        return [item * 2 for item in items]

    batched: Batched[int, int] = Batched(run)
    results = await asyncio.gather(*(batched(n) for n in (1, 13, 2, 3)), return_exceptions=True)
    assert results[0] == 2 and results[2:] == [4, 6]
    assert isinstance(results[1], ValueError)
    assert calls == [[1, 13, 2, 3], [1], [13], [2], [3]]  # the batch failed, then one by one
