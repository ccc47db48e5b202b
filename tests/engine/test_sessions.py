"""The session engine with a manual clock: timing, pause, skip, stop, and no late beats."""

from __future__ import annotations

import asyncio

import pytest

from engine.clock import ManualClock
from engine.plan import Beat, Dose, Kind, Pace, build_plan
from engine.progression import Range
from engine.sessions import Live, Sessions

PACE = Pace(inhale=4, exhale=6, get_ready=10, switch_sides=5, rest_between=15)
DOSES = (
    Dose("breaths", Range(3, 4), Range(2, 3), per_side=False, rest_seconds=5),
    Dose("seconds", Range(10, 10), Range(1, 1), per_side=True, rest_seconds=5),
)


class Recorder:
    """Hooks that record what the engine asked for, and when."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.beats: list[tuple[float, Beat]] = []
        self.checkpoints: list[int] = []
        self.completed: list[Live] = []

    async def on_beat(self, live: Live, beat: Beat) -> None:
        self.beats.append((self.clock.monotonic(), beat))

    async def on_checkpoint(self, live: Live, position: int) -> None:
        self.checkpoints.append(position)

    async def on_complete(self, live: Live) -> None:
        self.completed.append(live)


def make(clock: ManualClock) -> tuple[Sessions, Recorder, Live]:
    recorder = Recorder(clock)
    sessions = Sessions(recorder, clock)
    plan = build_plan(DOSES, 0, 6, PACE, 1.0)
    live = Live(
        session_id=1, chat_id=42, user_id=42, language="en", routine_id="t", level=0, plan=plan
    )
    return sessions, recorder, live


async def test_beats_arrive_at_their_planned_offsets() -> None:
    clock = ManualClock()
    sessions, recorder, live = make(clock)
    start = clock.monotonic()
    sessions.start(live)
    await clock.advance(live.plan.seconds_total() + 1)
    expected, offset = [], 0.0
    for beat in live.plan.beats:
        expected.append((start + offset, beat))
        offset += beat.duration
    assert recorder.beats == expected
    assert recorder.completed == [live]
    assert sessions.get(42) is None
    assert live.active_seconds == pytest.approx(live.plan.seconds_total(), abs=1)


async def test_pause_holds_the_clock_and_resume_continues() -> None:
    clock = ManualClock()
    sessions, recorder, live = make(clock)
    sessions.start(live)
    await clock.advance(12)  # intro at 0, first inhale at 10
    shown = len(recorder.beats)
    assert await sessions.pause(42) is live
    assert await sessions.pause(42) is None  # a double tap does nothing
    await clock.advance(600)
    assert len(recorder.beats) == shown
    assert await sessions.resume(42) is live
    await clock.advance(1.9)  # the inhale had 2 s left
    assert len(recorder.beats) == shown
    await clock.advance(0.2)
    assert len(recorder.beats) == shown + 1
    assert recorder.beats[-1][1].kind is Kind.EXHALE


async def test_stop_cancels_every_pending_beat() -> None:
    clock = ManualClock()
    sessions, recorder, live = make(clock)
    sessions.start(live)
    await clock.advance(15)
    shown = len(recorder.beats)
    assert await sessions.stop(42) is live
    assert await sessions.stop(42) is None
    await clock.advance(3600)
    assert len(recorder.beats) == shown
    assert recorder.completed == []
    assert sessions.get(42) is None


async def test_stop_waits_for_a_message_in_flight() -> None:
    clock = ManualClock()
    release = asyncio.Event()
    order: list[str] = []

    class Slow(Recorder):
        async def on_beat(self, live: Live, beat: Beat) -> None:
            order.append("beat-start")
            await release.wait()
            order.append("beat-end")

    hooks = Slow(clock)
    sessions = Sessions(hooks, clock)
    live = Live(1, 42, 42, "en", "t", 0, build_plan(DOSES, 0, 6, PACE, 1.0))
    sessions.start(live)
    await asyncio.sleep(0)
    stopping = asyncio.create_task(sessions.stop(42))
    await asyncio.sleep(0)
    assert not stopping.done()
    release.set()
    assert await stopping is live
    order.append("stopped")
    assert order == ["beat-start", "beat-end", "stopped"]


async def test_skip_jumps_to_the_next_exercise() -> None:
    clock = ManualClock()
    sessions, recorder, live = make(clock)
    sessions.start(live)
    await clock.advance(12)
    await sessions.skip(42)
    await clock.advance(0)
    last = recorder.beats[-1][1]
    assert last.kind is Kind.INTRO and last.item == 1


async def test_ready_cuts_the_countdown() -> None:
    clock = ManualClock()
    sessions, recorder, live = make(clock)
    sessions.start(live)
    await clock.advance(1)
    assert await sessions.ready(42) is live
    await clock.advance(0)
    assert recorder.beats[-1][1].kind is Kind.INHALE
    assert await sessions.ready(42) is None  # only during the countdown


async def test_a_second_session_for_a_chat_is_refused() -> None:
    clock = ManualClock()
    sessions, _, live = make(clock)
    sessions.start(live)
    with pytest.raises(RuntimeError):
        sessions.start(Live(2, 42, 42, "en", "t", 0, live.plan))
    await sessions.shutdown()
