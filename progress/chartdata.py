"""What the pain chart shows, as plain picklable data (rendered in another process)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from progress.stats import AFTER, REPORT, Facts, Window, local_day, now_ratings

# Reports closer than this share of the chart's width (at the phone chart's size) would hide
# each other: they are drawn as one mark with their count.
OVERLAP_SHARE = 0.03
MIN_SHADE_SHARE = 0.012  # the narrowest shaded period, as a share of the chart's width


@dataclass(frozen=True)
class ChartLabels:
    """Every word on the chart, in the user's language."""

    title: str
    axis: str  # the y axis: "Pain (0–10)"
    now: str  # check-ins and daily checks
    after: str  # after a session
    report: str  # a pain report
    report_unrated: str  # a pain report whose strength was not given (marked on the axis)
    peg: str  # the weekly PEG score
    gentle: str  # the gentle plan (shaded)
    hold: str  # a safety hold (shaded)
    empty: str  # no rating in the window


@dataclass(frozen=True)
class ReportMark:
    """Pain reports drawn as one mark: when (the first of them), how strong (None: not given,
    drawn on the time axis) and how many."""

    at: datetime
    value: int | None
    count: int = 1


def group_reports(
    reports: Iterable[tuple[datetime, int | None]], gap: timedelta
) -> tuple[ReportMark, ...]:
    """Reports of the same strength less than `gap` apart (one after another) as one mark."""
    marks: list[ReportMark] = []
    last_of: dict[int | None, tuple[int, datetime]] = {}  # strength -> (its mark, latest time)
    for at, value in sorted(reports, key=lambda report: report[0]):
        found = last_of.get(value)
        if found is not None and at - found[1] < gap:
            index = found[0]
            mark = marks[index]
            marks[index] = ReportMark(mark.at, value, mark.count + 1)
        else:
            index = len(marks)
            marks.append(ReportMark(at, value))
        last_of[value] = (index, at)
    return tuple(marks)


@dataclass(frozen=True)
class ChartData:
    """Points in the user's local time (naive datetimes), the window and the labels."""

    language: str
    first: datetime  # start of the window's first day, local
    last: datetime  # end of the window's last day, local
    labels: ChartLabels
    now: tuple[tuple[datetime, int], ...] = ()
    after: tuple[tuple[datetime, int], ...] = ()
    reports: tuple[ReportMark, ...] = ()
    pegs: tuple[tuple[datetime, float], ...] = ()
    shaded: tuple[tuple[datetime, datetime, str], ...] = ()  # start, end, gentle | hold
    width: int = 1200  # pixels
    height: int = 1000
    scale: float = 1.0  # type size (the report prints the chart smaller)

    def points(self) -> int:
        """How many marks the chart has (0: nothing to draw)."""
        return len(self.now) + len(self.after) + len(self.reports) + len(self.pegs)

    def report_count(self) -> int:
        """How many pain reports the marks stand for."""
        return sum(mark.count for mark in self.reports)


def chart_data(
    facts: Facts,
    window: Window,
    language: str,
    labels: ChartLabels,
    *,
    width: int = 1200,
    height: int = 1000,
    scale: float = 1.0,
) -> ChartData:
    """The chart of a window: ratings, pain reports, PEG scores, gentle and hold periods."""
    tz = facts.tzinfo

    def local(moment: datetime) -> datetime:
        return moment.astimezone(tz).replace(tzinfo=None)

    def inside(moment: datetime) -> bool:
        return local_day(moment, facts.tzinfo) in window

    first = datetime.combine(window.first, time())
    last = datetime.combine(window.last, time()) + timedelta(days=1)
    shaded = []
    narrowest = (last - first) * MIN_SHADE_SHARE
    for period in facts.periods:
        start = local(period.started_at)
        end = local(period.ended_at) if period.ended_at else local(facts.now)
        end = max(end, start + narrowest)  # a period begun minutes ago still shows
        if end >= first and start <= last:
            shaded.append((max(start, first), min(end, last), period.kind))
    ratings = sorted(facts.ratings, key=lambda r: r.at)
    gap = (last - first) * OVERLAP_SHARE * scale * 1200 / width
    return ChartData(
        language=language,
        first=first,
        last=last,
        labels=labels,
        now=tuple(
            (local(r.at), r.value) for r in now_ratings(facts, window) if r.value is not None
        ),
        after=tuple(
            (local(r.at), r.value)
            for r in ratings
            if r.kind == AFTER and r.value is not None and inside(r.at)
        ),
        reports=group_reports(
            ((local(r.at), r.value) for r in ratings if r.kind == REPORT and inside(r.at)), gap
        ),
        pegs=tuple(
            (local(p.at), p.score) for p in sorted(facts.pegs, key=lambda p: p.at) if inside(p.at)
        ),
        shaded=tuple(shaded),
        width=width,
        height=height,
        scale=scale,
    )
