"""Properties of the progress numbers: streak, adherence, summaries and the pain trend."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from progress.stats import (
    Direction,
    Facts,
    PeriodFact,
    SessionFact,
    Window,
    last_days,
    streak,
    summarize,
    this_month,
    this_week,
    trend,
)

TODAY = date(2026, 5, 20)
NOW = datetime(2026, 5, 20, 12, tzinfo=UTC)
days_before = st.sets(st.integers(min_value=0, max_value=40), max_size=30)


def as_days(offsets: set[int]) -> set[date]:
    return {TODAY - timedelta(days=n) for n in offsets}


@given(days_before, days_before)
def test_frozen_days_never_break_nor_count(done: set[int], frozen: set[int]) -> None:
    plain = streak(as_days(done - frozen), TODAY)
    with_frozen = streak(as_days(done - frozen), TODAY, as_days(frozen - done))
    assert with_frozen >= plain  # freezing a day can only keep a streak alive
    assert with_frozen <= len(done - frozen)  # and never adds a day of its own


def test_a_gentle_week_in_the_middle_keeps_the_streak() -> None:
    done = as_days({0, 1, 9, 10})
    frozen = as_days(set(range(2, 9)))
    assert streak(done, TODAY) == 2
    assert streak(done, TODAY, frozen) == 4


def facts(
    statuses: list[tuple[int, str]],
    reminder_days: frozenset[int] = frozenset(),
    periods: tuple[PeriodFact, ...] = (),
) -> Facts:
    sessions = tuple(
        SessionFact(NOW - timedelta(days=back), status, "quick", 300.0) for back, status in statuses
    )
    return Facts(
        "UTC",
        NOW,
        TODAY - timedelta(days=365),
        sessions,
        periods=periods,
        reminder_days=reminder_days,
    )


sessions_strategy = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=60),
        st.sampled_from(["completed", "stopped", "pain", "warning_signs"]),
    ),
    max_size=40,
)


@given(sessions_strategy, st.frozensets(st.integers(min_value=0, max_value=6)))
def test_summaries_add_up(statuses: list[tuple[int, str]], weekdays: frozenset[int]) -> None:
    found = facts(statuses, weekdays)
    window = last_days(TODAY, 30)
    summary = summarize(found, window)
    inside = [s for back, s in statuses if back < 30]
    assert summary.done + summary.stopped == len(inside)
    assert summary.stopped_for_pain <= summary.stopped
    assert summary.minutes == round(len(inside) * 300 / 60)
    assert 0 <= summary.active_days <= summary.planned_days <= 30
    if summary.adherence is not None:
        assert 0 <= summary.adherence <= 100


def test_adherence_counts_only_reminder_days_that_are_not_frozen() -> None:
    # 20 May 2026 is a Wednesday. Reminders on Monday and Wednesday; sessions Mon 18 and Wed 20.
    found = facts([(2, "completed"), (0, "completed"), (1, "completed")], frozenset({0, 2}))
    summary = summarize(found, Window(date(2026, 5, 11), TODAY))
    assert (summary.active_days, summary.planned_days, summary.adherence) == (2, 4, 50)
    gentle = (PeriodFact("gentle", NOW - timedelta(days=9), NOW - timedelta(days=7)),)
    frozen = summarize(
        facts([(2, "completed")], frozenset({0, 2}), gentle), Window(date(2026, 5, 11), TODAY)
    )
    assert frozen.planned_days == 2  # Monday 11 and Wednesday 13 May were on the gentle plan


def test_windows() -> None:
    assert this_week(TODAY) == Window(date(2026, 5, 18), TODAY)
    assert this_month(TODAY) == Window(date(2026, 5, 1), TODAY)
    assert last_days(TODAY, 7, since=date(2026, 5, 19)) == Window(date(2026, 5, 19), TODAY)


@given(st.lists(st.integers(min_value=0, max_value=10), min_size=2, max_size=40))
def test_the_trend_compares_the_earlier_half_with_the_later(values: list[int]) -> None:
    found = trend(values)
    assert found is not None and found.count == len(values)
    if found.direction is Direction.FELL:
        assert found.last < found.first
    elif found.direction is Direction.ROSE:
        assert found.last > found.first
    else:
        assert abs(found.last - found.first) < 0.5 + 1e-9
    assert trend(list(reversed(values))) is not None


def test_the_trend_in_words() -> None:
    assert trend([6]) is None
    fell = trend([6, 6, 5, 4, 4])
    assert fell is not None and (fell.direction, fell.first, fell.last) == (
        Direction.FELL,
        6.0,
        4.0,
    )
    assert trend([3, 3, 3, 3]) is not None and trend([3, 3, 3, 3]).direction is Direction.SAME  # type: ignore[union-attr]
