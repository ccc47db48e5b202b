"""Units of work on people: their language, consent, export and erasure.

Consent changes in one place (`decide_consent`): a consent button remembers the state it was
shown in (`consent_seen`), and a press acts at once only while that is still the state; an
older button changes nothing and asks first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from db import progress as progress_store
from db import users as store
from db.connection import TransactionFactory
from places.zones import zone_info

NOT_GIVEN = "n"  # what a consent button remembers when it was shown without consent


def consent_seen(since: datetime | None) -> str:
    """The consent state a button is shown in, as it travels in the button: "n" (not given),
    or the second at which consent was given (a later withdrawal and new consent differ)."""
    return NOT_GIVEN if since is None else str(int(since.timestamp()))


def local_date(moment: datetime, zone: str) -> date:
    """The person's calendar day at an instant (a zone that no longer parses: UTC's)."""
    try:
        return moment.astimezone(zone_info(zone)).date()
    except ValueError:
        return moment.date()


@dataclass(frozen=True)
class Consent:
    """The consent state: since when (None: not given), as a day in the person's zone."""

    since: datetime | None
    day: date | None

    @classmethod
    def of(cls, since: datetime | None, zone: str) -> Consent:
        return cls(since, None if since is None else local_date(since, zone))

    @property
    def seen(self) -> str:
        return consent_seen(self.since)


@dataclass(frozen=True)
class Decision:
    """What a consent button did. `confirm`: the button was older than the state and would
    change it, so nothing changed and the person is asked first. `weekly_check_off`: the weekly
    check (which stores answers) was turned off with the consent it needs."""

    before: Consent
    after: Consent
    confirm: bool = False
    weekly_check_off: bool = False

    @property
    def changed(self) -> bool:
        return self.before.since != self.after.since


class Greeting(NamedTuple):
    """Who says /start: their language, whether they were known before, their consent."""

    language: str
    known: bool
    consent: Consent


async def stored_language(db: TransactionFactory, user_id: int) -> str | None:
    """The language the user chose, if they are known."""
    async with db() as tx:
        user = await store.get_user(tx, user_id)
    return user.language if user else None


async def greet(db: TransactionFactory, user_id: int, language: str, default_zone: str) -> Greeting:
    """Make sure the user is known (first seen in `language`); their language and consent."""
    async with db() as tx:
        known = await store.get_user(tx, user_id) is not None
        user = await store.get_or_create_user(tx, user_id, language)
        await tx.commit()
        consent = Consent.of(user.consent_at, user.timezone or default_zone)
        return Greeting(user.language, known, consent)


async def consent_of(db: TransactionFactory, user_id: int, default_zone: str) -> Consent:
    """The user's consent to storing health data."""
    async with db() as tx:
        user = await store.get_user(tx, user_id)
    if user is None:
        return Consent(None, None)
    return Consent.of(user.consent_at, user.timezone or default_zone)


async def decide_consent(
    db: TransactionFactory,
    user_id: int,
    language: str,
    *,
    give: bool,
    seen: str | None,
    now: datetime,
    default_zone: str,
) -> Decision:
    """Give or withdraw consent from a button shown in the state `seen` (None: a button of an
    earlier version, which remembers no state). A press that would change a state other than
    the one shown changes nothing: the decision says to ask first."""
    async with db() as tx:
        user = await store.get_or_create_user(tx, user_id, language)
        zone = user.timezone or default_zone
        before = Consent.of(user.consent_at, zone)
        if give == (before.since is not None):
            await tx.commit()  # nothing to change (a first press may have made the user known)
            return Decision(before, before)
        if seen != before.seen:
            await tx.commit()
            return Decision(before, before, confirm=True)
        user.consent_at = now if give else None
        weekly_check_off = False
        if not give and await progress_store.weekly_check(tx, user_id) is not None:
            await progress_store.stop_weekly_check(tx, user_id)
            weekly_check_off = True
        await tx.commit()
    return Decision(before, Consent.of(user.consent_at, zone), weekly_check_off=weekly_check_off)


async def set_language(db: TransactionFactory, user_id: int, language: str) -> None:
    """Store the user's choice of language."""
    async with db() as tx:
        await store.set_language(tx, user_id, language)
        await tx.commit()


async def erase(db: TransactionFactory, user_id: int) -> None:
    """Delete everything stored about the user."""
    async with db() as tx:
        await store.erase_user(tx, user_id)
        await tx.commit()
