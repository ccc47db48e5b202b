"""Hypothesis strategies for reminder tests: zones with awkward DST rules, instants near their
changes, and a brute-force oracle for "when does local wall time W happen on day D"."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from hypothesis import strategies as st

from places.zones import zone_info

# The brief's zones, plus a few with rules that break naive code: a 2-hour jump (Troll), changes
# at midnight (Havana, Santiago), negative DST (Dublin), Ramadan switches (Casablanca), and
# fixed offsets.
DST_ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",  # half-hour DST: 02:00 -> 02:30
    "Asia/Kathmandu",  # +05:45, no DST
    "Pacific/Chatham",  # +12:45 / +13:45
    "America/Sao_Paulo",  # DST at midnight until 2019
    "America/Havana",
    "America/Santiago",
    "Europe/Dublin",
    "Africa/Casablanca",
    "Antarctica/Troll",
    "Australia/Adelaide",
)
ZONES = (*DST_ZONES, "UTC", "UTC+05:30", "UTC-04:00")
FIRST_YEAR, LAST_YEAR = 2017, 2030

wall_times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 1, 15, 29, 30, 45, 59]))
day_sets = st.frozensets(st.integers(0, 6), min_size=1)


@cache
def transitions(zone: str) -> tuple[datetime, ...]:
    """Every UTC instant, to the minute, at which the zone's offset changes in the test years."""
    tz = zone_info(zone)
    found: list[datetime] = []
    step = timedelta(days=1)  # changes are weeks apart in every zone here
    moment = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    end = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)
    while moment < end:
        later = moment + step
        if moment.astimezone(tz).utcoffset() != later.astimezone(tz).utcoffset():
            low, high = moment, later
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset():
                    low = middle
                else:
                    high = middle
            found.append(high.replace(second=0, microsecond=0))
        moment = later
    return tuple(found)


def uniform_instants() -> st.SearchStrategy[datetime]:
    return st.datetimes(
        min_value=datetime(FIRST_YEAR, 1, 1), max_value=datetime(LAST_YEAR, 12, 31)
    ).map(lambda moment: moment.replace(tzinfo=UTC))


def instants_near_changes(zone: str) -> st.SearchStrategy[datetime]:
    """Instants within a day and a half of one of the zone's offset changes (or anywhere)."""
    near = st.builds(
        lambda change, seconds: change + timedelta(seconds=seconds),
        st.sampled_from(transitions(zone) or (datetime(2026, 6, 1, tzinfo=UTC),)),
        st.integers(-36 * 3600, 36 * 3600),
    )
    return st.one_of(near, near, uniform_instants())


zone_and_instant = st.sampled_from(ZONES).flatmap(
    lambda zone: st.tuples(st.just(zone), instants_near_changes(zone))
)


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(zone_info(zone))


def oracle_occurrence(day: date, wall: time, zone: str) -> datetime:
    """The reminder instant on a local day, by scanning every UTC minute that could be it.

    The earliest minute whose local reading is `day` at `wall` (so the first of two in a fall-back
    overlap); if there is none (a spring-forward gap), the first minute after the gap on that day.
    """
    naive = datetime.combine(day, wall)
    # Offsets lie within -12h..+14h, so the instant lies within this window.
    start = (naive - timedelta(hours=15)).replace(tzinfo=UTC)
    after_gap: datetime | None = None
    for minute in range(28 * 60):
        instant = start + timedelta(minutes=minute)
        reading = local(instant, zone).replace(tzinfo=None)
        if reading == naive:
            return instant
        if after_gap is None and reading.date() == day and reading.time() > wall:
            after_gap = instant
    assert after_gap is not None, f"{day} {wall} never happens in {zone}"
    return after_gap
