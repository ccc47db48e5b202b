"""Timelines and progression: pure logic, with property tests where inputs vary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guided.engine.progression import Outcome, Progress, Range, Rule, advance
from guided.engine.timeline import BeatKind, Dose, Pace, build_timeline

ranges = st.tuples(st.integers(1, 12), st.integers(0, 8)).map(lambda t: Range(t[0], t[0] + t[1]))
doses = st.builds(
    Dose,
    unit=st.sampled_from(["breaths", "seconds", "reps"]),
    amount=ranges,
    rounds=st.tuples(st.integers(1, 4), st.integers(0, 3)).map(lambda t: Range(t[0], t[0] + t[1])),
    per_side=st.booleans(),
    rest_seconds=st.integers(0, 20),
    get_ready=st.integers(5, 60).map(float),
    switch_sides=st.integers(10, 30).map(float),
)


@given(st.lists(doses, min_size=1, max_size=5).map(tuple), st.integers(0, 5))
def test_timeline_counts_every_round_side_and_breath(
    timeline_doses: tuple[Dose, ...], level: int
) -> None:
    timeline = build_timeline(timeline_doses, level, 6, Pace(), 1.0)
    assert timeline.beats[-1].kind is BeatKind.DONE
    for item, dose in enumerate(timeline_doses):
        beats = [b for b in timeline.beats if b.item == item]
        assert sum(b.kind is BeatKind.INTRO for b in beats) == 1
        rounds = dose.rounds.at(level, 6)
        sides = 2 if dose.per_side else 1
        if dose.unit == "seconds":
            holds = [b for b in beats if b.kind is BeatKind.TIMED_HOLD]
            assert sum(b.duration for b in holds) == dose.amount.at(level, 6) * rounds * sides
        else:
            inhales = [b for b in beats if b.kind is BeatKind.INHALE]
            assert len(inhales) == dose.amount.at(level, 6) * rounds * sides
        assert sum(b.kind is BeatKind.SWITCH for b in beats) == (rounds if dose.per_side else 0)
        # The time to get into position comes from the exercise (content: get_ready).
        assert [b.duration for b in beats if b.kind is BeatKind.INTRO] == [dose.get_ready]
        assert {b.duration for b in beats if b.kind is BeatKind.SWITCH} <= {dose.switch_sides}


@given(st.lists(doses, min_size=1, max_size=4).map(tuple), st.integers(0, 5), st.data())
def test_a_pause_restarts_the_whole_breath_or_hold(
    timeline_doses: tuple[Dose, ...], level: int, data: st.DataObject
) -> None:
    """Wherever a session is paused, it starts again at the beginning of the breath (its
    inhale) or timed hold (its first tick) on screen, or of any other beat: never mid-way."""
    timeline = build_timeline(timeline_doses, level, 6, Pace(), 1.0)
    index = data.draw(st.integers(0, len(timeline.beats) - 1))
    beat, start = timeline.beats[index], timeline.restart_point(index)
    again = timeline.beats[start]
    assert start <= index and again.item == beat.item
    if beat.kind in (BeatKind.INHALE, BeatKind.EXHALE):
        assert (again.kind, again.count, again.round, again.side) == (
            BeatKind.INHALE,
            beat.count,
            beat.round,
            beat.side,
        )
    elif beat.kind is BeatKind.TIMED_HOLD:
        assert (again.kind, again.count) == (
            BeatKind.TIMED_HOLD,
            beat.total,
        )  # the hold's full length
        assert (again.round, again.side) == (beat.round, beat.side)
    else:
        assert start == index


@given(ranges, st.integers(2, 10))
def test_range_moves_monotonically_from_start_to_top(rng: Range, levels: int) -> None:
    values = [rng.at(level, levels) for level in range(levels)]
    assert values[0] == rng.start and values[-1] == rng.top
    assert values == sorted(values)


def test_full_breathing_dose_matches_the_source() -> None:
    breathing = Range(3, 5), Range(5, 10)
    assert (breathing[0].at(0, 6), breathing[1].at(0, 6)) == (3, 5)
    assert (breathing[0].at(5, 6), breathing[1].at(5, 6)) == (5, 10)
    assert breathing[1].at(1, 6) == 6


RULE = Rule(levels=6, step_up_after=1, step_down_on_pain=1)


def test_good_session_steps_up_pain_steps_back() -> None:
    good = Outcome(completed=True, pain_reported=False, pain_before=3, pain_after=2)
    assert advance(Progress(0, 0), good, RULE) == Progress(1, 0)
    assert advance(Progress(5, 0), good, RULE) == Progress(5, 1)
    pain = Outcome(completed=False, pain_reported=True)
    assert advance(Progress(3, 0), pain, RULE) == Progress(2, 0)
    assert advance(Progress(0, 0), pain, RULE) == Progress(0, 0)
    worse = Outcome(completed=True, pain_reported=False, pain_before=2, pain_after=4)
    assert advance(Progress(2, 0), worse, RULE) == Progress(2, 0)
    stopped = Outcome(completed=False, pain_reported=False)
    assert advance(Progress(2, 0), stopped, RULE) == Progress(2, 0)


@given(
    st.lists(
        st.tuples(st.booleans(), st.booleans(), st.integers(0, 10), st.integers(0, 10)), max_size=40
    ),
    st.integers(1, 3),
)
def test_level_stays_in_range_and_pain_never_raises_it(
    sessions: list[tuple[bool, bool, int, int]], step_up_after: int
) -> None:
    rule = Rule(levels=6, step_up_after=step_up_after)
    progress = Progress()
    for completed, pain, before, after in sessions:
        outcome = Outcome(completed, pain, before, after)
        new = advance(progress, outcome, rule)
        assert 0 <= new.level <= 5
        if pain or outcome.pain_increased or not completed:
            assert new.level <= progress.level
        progress = new


@given(
    st.lists(doses, min_size=1, max_size=4).map(tuple),
    st.integers(0, 5),
    st.data(),
    st.floats(0, 2000, allow_nan=False),
)
def test_a_track_is_found_where_its_time_has_taken_it(
    timeline_doses: tuple[Dose, ...], level: int, data: st.DataObject, seconds: float
) -> None:
    """position_after: the beat a track that began beat `index` `seconds` ago plays now, and how
    far into it: the beats' durations from `index` add up to the time; past the end, the final
    beat."""
    timeline = build_timeline(timeline_doses, level, 6, Pace(), 1.0)
    beats = timeline.beats
    index = data.draw(st.integers(0, len(beats) - 1))
    position, into = timeline.position_after(index, seconds)
    before = sum(beat.duration for beat in beats[index:position])
    if position == len(beats) - 1 and seconds >= sum(b.duration for b in beats[index:-1]):
        assert into == 0.0  # the track has ended: its final beat, now
    else:
        assert index <= position < len(beats) - 1
        assert 0.0 <= into < beats[position].duration
        assert before + into == pytest.approx(seconds)
