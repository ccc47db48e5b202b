"""What the pain chart shows, as plain picklable data (rendered in another process)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from progress.stats import AFTER, REPORT, Facts, Window, local_day, now_ratings


@dataclass(frozen=True)
class ChartLabels:
    """Every word on the chart, in the user's language."""

    title: str
    axis: str  # the y axis: "Pain (0–10)"
    now: str  # check-ins and daily checks
    after: str  # after a session
    report: str  # a pain report
    peg: str  # the weekly PEG score
    gentle: str  # the gentle plan (shaded)
    hold: str  # a safety hold (shaded)
    empty: str  # no rating in the window


@dataclass(frozen=True)
class ChartData:
    """Points in the user's local time (naive datetimes), the window and the labels."""

    language: str
    first: datetime  # start of the window's first day, local
    last: datetime  # end of the window's last day, local
    labels: ChartLabels
    now: tuple[tuple[datetime, int], ...] = ()
    after: tuple[tuple[datetime, int], ...] = ()
    reports: tuple[tuple[datetime, int | None], ...] = ()
    pegs: tuple[tuple[datetime, float], ...] = ()
    shaded: tuple[tuple[datetime, datetime, str], ...] = ()  # start, end, gentle | hold
    width: int = 1200  # pixels
    height: int = 1000
    scale: float = 1.0  # type size (the report prints the chart smaller)

    def points(self) -> int:
        """How many marks the chart has (0: nothing to draw)."""
        return len(self.now) + len(self.after) + len(self.reports) + len(self.pegs)


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
    for period in facts.periods:
        start = local(period.started_at)
        end = local(period.ended_at) if period.ended_at else local(facts.now)
        if end >= first and start <= last:
            shaded.append((max(start, first), min(end, last), period.kind))
    ratings = sorted(facts.ratings, key=lambda r: r.at)
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
        reports=tuple((local(r.at), r.value) for r in ratings if r.kind == REPORT and inside(r.at)),
        pegs=tuple(
            (local(p.at), p.score) for p in sorted(facts.pegs, key=lambda p: p.at) if inside(p.at)
        ),
        shaded=tuple(shaded),
        width=width,
        height=height,
        scale=scale,
    )
