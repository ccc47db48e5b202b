"""What the installed tz database knows beyond tzinfo: which names people use, links, countries.

Read lazily, once, from the tables the `tzdata` package ships (zone.tab, tzdata.zi); when they are
missing (a system tz database instead), every available name is offered and no country is known.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from importlib import resources

# Names that are not places: legacy abbreviations and the Etc/ area (handled as fixed offsets).
_NOT_PLACES = ("Etc/", "SystemV/", "posix/", "right/")


def _read_table(name: str) -> str | None:
    try:
        return resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return None


@cache
def available_zones() -> frozenset[str]:
    """Every key zoneinfo can load, links included."""
    return frozenset(zoneinfo.available_timezones())


@cache
def _links() -> dict[str, str]:
    """Backward-compatible link name -> the zone it points to (tzdata.zi 'L target link')."""
    text = _read_table("tzdata.zi") or ""
    links: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] == "L":
            links[fields[2]] = fields[1]
    return links


@cache
def _zone_countries() -> dict[str, str]:
    """Zone name -> ISO 3166 country code, one line per country region (zone.tab)."""
    text = _read_table("zone.tab") or ""
    countries: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) >= 3:
            countries.setdefault(fields[2], fields[0])
    return countries


def canonical(zone: str) -> str:
    """The zone a link name points to (Europe/Kiev -> Europe/Kyiv); other names unchanged."""
    links = _links()
    seen = 0
    while zone in links and seen < 8:  # links do not chain in tzdata.zi; the bound is a guard
        zone, seen = links[zone], seen + 1
    return zone


@cache
def place_zones() -> frozenset[str]:
    """The names worth offering for a place: real zones plus each country region's name.

    Backward links (US/Eastern, Canada/Atlantic, Asia/Calcutta) are left out: they are spellings
    nobody types for a city and they make fuzzy matching find nonsense.
    """
    countries = _zone_countries()
    links = _links()
    if not countries and not links:
        names = set(available_zones())
    else:
        names = {name for name in available_zones() if name not in links} | set(countries)
    return frozenset(
        name
        for name in names
        if "/" in name and not name.startswith(_NOT_PLACES) and name in available_zones()
    )


def country_of(zone: str) -> str | None:
    """The ISO country code of a zone (Europe/Berlin -> DE), following links; None if unknown."""
    countries = _zone_countries()
    return countries.get(zone) or countries.get(canonical(zone))
