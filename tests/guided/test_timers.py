"""The session timers with a manual clock: timing, pause, skip, stop, and no late beats."""

from __future__ import annotations

import asyncio

import pytest

from guided.engine.clock import ManualClock
from guided.engine.progression import Range
from guided.engine.status import End
from guided.engine.timeline import Beat, BeatKind, Dose, Pace, build_timeline
from guided.engine.timers import TRACK, Live, SessionTimers

PACE = Pace(inhale=4, exhale=6, rest_between=15)
DOSES = (
    Dose("breaths", Range(3, 4), Range(2, 3), per_side=False, rest_seconds=5, get_ready=10),
    Dose(
        "seconds",
        Range(10, 10),
        Range(1, 1),
        per_side=True,
        rest_seconds=5,
        get_ready=10,
        switch_sides=5,
    ),
)


class Recorder:
    """Hooks that record what the timers asked for, and when."""

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


def make(clock: ManualClock) -> tuple[SessionTimers, Recorder, Live]:
    recorder = Recorder(clock)
    timers = SessionTimers(recorder, clock)
    timeline = build_timeline(DOSES, 0, 6, PACE, 1.0)
    live = Live(
        session_id=1,
        chat_id=42,
        user_id=42,
        language="en",
        routine_id="t",
        level=0,
        timeline=timeline,
    )
    return timers, recorder, live


async def test_beats_arrive_at_their_planned_offsets() -> None:
    clock = ManualClock()
    timers, recorder, live = make(clock)
    start = clock.monotonic()
    timers.start(live)
    await clock.advance(live.timeline.seconds_total() + 1)
    expected, offset = [], 0.0
    for beat in live.timeline.beats:
        expected.append((start + offset, beat))
        offset += beat.duration
    assert recorder.beats == expected
    assert recorder.completed == [live]
    assert timers.get(42) is None
    assert live.active_seconds == pytest.approx(live.timeline.seconds_total(), abs=1)


async def test_pause_holds_the_clock_and_resume_starts_the_breath_again() -> None:
    clock = ManualClock()
    timers, recorder, live = make(clock)
    timers.start(live)
    await clock.advance(16)  # intro at 0, inhale 1 at 10, exhale 1 at 14 (its 6 s run to 20)
    assert recorder.beats[-1][1].kind is BeatKind.EXHALE
    shown = len(recorder.beats)
    assert await timers.pause(42) is live
    assert await timers.pause(42) is None  # a double tap does nothing
    await clock.advance(600)
    assert len(recorder.beats) == shown
    resumed_at = clock.monotonic()
    assert await timers.resume(42) is live
    await clock.advance(0)
    # The interrupted breath starts again from its breath in, whole: nothing is cut short.
    again = recorder.beats[shown:]
    assert [(at, beat.kind, beat.count) for at, beat in again] == [(resumed_at, BeatKind.INHALE, 1)]
    await clock.advance(3.9)
    assert len(recorder.beats) == shown + 1
    await clock.advance(0.2)
    assert recorder.beats[-1] == (resumed_at + 4, live.timeline.beats[2])  # its full breath out


async def test_resume_starts_a_timed_hold_again_from_its_full_length() -> None:
    clock = ManualClock()
    timers, recorder, live = make(clock)
    timers.start(live)
    first_tick = next(
        index for index, beat in enumerate(live.timeline.beats) if beat.kind is BeatKind.TIMED_HOLD
    )
    offset = sum(beat.duration for beat in live.timeline.beats[:first_tick])
    await clock.advance(offset + 7)  # 7 s into the 10 s hold: its second tick is on screen
    assert (recorder.beats[-1][1].kind, recorder.beats[-1][1].count) == (BeatKind.TIMED_HOLD, 5)
    assert await timers.pause(42) is live
    await clock.advance(60)
    shown = len(recorder.beats)
    assert await timers.resume(42) is live
    await clock.advance(9.9)
    held = [beat for _, beat in recorder.beats[shown:]]
    assert [(beat.kind, beat.count) for beat in held] == [
        (BeatKind.TIMED_HOLD, 10),
        (BeatKind.TIMED_HOLD, 5),
    ]


async def test_resume_in_the_countdown_gives_it_whole_again() -> None:
    clock = ManualClock()
    timers, recorder, live = make(clock)
    timers.start(live)
    await clock.advance(9)
    assert await timers.pause(42) is live
    assert await timers.resume(42) is live
    await clock.advance(9.9)
    assert [beat.kind for _, beat in recorder.beats] == [BeatKind.INTRO, BeatKind.INTRO]
    await clock.advance(0.2)
    assert recorder.beats[-1][1].kind is BeatKind.INHALE


async def test_stop_asks_first_and_holds_the_clock_meanwhile() -> None:
    clock = ManualClock()
    timers, recorder, live = make(clock)
    timers.start(live)
    await clock.advance(12)
    shown = len(recorder.beats)
    assert await timers.ask_to_end(42) is live
    assert live.asking_to_end and live.paused
    assert await timers.ask_to_end(42) is None  # a second tap on Stop changes nothing
    await clock.advance(300)
    assert len(recorder.beats) == shown
    assert await timers.resume(42) is live  # Carry on
    assert not live.asking_to_end
    await clock.advance(0)
    assert len(recorder.beats) == shown + 1


async def test_stop_cancels_every_pending_beat() -> None:
    clock = ManualClock()
    timers, recorder, live = make(clock)
    timers.start(live)
    await clock.advance(15)
    shown = len(recorder.beats)
    assert await timers.stop(42, End.STOPPED) is live
    assert await timers.stop(42, End.STOPPED) is None
    await clock.advance(3600)
    assert len(recorder.beats) == shown
    assert recorder.completed == []
    assert timers.get(42) is None


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
    timers = SessionTimers(hooks, clock)
    live = Live(1, 42, 42, "en", "t", 0, build_timeline(DOSES, 0, 6, PACE, 1.0))
    timers.start(live)
    await asyncio.sleep(0)
    stopping = asyncio.create_task(timers.stop(42, End.STOPPED))
    await asyncio.sleep(0)
    assert not stopping.done()
    release.set()
    assert await stopping is live
    order.append("stopped")
    assert order == ["beat-start", "beat-end", "stopped"]


async def test_skip_jumps_to_the_next_exercise() -> None:
    clock = ManualClock()
    timers, recorder, live = make(clock)
    timers.start(live)
    await clock.advance(12)
    await timers.skip(42)
    await clock.advance(0)
    last = recorder.beats[-1][1]
    assert last.kind is BeatKind.INTRO and last.item == 1


async def test_ready_cuts_the_countdown() -> None:
    clock = ManualClock()
    timers, recorder, live = make(clock)
    timers.start(live)
    await clock.advance(1)
    assert await timers.ready(42) is live
    await clock.advance(0)
    assert recorder.beats[-1][1].kind is BeatKind.INHALE
    assert await timers.ready(42) is None  # only during the countdown


async def test_a_second_session_for_a_chat_is_refused() -> None:
    clock = ManualClock()
    timers, _, live = make(clock)
    timers.start(live)
    with pytest.raises(RuntimeError):
        timers.start(Live(2, 42, 42, "en", "t", 0, live.timeline))
    await timers.shutdown()


async def test_marks_say_what_was_done_skipped_and_where_it_stopped() -> None:
    clock = ManualClock()
    timers, _, live = make(clock)
    timers.start(live)
    await clock.advance(12)  # into the first exercise
    assert live.marks == "--" and live.exercises_done() == 0
    await timers.skip(42)
    await clock.advance(1)
    assert live.marks == "s-"
    live.end_here(End.STOPPED)  # what stopping does for Stop
    assert live.marks == "sx" and live.exercises_done() == 0


async def test_a_completed_session_marks_every_exercise_done() -> None:
    clock = ManualClock()
    timers, recorder, live = make(clock)
    timers.start(live)
    await clock.advance(live.timeline.seconds_total() + 1)
    assert recorder.completed == [live]
    assert live.marks == "dd" and live.exercises_done() == 2


async def test_pain_in_the_rest_after_an_exercise_takes_its_tick() -> None:
    """The exercise on screen during the rest before the next is the one that just ended: pain
    then is about it, so it is marked hurt, not done."""
    clock = ManualClock()
    timers, _, live = make(clock)
    timers.start(live)
    rest = next(
        index for index, beat in enumerate(live.timeline.beats) if beat.kind is BeatKind.NEXT
    )
    await clock.advance(sum(beat.duration for beat in live.timeline.beats[: rest + 1]) - 1)
    assert live.current.kind is BeatKind.NEXT and live.marks == "d-"
    stopped = await timers.stop(42, End.PAIN)
    assert stopped is live
    live.end_here(End.PAIN)
    assert live.marks == "h-" and live.exercises_done() == 0


async def test_a_session_on_a_track_is_moved_only_by_its_time() -> None:
    """A track plays on whatever the bot does: pause ("Does it hurt?" asked), Stop's question,
    skip and ready change nothing, so the question after it comes as the track ends."""
    clock = ManualClock()
    timers, recorder, live = make(clock)
    live.screen = TRACK
    start = clock.monotonic()
    timers.start(live)
    await clock.advance(3)
    assert await timers.pause(42) is None
    assert await timers.ask_to_end(42) is None
    assert await timers.skip(42) is None
    assert await timers.ready(42) is None
    await clock.advance(live.timeline.seconds_total() - 3)
    assert recorder.completed == [live]
    assert recorder.beats[-1][0] - start == pytest.approx(
        live.timeline.seconds_total() - live.timeline.beats[-1].duration
    )


async def test_a_track_resumed_behind_keeps_its_own_time() -> None:
    """Started `behind` seconds into a beat (a track that played on through a restart), the
    next beat is due when the track reaches it, not a whole beat later."""
    clock = ManualClock()
    timers, recorder, live = make(clock)
    live.screen = TRACK
    start = clock.monotonic()
    first = live.timeline.beats[0].duration
    timers.start(live, index=0, behind=first - 1.0)
    await clock.advance(1.5)
    assert [at - start for at, _ in recorder.beats] == [0.0, 1.0]
