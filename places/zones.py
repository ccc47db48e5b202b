"""Time zones: from a shared location (offline), or from a typed city, IANA name or UTC offset.

A zone is stored as a string: an IANA name ("Europe/Berlin"), "UTC", or a normalised fixed offset
("UTC+05:30"). `zone_info` turns any of them into a tzinfo.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import zoneinfo
from datetime import datetime, timedelta, timezone, tzinfo
from functools import cache, lru_cache
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from places.cities import CITY_ZONES, SUGGESTIONS, WORLD_SUGGESTIONS
from places.emergency import emergency_number
from places.tzdb import available_zones, canonical, place_zones

__all__ = [
    "emergency_number",
    "format_offset",
    "is_valid_zone",
    "resolve_zone",
    "suggest_zones",
    "zone_from_location",
    "zone_info",
    "zone_label",
]

MAX_INPUT = 60
MIN_OFFSET = timedelta(hours=-12)
MAX_OFFSET = timedelta(hours=14)
# What people type: "UTC+3", "gmt-4", "+0545", "UTC+05:30", "МСК+2" (Russians count from Moscow).
_TYPED_OFFSET = re.compile(
    r"^(?P<base>utc|gmt|msk|мск)?(?P<sign>[+\-−])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$"
)
_STORED_OFFSET = re.compile(r"^UTC(?P<sign>[+-])(?P<hours>\d{2}):(?P<minutes>\d{2})$")
_ETC_OFFSET = re.compile(r"^Etc/GMT(?P<sign>[+-])(?P<hours>\d{1,2})$")
_UTC_NAMES = frozenset({"utc", "gmt", "z", "zulu", "utc+0", "gmt+0", "utc-0", "gmt-0", "utc0"})
_UTC_ZONES = frozenset({"Etc/UTC", "Etc/GMT", "Etc/UCT", "Etc/Universal", "Etc/Zulu"})
_SEPARATORS = re.compile(r"[\s_/\-–—.'’()]+")

_finder_lock = threading.Lock()
_finder_instance: Any = None


def format_offset(offset: timedelta) -> str:
    """'UTC+05:30' for a UTC offset (whole minutes)."""
    minutes = round(offset.total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _fixed_zone(offset: timedelta) -> str | None:
    """The stored name of a fixed offset, or None outside -12:00..+14:00 or off the quarter hour."""
    if not MIN_OFFSET <= offset <= MAX_OFFSET or offset % timedelta(minutes=15):
        return None
    return "UTC" if not offset else format_offset(offset)


def _signed(sign: str, hours: str, minutes: str | None) -> timedelta:
    size = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return -size if sign in "-−" else size


@lru_cache(maxsize=1024)
def zone_info(zone: str) -> tzinfo:
    """A tzinfo for an IANA name, 'UTC' or a 'UTC+05:30' offset; ValueError for anything else."""
    fixed = _STORED_OFFSET.match(zone)
    if fixed:
        offset = _signed(fixed["sign"], fixed["hours"], fixed["minutes"])
        if int(fixed["minutes"]) > 59 or _fixed_zone(offset) is None:
            raise ValueError(f"not a UTC offset we support: {zone!r}")
        return timezone(offset, zone)
    # Checked against the list first: ZoneInfo() itself can raise OSError for "Europe" etc.
    if zone not in available_zones():
        raise ValueError(f"unknown time zone: {zone!r}")
    return zoneinfo.ZoneInfo(zone)


def is_valid_zone(zone: str) -> bool:
    """Whether `zone_info` accepts this string."""
    if not isinstance(zone, str):
        return False
    try:
        zone_info(zone)
    except ValueError:
        return False
    return True


def _key(text: str) -> str:
    """A lookup key: case, 'ё', separators and underscores do not matter."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return " ".join(_SEPARATORS.sub(" ", folded).split())


@cache
def _place_index() -> dict[str, str]:
    """Lookup key -> zone: full IANA names, their city part, then the extra city table."""
    index: dict[str, str] = {}
    for name in sorted(place_zones()):
        index[_key(name)] = name
    for name in sorted(place_zones()):
        index.setdefault(_key(name.rsplit("/", 1)[-1]), name)
    for city, zone in CITY_ZONES.items():
        index[_key(city)] = zone
    return index


@cache
def _names_by_folded_case() -> dict[str, str]:
    return {name.casefold(): name for name in available_zones()}


def _from_offset(text: str) -> str | None:
    match = _TYPED_OFFSET.match(text)
    if match is None:
        return None
    offset = _signed(match["sign"], match["hours"], match["minutes"])
    if match["minutes"] and int(match["minutes"]) > 59:
        return None
    if match["base"] in ("msk", "мск"):
        offset += timedelta(hours=3)
    return _fixed_zone(offset)


def _from_iana_name(name: str) -> str:
    """A loadable name as we store it: place names as they are, links and Etc/ names resolved."""
    if name in place_zones():
        return name
    target = canonical(name)
    if target in _UTC_ZONES or name in ("UTC", "GMT"):
        return "UTC"
    etc = _ETC_OFFSET.match(target)
    if etc:  # Etc/GMT+3 is three hours *behind* UTC (POSIX signs)
        fixed = _fixed_zone(-_signed(etc["sign"], etc["hours"], None))
        return fixed or target
    return target if target in available_zones() else name


def _fuzzy(key: str) -> str | None:
    """The one zone whose key is within a typo or two of `key`; None when none or several are."""
    if len(key) < 5:  # short words are too close to too many others
        return None
    budget = 1 if len(key) <= 8 else 2
    index = _place_index()
    found = process.extract(key, list(index), scorer=OSA.distance, score_cutoff=budget, limit=None)
    if not found:
        return None
    best = min(distance for _, distance, _ in found)
    zones = {index[choice] for choice, distance, _ in found if distance == best}
    return zones.pop() if len(zones) == 1 else None


def resolve_zone(text: str) -> str | None:
    """A zone from an IANA name, a city (English or Russian), or a UTC offset; None if unsure.

    Tolerates case, spaces for '/' or '_', small typos, and a trailing country ('Berlin, Germany').
    """
    if not isinstance(text, str):
        return None
    text = unicodedata.normalize("NFKC", text).strip()
    if not 1 <= len(text) <= MAX_INPUT:
        return None
    compact = "".join(text.casefold().split())
    if compact in _UTC_NAMES:
        return "UTC"
    offset = _from_offset(compact)
    if offset:
        return offset
    exact = _names_by_folded_case().get(text.casefold())
    if exact:
        return _from_iana_name(exact)
    index = _place_index()
    candidates = [_key(text)]
    if "," in text:
        candidates.append(_key(text.split(",", 1)[0]))
    for key in candidates:
        if key in index:
            return index[key]
    for key in candidates:
        zone = _fuzzy(key)
        if zone:
            return zone
    return None


def _finder() -> Any:
    """The one TimezoneFinder, built on first use (it maps its data files; never at import)."""
    global _finder_instance
    with _finder_lock:
        if _finder_instance is None:
            from timezonefinder import TimezoneFinder

            _finder_instance = TimezoneFinder()
        return _finder_instance


def zone_from_location(lat: float, lon: float) -> str | None:
    """The IANA zone at a point, offline; None at sea (only nautical Etc/ zones) or if invalid."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also false for NaN
        return None
    name = _finder().timezone_at(lat=lat, lng=lon)
    if not isinstance(name, str) or name.startswith("Etc/"):
        return None
    zone = _from_iana_name(name) if name in available_zones() else None
    return zone if zone and "/" in zone else None


def suggest_zones(language_code: str | None) -> list[str]:
    """A few likely zones for a Telegram language code ('ru', 'en', 'pt-br'), else a world list."""
    code = (language_code or "").casefold().replace("_", "-")
    found = SUGGESTIONS.get(code) or SUGGESTIONS.get(code.split("-")[0]) or WORLD_SUGGESTIONS
    return list(found)


def zone_label(zone: str, lang: str, now: datetime) -> str:
    """'Europe/Berlin (UTC+01:00)' at `now`; offsets and 'UTC' label themselves.

    The same in every language: zone names are not translated, and the offset is universal.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if "/" not in zone:
        zone_info(zone)  # still refuse what is not a zone
        return zone
    offset = now.astimezone(zone_info(zone)).utcoffset() or timedelta(0)
    return f"{zone.replace('_', ' ')} ({format_offset(offset)})"
