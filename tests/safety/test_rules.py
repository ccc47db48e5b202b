"""The hold, flare-up and after-session rules, and the frozen streak: unit and property tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from db.routines import streak
from safety.rules import (
    AfterSession,
    Gate,
    Hold,
    ReminderMode,
    SafetyState,
    Trend,
    after_session,
    gate,
    may_lift,
    reminder_mode,
    trend,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
moments = st.one_of(
    st.none(), st.integers(0, 60 * 24 * 30).map(lambda m: NOW - timedelta(minutes=m))
)
states = st.builds(
    SafetyState,
    hold=st.one_of(st.none(), st.sampled_from(Hold)),
    hold_since=moments,
    screened=st.booleans(),
    flare_since=moments,
    last_pain_at=moments,
)
ratings = st.integers(0, 10)


@given(states, st.booleans())
def test_an_emergency_hold_always_wins(state: SafetyState, gentle: bool) -> None:
    if state.hold is Hold.EMERGENCY:
        assert gate(state, gentle) is Gate.URGENT_ADVICE


@given(states)
def test_a_normal_session_needs_screening_no_hold_and_no_flare(state: SafetyState) -> None:
    allowed = gate(state, routine_is_gentle=False) is Gate.CHECK_IN
    assert allowed == (state.hold is None and state.screened and state.flare_since is None)


@given(states)
def test_the_gentle_plan_is_open_during_a_flare_up_and_a_doctor_hold(state: SafetyState) -> None:
    if state.hold is not Hold.EMERGENCY and state.screened:
        assert gate(state, routine_is_gentle=True) is Gate.CHECK_IN


@given(states, st.integers(0, 600))
def test_the_way_out_is_never_offered_right_after_the_advice(
    state: SafetyState, minutes: int
) -> None:
    wait = timedelta(minutes=minutes)
    fresh = SafetyState(hold=state.hold, hold_since=NOW)
    assert may_lift(fresh, NOW, wait) == (state.hold is not None and minutes == 0)
    if state.hold is None:
        assert not may_lift(state, NOW, wait)


@given(states, st.integers(1, 30))
def test_reminders_pause_on_emergency_and_ask_after_pain(state: SafetyState, days: int) -> None:
    mode = reminder_mode(state, NOW, timedelta(days=days))
    if state.hold is Hold.EMERGENCY:
        assert mode is ReminderMode.PAUSE
    elif state.hold is Hold.DOCTOR:
        assert mode is ReminderMode.ASK
    elif state.flare_since is None or state.last_pain_at is None:
        assert mode is ReminderMode.INVITE
    else:
        recent = NOW - state.last_pain_at < timedelta(days=days)
        assert mode is (ReminderMode.ASK if recent else ReminderMode.INVITE)


@given(st.one_of(st.none(), ratings), ratings)
def test_after_session_verdicts(before: int | None, after: int) -> None:
    verdict = after_session(before, after)
    if after >= 7 or (before is not None and after - before >= 2):
        assert verdict is AfterSession.STOP_FOR_TODAY
    elif before is not None and after > before:
        assert verdict is AfterSession.A_BIT_WORSE
    else:
        assert verdict is AfterSession.FINE


def test_ten_out_of_ten_is_never_fine() -> None:
    assert after_session(2, 10) is AfterSession.STOP_FOR_TODAY
    assert after_session(None, 10) is AfterSession.STOP_FOR_TODAY


@given(st.one_of(st.none(), ratings), ratings)
def test_trend(reference: int | None, rating: int) -> None:
    result = trend(reference, rating)
    if rating >= 7:
        assert result is Trend.HIGH
    elif reference is None:
        assert result is Trend.UNKNOWN
    else:
        expected = {-1: Trend.BETTER, 0: Trend.SAME, 1: Trend.WORSE}
        assert result is expected[(rating > reference) - (rating < reference)]


TODAY = date(2026, 3, 10)
day_sets = st.sets(st.integers(0, 40).map(lambda n: TODAY - timedelta(days=n)), max_size=30)


@given(day_sets, day_sets)
def test_frozen_days_never_shorten_a_streak(days: set[date], frozen: set[date]) -> None:
    assert streak(days, TODAY, frozen) >= streak(days, TODAY)


@given(day_sets, day_sets)
def test_a_streak_counts_only_days_with_a_session(days: set[date], frozen: set[date]) -> None:
    assert streak(days, TODAY, frozen) <= len(days)


def test_a_flare_up_freezes_the_streak_instead_of_breaking_it() -> None:
    done = {TODAY - timedelta(days=n) for n in (5, 6, 7)}  # three days, then a flare-up
    frozen = {TODAY - timedelta(days=n) for n in range(0, 5)}
    assert streak(done, TODAY) == 0
    assert streak(done, TODAY, frozen) == 3
    assert streak(done | {TODAY}, TODAY, frozen) == 4
