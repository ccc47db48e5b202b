"""The hold, flare-up and after-session rules, and the frozen streak: unit and property tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from progress.stats import streak
from safety.rules import (
    AfterSession,
    Answer,
    Gate,
    Hold,
    Origin,
    ReminderMode,
    SafetyState,
    Trend,
    after_session,
    episode_signs,
    gate,
    may_correct,
    may_lift,
    red_flag,
    reminder_mode,
    same_episode,
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


@given(st.integers(-600, 3600), st.integers(0, 60))
def test_reports_within_the_episode_join_and_later_ones_do_not(seconds: int, minutes: int) -> None:
    now = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    last = now - timedelta(seconds=seconds)
    joined = same_episode(last, now, timedelta(minutes=minutes))
    assert joined == (0 <= seconds < minutes * 60)
    assert not same_episode(None, now, timedelta(minutes=minutes))


@given(states, st.integers(0, 120), st.integers(0, 120))
def test_a_mistake_can_be_corrected_only_right_after_an_emergency_yes(
    state: SafetyState, since: int, window: int
) -> None:
    now = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    state = SafetyState(state.hold, now - timedelta(minutes=since), state.screened)
    allowed = may_correct(state, now, timedelta(minutes=window))
    assert allowed == (state.hold is Hold.EMERGENCY and since < window)


def test_the_signs_of_a_new_episode_are_asked_only_where_nobody_has_assessed_it() -> None:
    assert [origin for origin in Origin if episode_signs(origin)] == [Origin.FIRST]


def test_a_stored_answer_names_the_answer_and_where_it_was_asked() -> None:
    assert red_flag(Answer.NONE, Origin.PAIN) == "none:p"
    assert red_flag(Answer.CORRECTED, Origin.KNOWN) == "corrected:k"
    assert {origin.value for origin in Origin} == {"s", "k", "p", "m"}  # ui/payloads.ORIGIN
