"""A second screen needs only a presenter: a test one, which records what it is asked to show,
runs a whole session and a pain report through the guided sessions' service, without Telegram.

The service, its timers (on a manual clock) and its database are the bot's own; only the screen
is replaced. What the chat shows for the same steps is tested end to end in tests/e2e.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from content import load_content
from core.config import Settings
from core.context import BotState
from db.connection import make_engine, make_transaction_factory
from db.crypto import DataKeys
from db.migrate import upgrade_to_head
from db.models import ExercisePain, PainRating, RoutineSession, User
from guided.engine.clock import ManualClock
from guided.engine.progression import Rule
from guided.engine.timeline import Beat, BeatKind
from guided.engine.timers import Live
from guided.presenter import Interrupted, Presenter
from guided.service import GuidedSessions
from safety.rules import Source

KEY = "bLzBeUKw6kVFu4IobApJLvIXrTDt8dmcxBBNw8zBsV4="
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
CONTENT = load_content()
PERSON = 4242


class CountedTransactions:
    """The bot's transaction factory, counting the transactions opened."""

    def __init__(self, factory: Any) -> None:
        self.factory = factory
        self.opened = 0

    def __call__(self) -> Any:
        self.opened += 1
        return self.factory()


@dataclass
class RecordingScreen:
    """A presenter that shows nothing and records what it was asked, in order."""

    db: CountedTransactions
    shown: list[tuple[Any, ...]] = field(default_factory=list)
    deliver_warning: bool = True

    async def show_beat(self, live: Live, beat: Beat) -> None:
        self.shown.append(("beat", beat.kind, beat.item))

    async def show_paused(self, live: Live) -> None:
        self.shown.append(("paused", live.asking_to_end))

    async def show_ended(self, live: Live) -> None:
        self.shown.append(("ended", live.marks))

    async def show_completed(self, live: Live) -> None:
        self.shown.append(("completed", live.session_id, live.checkin))

    async def warn(self, chat_id: int, language: str, *, in_session: bool) -> bool:
        # When the warning is asked for, no transaction may have been opened for the report.
        self.shown.append(("warning", in_session, self.db.opened))
        return self.deliver_warning

    async def offer_resume(self, interrupted: Interrupted) -> None:
        self.shown.append(("resume?", interrupted.session_id, interrupted.item))

    def kinds(self) -> list[Any]:
        return [what[0] for what in self.shown]


@dataclass
class Bench:
    data: BotState
    screen: RecordingScreen
    clock: ManualClock
    sessions: GuidedSessions

    async def rows(self, model: Any) -> list[Any]:
        async with self.data.db() as tx:
            return list(await tx.scalars(select(model)))


@pytest.fixture
async def bench(tmp_path: Path) -> AsyncIterator[Bench]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'screen.db'}"
    engine = make_engine(url, keys=DataKeys([KEY]))
    await upgrade_to_head(engine)
    factory = make_transaction_factory(engine)
    async with factory.begin() as tx:
        tx.add(User(id=PERSON, language="en", consent_at=NOW, screened_at=NOW))
    data = BotState()
    data.settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    data.content = CONTENT
    db = CountedTransactions(factory)
    data.db = db  # type: ignore[assignment]
    data.progression = Rule(**CONTENT.progression.model_dump())
    data.now = lambda: NOW
    screen = RecordingScreen(db)
    clock = ManualClock()
    presenter: Presenter = screen  # the protocol is all a screen has to meet
    sessions = GuidedSessions(data, presenter, clock)
    sessions.start()
    try:
        yield Bench(data, screen, clock, sessions)
    finally:
        await sessions.shutdown()
        await engine.dispose()


async def start(bench: Bench) -> Live:
    started = await bench.sessions.create(
        user_id=PERSON, chat_id=PERSON, language="en", routine_id="quick", rating=2
    )
    assert started is not None
    bench.sessions.begin(started.live)
    return started.live


async def test_a_whole_session_is_shown_through_the_presenter(bench: Bench) -> None:
    live = await start(bench)
    timeline = live.timeline
    await bench.clock.advance(timeline.beats[0].duration + 1)  # into the first breath
    assert await bench.sessions.pause(PERSON) is live
    assert bench.screen.shown[-1] == ("paused", False)
    [row] = await bench.rows(RoutineSession)
    assert row.status == "paused"
    assert await bench.sessions.resume(PERSON) is live
    await bench.clock.advance(timeline.seconds_total() + 1)

    beats = [what for what in bench.screen.shown if what[0] == "beat"]
    # Every beat of the timeline, in order (the breath the pause cut short is shown again).
    again = [(k, item) for _, k, item in beats]
    expected = [(beat.kind, beat.item) for beat in timeline.beats]
    assert again[:2] == expected[:2] and again[2:] == expected[1:], again
    assert beats[-1][1] is BeatKind.DONE
    assert bench.screen.shown[-1] == ("completed", live.session_id, 2)
    assert bench.sessions.get(PERSON) is None
    await bench.sessions.checkpoints.flush()  # the end goes with the group commit
    [row] = await bench.rows(RoutineSession)
    assert (row.status, row.item_marks, row.exercises_done) == ("completed", "dddd", 4)

    rated = await bench.sessions.rate(
        user_id=PERSON, chat_id=PERSON, session_id=live.session_id, checkin=2, rating=1
    )
    assert rated is not None and (rated.before, rated.streak) == (2, 1)
    assert "warning" not in bench.screen.kinds()


async def test_a_pain_report_warns_first_stops_the_beats_and_is_stored_once(bench: Bench) -> None:
    live = await start(bench)
    await bench.clock.advance(live.timeline.beats[0].duration + 1)  # into the first exercise
    before = bench.data.db.opened  # type: ignore[attr-defined]

    stopped = await bench.sessions.hurt(
        chat_id=PERSON, user_id=PERSON, language="en", source=Source.BUTTON
    )
    shown_then = len(bench.screen.shown)
    await bench.clock.advance(3600)  # the timeline's whole length and more

    assert stopped.warned
    warning, ended = bench.screen.shown[-2:]
    assert warning == ("warning", True, before)  # asked for before any transaction
    assert ended == ("ended", "h---")  # the live screen closed, the exercise marked as hurting
    assert len(bench.screen.shown) == shown_then  # no beat after the warning
    assert bench.data.db.opened == before + 1  # type: ignore[attr-defined]  # one transaction
    [row] = await bench.rows(RoutineSession)
    assert (row.status, row.item_marks, row.progress_applied) == ("pain", "h---", True)
    [report] = [r for r in await bench.rows(PainRating) if r.kind == "report"]
    assert (report.session_id, report.source) == (live.session_id, "button")
    assert stopped.stored.report.report_id == report.id
    [noted] = await bench.rows(ExercisePain)  # which exercise: in the same transaction
    assert stopped.stored.noted is not None and stopped.stored.noted.hurt_id == noted.id


async def test_an_undelivered_warning_still_stores_the_report_and_closes_nothing(
    bench: Bench,
) -> None:
    bench.screen.deliver_warning = False
    live = await start(bench)
    await bench.clock.advance(live.timeline.beats[0].duration + 1)

    stopped = await bench.sessions.hurt(
        chat_id=PERSON, user_id=PERSON, language="en", source=Source.WORDS, said="it hurts"
    )

    assert not stopped.warned
    assert bench.screen.kinds()[-1] == "warning"  # no follow-up on screen: nothing is closed
    [row] = await bench.rows(RoutineSession)
    assert row.status == "pain"
    assert stopped.stored.report.report_id is not None


async def test_a_report_without_a_session_warns_and_stores_the_report(bench: Bench) -> None:
    stopped = await bench.sessions.hurt(
        chat_id=PERSON, user_id=PERSON, language="en", source=Source.COMMAND
    )
    assert bench.screen.shown == [("warning", False, 0)]
    assert stopped.stored.ended is None and stopped.stored.report.report_id is not None
