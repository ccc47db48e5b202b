"""Progress in numbers: sessions, minutes, streak, adherence and the pain trend, from plain facts.

Everything here is pure: the facts are read from the database by `db/progress.py`, local dates
come from the user's zone, and the texts are chosen by the caller.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from guided.engine.status import STOPPED_EARLY, SessionStatus

# Stored rating kinds (pain_ratings.kind) that say how the back is "now", before any exercise:
# the check-in before a session and the daily and morning checks.
NOW_KINDS = frozenset({"checkin", "daily", "morning", "asked"})
AFTER = "after"
REPORT = "report"
RED_FLAG = "red_flag"
# A difference of averages smaller than this is "about the same" (ratings are whole numbers).
TREND_MARGIN = 0.5


@dataclass(frozen=True)
class SessionFact:
    """One guided session as stored."""

    started_at: datetime
    status: SessionStatus
    routine_id: str
    seconds: float = 0.0
    gentle: bool = False
    id: int | None = None


@dataclass(frozen=True)
class RatingFact:
    """A 0-10 rating, a pain report (value: how strong, detail: where; source: how it was made,
    said: the person's own words) or a warning-sign answer (detail: "<answer>:<origin>")."""

    at: datetime
    kind: str
    value: int | None = None
    detail: str | None = None
    session_id: int | None = None
    source: str | None = None  # a report: button | command | words (None: made before 0009)
    said: str | None = None  # a report: what the person wrote (stored only with consent)


@dataclass(frozen=True)
class PeriodFact:
    """A stretch of the gentle plan or a safety hold (kind: gentle | hold)."""

    kind: str
    started_at: datetime
    ended_at: datetime | None = None


@dataclass(frozen=True)
class PegFact:
    """One weekly PEG-3: average pain, interference with enjoyment and with activity."""

    at: datetime
    pain: int
    enjoyment: int
    activity: int

    @property
    def score(self) -> float:
        """The PEG score: the mean of the three answers (Krebs et al. 2009)."""
        return round((self.pain + self.enjoyment + self.activity) / 3, 1)


@dataclass(frozen=True)
class HurtFact:
    """An exercise that hurt, and what changed for it (easier | left_out)."""

    at: datetime
    exercise_id: str
    change: str
    session_id: int | None = None


@dataclass(frozen=True)
class Facts:
    """Everything stored about a user's progress, in UTC; `zone` turns it into local days."""

    zone: str
    now: datetime
    since: date  # the local day the user first met the bot: earlier days count for nothing
    sessions: tuple[SessionFact, ...] = ()
    ratings: tuple[RatingFact, ...] = ()
    periods: tuple[PeriodFact, ...] = ()
    pegs: tuple[PegFact, ...] = ()
    hurts: tuple[HurtFact, ...] = ()
    reminder_days: frozenset[int] = field(default_factory=frozenset)  # weekdays, 0 = Monday
    # The zone as a tzinfo when `zone` is not an IANA name (a fixed "UTC-03:00" offset).
    tz: tzinfo | None = None

    @property
    def tzinfo(self) -> tzinfo:
        return self.tz if self.tz is not None else ZoneInfo(self.zone)

    @property
    def today(self) -> date:
        return local_day(self.now, self.tzinfo)

    def has_data(self) -> bool:
        """Anything to show: a session, a rating or a PEG score."""
        return bool(self.sessions or self.ratings or self.pegs)


@dataclass(frozen=True)
class Window:
    """Local days from `first` to `last`, both included."""

    first: date
    last: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    def days(self) -> list[date]:
        count = (self.last - self.first).days + 1
        return [self.first + timedelta(days=n) for n in range(max(0, count))]


class Direction(StrEnum):
    """How the pain ratings moved across a window."""

    FELL = "fell"
    ROSE = "rose"
    SAME = "same"


@dataclass(frozen=True)
class Trend:
    """The pain trend: the average of the earlier and of the later half of the ratings."""

    direction: Direction
    first: float
    last: float
    count: int


@dataclass(frozen=True)
class Summary:
    """Sessions and adherence in a window."""

    done: int
    stopped: int  # for any reason, pain included
    stopped_for_pain: int
    minutes: int
    active_days: int  # planned days with a completed session
    planned_days: int  # days that count for adherence (reminder days, else every day), not frozen
    frozen_days: int = 0  # days that would be planned but were on the gentle plan or a hold

    @property
    def adherence(self) -> int | None:
        """Percent of planned days with a completed session; None when no day was planned."""
        if self.planned_days == 0:
            return None
        return round(100 * self.active_days / self.planned_days)


def local_day(moment: datetime, zone: str | tzinfo) -> date:
    """The user's calendar day at an instant."""
    return moment.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone).date()


def last_days(today: date, days: int, since: date | None = None) -> Window:
    """The last `days` local days up to today (not before `since`)."""
    first = today - timedelta(days=days - 1)
    return Window(max(first, since) if since else first, today)


def this_week(today: date, since: date | None = None) -> Window:
    """Monday to today."""
    first = today - timedelta(days=today.weekday())
    return Window(max(first, since) if since else first, today)


def this_month(today: date, since: date | None = None) -> Window:
    """The first of the month to today."""
    first = today.replace(day=1)
    return Window(max(first, since) if since else first, today)


def in_total(facts: Facts) -> Window:
    """From the first day anything was stored (or the user arrived) to today."""
    days = [local_day(s.started_at, facts.tzinfo) for s in facts.sessions]
    days += [local_day(r.at, facts.tzinfo) for r in facts.ratings]
    days += [local_day(p.at, facts.tzinfo) for p in facts.pegs]
    return Window(min([facts.since, *days]), facts.today)


class Period(Protocol):
    """A stretch of time: a PeriodFact, or a stored plan period (db.models.PlanPeriod)."""

    @property
    def started_at(self) -> datetime: ...

    @property
    def ended_at(self) -> datetime | None: ...


def frozen_days(periods: Iterable[Period], zone: str | tzinfo, today: date) -> set[date]:
    """Local days covered by the gentle plan or a hold: they neither count nor break a streak."""
    days: set[date] = set()
    for period in periods:
        day = local_day(period.started_at, zone)
        last = local_day(period.ended_at, zone) if period.ended_at else today
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def streak(days: Collection[date], today: date, frozen: Collection[date] = ()) -> int:
    """Consecutive days with a completed session, ending today (or yesterday).

    Frozen days (the gentle plan, a safety hold) neither count nor break the streak. /progress,
    the report and the after-session summary (services/sessions.py) all count it here.
    """
    day = today if today in days or today in frozen else today - timedelta(days=1)
    count = 0
    while day in days or day in frozen:
        count += day in days
        day -= timedelta(days=1)
    return count


def completed_days(facts: Facts, *, gentle: bool = False) -> set[date]:
    """Local days with a completed session (of the normal plan unless `gentle`)."""
    return {
        local_day(s.started_at, facts.tzinfo)
        for s in facts.sessions
        if s.status == SessionStatus.COMPLETED and (gentle or not s.gentle)
    }


def current_streak(facts: Facts) -> int:
    """Today's streak, as the after-session summary counts it (the gentle plan freezes it)."""
    frozen = frozen_days(facts.periods, facts.tzinfo, facts.today)
    return streak(completed_days(facts), facts.today, frozen)


def summarize(facts: Facts, window: Window) -> Summary:
    """Sessions done and stopped, minutes and adherence in a window of local days."""
    inside = [s for s in facts.sessions if local_day(s.started_at, facts.tzinfo) in window]
    frozen = frozen_days(facts.periods, facts.tzinfo, facts.today)
    plan_days = [
        day
        for day in window.days()
        if not facts.reminder_days or day.weekday() in facts.reminder_days
    ]
    planned = [day for day in plan_days if day not in frozen]
    done_days = completed_days(facts, gentle=True)
    ended = [s for s in inside if s.status == SessionStatus.COMPLETED or s.status in STOPPED_EARLY]
    return Summary(
        done=sum(s.status == SessionStatus.COMPLETED for s in inside),
        stopped=sum(s.status in STOPPED_EARLY for s in inside),
        stopped_for_pain=sum(s.status == SessionStatus.PAIN for s in inside),
        minutes=round(sum(s.seconds for s in ended) / 60),
        active_days=sum(day in done_days for day in planned),
        planned_days=len(planned),
        frozen_days=len(plan_days) - len(planned),
    )


def now_ratings(facts: Facts, window: Window) -> list[RatingFact]:
    """Ratings of how the back is now (check-ins, daily checks) in the window, oldest first."""
    return sorted(
        (
            r
            for r in facts.ratings
            if r.kind in NOW_KINDS
            and r.value is not None
            and local_day(r.at, facts.tzinfo) in window
        ),
        key=lambda r: r.at,
    )


def trend(values: list[int]) -> Trend | None:
    """The earlier half's average against the later half's; None with fewer than 2 ratings.

    With an odd count the middle rating belongs to neither half.
    """
    if len(values) < 2:
        return None
    half = len(values) // 2
    first = sum(values[:half]) / half
    last = sum(values[-half:]) / half
    if last <= first - TREND_MARGIN:
        direction = Direction.FELL
    elif last >= first + TREND_MARGIN:
        direction = Direction.ROSE
    else:
        direction = Direction.SAME
    return Trend(direction, round(first, 1), round(last, 1), len(values))


def pain_trend(facts: Facts, window: Window) -> Trend | None:
    """The trend of the check-in and daily ratings in a window."""
    return trend([r.value for r in now_ratings(facts, window) if r.value is not None])
