"""Pain reports on the chart: never above 10 (a report without a strength sits on the time
axis), and every report visible (reports that would hide each other become one mark with its
count)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.collections import PathCollection
from matplotlib.text import Annotation

from content import Content
from progress.chart import figure_of
from progress.chartdata import MIN_SHADE_SHARE, OVERLAP_SHARE, ReportMark, group_reports
from progress.stats import Facts, PeriodFact, RatingFact
from ui.progress import chart_for

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)


def facts_with(reports: list[RatingFact], periods: tuple[PeriodFact, ...] = ()) -> Facts:
    return Facts("UTC", NOW, NOW.date() - timedelta(days=200), (), tuple(reports), periods)


def eleven_in_two_minutes() -> list[RatingFact]:
    """As found trying the product: one report with a strength, ten more without one."""
    return [
        RatingFact(NOW - timedelta(seconds=120 - 12 * n), "report", 6 if n == 0 else None)
        for n in range(11)
    ]


def test_eleven_reports_in_two_minutes_are_two_marks_with_their_counts(content: Content) -> None:
    data = chart_for(content, "en", facts_with(eleven_in_two_minutes()), 30)
    assert sorted((m.value is None, m.count) for m in data.reports) == [(False, 1), (True, 10)]
    assert data.report_count() == 11
    figure = figure_of(data)
    [axes] = figure.axes
    offsets = [
        tuple(point)
        for collection in axes.collections
        if isinstance(collection, PathCollection)
        for point in collection.get_offsets()
    ]
    assert len(offsets) == 2
    assert max(y for _, y in offsets) <= 10  # never above the scale
    assert min(y for _, y in offsets) < 0  # the one without a strength: on the time axis
    counts = [child.get_text() for child in axes.get_children() if isinstance(child, Annotation)]
    assert counts == ["×10"]
    legend = [text.get_text() for text in figure.legends[0].get_texts()]
    assert "Pain report, strength not given" in legend and "Pain report" in legend


report_times = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=40 * 24 * 60),  # minutes before now
        st.none() | st.integers(min_value=0, max_value=10),
    ),
    max_size=60,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report_times, st.sampled_from([7, 30, 90]))
def test_every_report_is_counted_once_and_no_mark_is_above_10(
    content: Content, reports: list[tuple[int, int | None]], days: int
) -> None:
    facts = facts_with(
        [RatingFact(NOW - timedelta(minutes=m), "report", value) for m, value in reports]
    )
    data = chart_for(content, "en", facts, days)
    first = NOW.date() - timedelta(days=days - 1)
    inside = [m for m, _ in reports if (NOW - timedelta(minutes=m)).date() >= first]
    assert data.report_count() == len(inside)
    assert all(mark.value is None or 0 <= mark.value <= 10 for mark in data.reports)
    # Marks of the same strength are far enough apart not to hide each other.
    gap = (data.last - data.first) * OVERLAP_SHARE
    for value in {mark.value for mark in data.reports}:
        times = sorted(mark.at for mark in data.reports if mark.value == value)
        assert all(later - earlier >= gap for earlier, later in pairwise(times))


def test_reports_far_apart_stay_apart() -> None:
    start = datetime(2026, 12, 1, 9)
    marks = group_reports(
        [(start, 5), (start + timedelta(hours=30), 5), (start + timedelta(minutes=1), None)],
        timedelta(hours=20),
    )
    assert marks == (
        ReportMark(start, 5),
        ReportMark(start + timedelta(minutes=1), None),
        ReportMark(start + timedelta(hours=30), 5),
    )


def test_a_period_begun_minutes_ago_still_shows(content: Content) -> None:
    gentle = (PeriodFact("gentle", NOW - timedelta(minutes=2)),)
    data = chart_for(content, "en", facts_with(eleven_in_two_minutes(), gentle), 30)
    [(start, end, kind)] = data.shaded
    assert kind == "gentle" and start == datetime(2026, 12, 5, 11, 58)
    assert end - start >= (data.last - data.first) * MIN_SHADE_SHARE
