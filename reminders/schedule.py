"""When a reminder is due: the same local wall time every chosen day, right across DST changes.

Rules: 08:00 stays 08:00 local on both sides of a change; a local time that does not exist that
day (spring forward) fires at the first valid minute after the gap; an ambiguous one (fall back)
fires once, at its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from reminders.zones import zone_info

MAX_DAYS_AHEAD = 8  # any weekday set repeats within a week


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")


def occurrence_on(day: date, local_time: time, zone: str) -> datetime:
    """The UTC instant the reminder fires on a local calendar day."""
    tz = zone_info(zone)
    wall = datetime.combine(day, local_time)
    first = wall.replace(tzinfo=tz, fold=0)
    # A wall time in a gap does not survive the round trip through UTC.
    back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if back != wall:
        return _end_of_gap(wall, tz).astimezone(UTC)
    return first.astimezone(UTC)


def _end_of_gap(wall: datetime, tz: object) -> datetime:
    """The first valid local minute after a spring-forward gap containing `wall`."""
    probe = wall.replace(tzinfo=tz)  # type: ignore[arg-type]
    utc = probe.astimezone(UTC)
    # The gap's end is the instant whose local time is past `wall`; step minute by minute back.
    candidate = utc
    for _ in range(24 * 60):
        earlier = candidate - timedelta(minutes=1)
        local = earlier.astimezone(tz).replace(tzinfo=None)  # type: ignore[arg-type]
        if local < wall:
            break
        candidate = earlier
    return candidate


def next_due(local_time: time, days: frozenset[int], zone: str, after: datetime) -> datetime:
    """The first instant strictly after `after` at which the reminder fires (aware UTC)."""
    _require_aware(after)
    if not days:
        raise ValueError("days must not be empty")
    start = after.astimezone(zone_info(zone)).date() - timedelta(days=1)
    for offset in range(MAX_DAYS_AHEAD + 2):
        day = start + timedelta(days=offset)
        if day.weekday() not in days:
            continue
        due = occurrence_on(day, local_time, zone)
        if due > after:
            return due
    raise AssertionError("unreachable: a chosen weekday occurs every week")


def occurrence_key(reminder_id: int, due: datetime) -> str:
    """The idempotency key of one occurrence."""
    _require_aware(due)
    return f"{reminder_id}@{int(due.timestamp())}"


def is_stale(due: datetime, now: datetime, grace: timedelta) -> bool:
    """Whether a missed occurrence is too old to send."""
    return now - due > grace


def catch_up(
    local_time: time,
    days: frozenset[int],
    zone: str,
    last_due: datetime,
    now: datetime,
    grace: timedelta,
) -> tuple[datetime | None, datetime]:
    """After downtime: the single occurrence to send (the newest missed one, if within grace)
    and the next due instant after now. Never a burst of stale reminders."""
    _require_aware(last_due)
    _require_aware(now)
    if last_due > now:
        return None, last_due
    newest = last_due
    horizon = now - timedelta(days=MAX_DAYS_AHEAD)
    if newest < horizon:  # a long downtime: start a week back instead of looping over months
        newest = next_due(local_time, days, zone, horizon)
    while True:
        following = next_due(local_time, days, zone, newest)
        if following > now:
            break
        newest = following
    send = None if is_stale(newest, now, grace) else newest
    return send, next_due(local_time, days, zone, now)


def local_date(due: datetime, zone: str) -> date:
    """The local calendar day of an instant."""
    _require_aware(due)
    return due.astimezone(zone_info(zone)).date()
