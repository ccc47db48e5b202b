"""The statuses of a guided session are one enum: every reason to end maps to one, the sets are
disjoint, and the database's one-open-session index covers exactly the open ones."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from db.connection import make_engine
from db.migrate import upgrade_to_head
from guided.engine.marks import Mark
from guided.engine.status import ENDED, OPEN, RUNNING, STOPPED_EARLY, End, SessionStatus


def test_each_reason_is_stored_as_the_status_of_its_name_and_pain_needs_consent() -> None:
    for reason in End:
        assert reason.status() == SessionStatus(reason.value)
    assert End.PAIN.status(consent=False) is SessionStatus.STOPPED
    assert End.WARNING_SIGNS.status(consent=False) is SessionStatus.WARNING_SIGNS
    assert {reason for reason in End if reason.private} == {End.PAIN, End.WARNING_SIGNS}
    assert {reason.mark for reason in End} == {Mark.DONE, Mark.HURT, Mark.STOPPED}


def test_every_status_is_open_or_ended_or_erased_and_never_two_of_them() -> None:
    assert set(RUNNING) < set(OPEN)
    assert set(STOPPED_EARLY) < set(ENDED)
    assert not set(OPEN) & set(ENDED)
    assert set(OPEN) | set(ENDED) | {SessionStatus.ERASED} == set(SessionStatus)


async def test_the_one_open_session_index_covers_exactly_the_open_statuses(tmp_path: Path) -> None:
    """A status added to OPEN without a migration would let two open sessions into one chat."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 's.db'}")
    await upgrade_to_head(engine)
    async with engine.connect() as connection:
        sql = await connection.scalar(
            text("SELECT sql FROM sqlite_master WHERE name = 'one_open_session_per_chat'")
        )
    await engine.dispose()
    assert sql is not None
    named = {status for status in SessionStatus if f"'{status.value}'" in sql}
    assert named == set(OPEN), sql
