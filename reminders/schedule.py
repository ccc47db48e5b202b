"""When a daily reminder is due: the same local wall time on each chosen weekday, across DST.

Rules: 08:00 stays 08:00 local on both sides of a change; a local time that does not exist that
day (spring forward) fires at the first valid instant after the gap; an ambiguous one (fall back)
fires once, at its first occurrence. Every instant in and out is an aware datetime; out is UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from places.timeparse import EVERY_DAY
from places.zones import zone_info

# From the day before `after` (a gap can push a day's occurrence past midnight) through a week
# later, every weekday comes up at least once.
_DAYS_SEARCHED = 9


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {moment!r}")


def _checked_days(days: Iterable[int]) -> frozenset[int]:
    chosen = frozenset(days)
    if not chosen:
        raise ValueError("days must name at least one weekday")
    if not chosen <= frozenset(range(7)):
        raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday), got {sorted(chosen)}")
    return chosen


def _end_of_gap(wall: datetime, tz: tzinfo) -> datetime:
    """The instant a spring-forward gap containing the naive local `wall` ends, in UTC.

    Inside a gap, fold=0 reads `wall` with the offset before the change and fold=1 with the one
    after, so the change lies between the two readings; halve that span down to the second.
    """
    earliest = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)  # still before the change
    latest = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)  # already after it
    if latest <= earliest:  # not a gap after all; cannot happen with tzdata's rules
        return latest
    low, high = 0, int((latest - earliest).total_seconds())
    while low < high:
        middle = (low + high) // 2
        probe = earliest + timedelta(seconds=middle)
        if probe.astimezone(tz).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle + 1
    return earliest + timedelta(seconds=low)


def occurrence_on(day: date, local_time: time, zone: str) -> datetime:
    """The UTC instant a reminder set for `local_time` fires on the local calendar `day`."""
    tz = zone_info(zone)
    wall = datetime.combine(day, local_time.replace(tzinfo=None, fold=0))
    first_reading = wall.replace(tzinfo=tz, fold=0)  # the earlier of two, when ambiguous
    instant = first_reading.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == wall:
        return instant
    return _end_of_gap(wall, tz)  # `wall` does not exist that day


def next_due(local_time: time, days: frozenset[int], zone: str, after: datetime) -> datetime:
    """The first instant strictly after `after` at which the reminder fires, as aware UTC.

    `days` are weekdays, 0 = Monday .. 6 = Sunday, in the reminder's zone. ValueError on a naive
    `after`, an empty or out-of-range `days`, or an unknown zone.
    """
    _require_aware(after, "after")
    chosen = _checked_days(days)
    day = after.astimezone(zone_info(zone)).date() - timedelta(days=1)
    for _ in range(_DAYS_SEARCHED):
        if day.weekday() in chosen:
            due = occurrence_on(day, local_time, zone)
            if due > after:
                return due
        day += timedelta(days=1)
    raise AssertionError("unreachable: every chosen weekday comes up within a week")


def latest_due(
    local_time: time, days: frozenset[int], zone: str, at_or_before: datetime
) -> datetime:
    """The last instant at or before `at_or_before` at which the reminder fired (aware UTC)."""
    _require_aware(at_or_before, "at_or_before")
    chosen = _checked_days(days)
    day = at_or_before.astimezone(zone_info(zone)).date()
    for _ in range(_DAYS_SEARCHED):
        if day.weekday() in chosen:
            due = occurrence_on(day, local_time, zone)
            if due <= at_or_before:
                return due
        day -= timedelta(days=1)
    raise AssertionError("unreachable: every chosen weekday comes up within a week")


def occurrence_key(reminder_id: int, due: datetime) -> str:
    """The idempotency key of one occurrence: '<id>@<unix seconds of due>'.

    The same as db/reminders.py writes into reminder_deliveries.key.
    """
    _require_aware(due, "due")
    return f"{reminder_id}@{int(due.timestamp())}"


def is_stale(due: datetime, now: datetime, grace: timedelta) -> bool:
    """Whether an occurrence missed at `due` is too old to send at `now` (older than `grace`)."""
    _require_aware(due, "due")
    _require_aware(now, "now")
    return now - due > grace


def catch_up(
    local_time: time,
    days: frozenset[int],
    zone: str,
    last_due: datetime,
    now: datetime,
    grace: timedelta,
) -> tuple[datetime | None, datetime]:
    """After downtime: (the one occurrence to send late, or None) and the next due after now.

    `last_due` is the stored due instant that was not sent. Of everything missed since, only the
    newest is sent, and only if it is at most `grace` old: a user back from a two-day outage gets
    one reminder, never a burst. A `last_due` still in the future is left as it is (it may be
    a deliberate skip), so nothing is sent and it stays the next due.
    """
    _require_aware(last_due, "last_due")
    _require_aware(now, "now")
    if grace < timedelta(0):
        raise ValueError("grace must not be negative")
    if last_due > now:
        return None, last_due
    newest = max(last_due, latest_due(local_time, days, zone, now))
    send = None if is_stale(newest, now, grace) else newest
    return send, next_due(local_time, days, zone, now)


def local_date(due: datetime, zone: str) -> date:
    """The local calendar day of an instant in `zone` (for 'skip today')."""
    _require_aware(due, "due")
    return due.astimezone(zone_info(zone)).date()


def morning_after(moment: datetime, local_time: time, zone: str, gap: timedelta) -> datetime:
    """The first `local_time` in `zone` at least `gap` after `moment`: "the morning after".

    With 09:00 and a gap of 8 hours, a report at 20:00 or at 10:00 is followed up at 09:00 the
    next day, and one at half past midnight at 09:00 the same day, after the night.
    """
    return next_due(local_time, EVERY_DAY, zone, moment + gap)


def days_from_mask(mask: int) -> frozenset[int]:
    """Weekday numbers (0 = Monday) from the stored bit mask."""
    return frozenset(day for day in range(7) if mask & (1 << day))


def mask_from_days(days: frozenset[int]) -> int:
    """The stored bit mask from weekday numbers."""
    return sum(1 << day for day in days)


def parse_hhmm(value: str) -> time:
    """The stored 'HH:MM' as a time."""
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def first_due(local_time: str, days: int, zone: str, now: datetime) -> datetime:
    """The first occurrence of a new or changed reminder after now."""
    return next_due(parse_hhmm(local_time), days_from_mask(days), zone, now)


def one_off_due(local_time: str, zone: str, now: datetime, in_days: int | None) -> datetime | None:
    """A one-off reminder's instant: at `local_time` `in_days` days from today (local), or with
    None the next time `local_time` comes; None if that instant is not after `now`."""
    at = parse_hhmm(local_time)
    if in_days is None:
        return next_due(at, EVERY_DAY, zone, now)
    due = occurrence_on(local_date(now, zone) + timedelta(days=in_days), at, zone)
    return due if due > now else None


def after_today(local_time: str, days: int, zone: str, now: datetime) -> datetime:
    """The reminder's first occurrence on a later local day than `now`'s."""
    return after_day(
        first_due(local_time, days, zone, now), local_time, days, zone, local_date(now, zone)
    )


def seconds_until(moment: datetime | None, now: datetime, cap: float) -> float:
    """How long to sleep until a due instant, capped so changes elsewhere are noticed."""
    if moment is None:
        return cap
    return max(0.0, min(cap, (moment - now).total_seconds()))


def after_day(due: datetime, local_time: str, days: int, zone: str, day: date) -> datetime:
    """'Skip today': `due`, or if it falls on the local `day`, the first occurrence after it."""
    while local_date(due, zone) == day:
        due = first_due(local_time, days, zone, due)
    return due


@dataclass(frozen=True)
class Advance:
    """What the scheduling rules decided for one due row (db.reminders.Decision)."""

    reminder_id: int
    send_due: datetime | None  # the occurrence to send now, or None (stale or paused)
    next_due: datetime | None  # the row's next due instant; None: a one-off row is done
    missed: int  # occurrences skipped as stale

    @property
    def key(self) -> str | None:
        """The idempotency key of the occurrence sent, if one is."""
        return occurrence_key(self.reminder_id, self.send_due) if self.send_due else None
