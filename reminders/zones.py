"""Time zones: from a location (offline), from a typed city, IANA name or UTC offset."""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-−])\s*(\d{1,2})(?::?(\d{2}))?$")
CITY_CUTOFF = 90
CITIES = {
    "москва": "Europe/Moscow",
    "санкт-петербург": "Europe/Moscow",
    "петербург": "Europe/Moscow",
    "питер": "Europe/Moscow",
    "спб": "Europe/Moscow",
    "казань": "Europe/Moscow",
    "нижний новгород": "Europe/Moscow",
    "ростов-на-дону": "Europe/Moscow",
    "краснодар": "Europe/Moscow",
    "воронеж": "Europe/Moscow",
    "калининград": "Europe/Kaliningrad",
    "самара": "Europe/Samara",
    "ижевск": "Europe/Samara",
    "саратов": "Europe/Saratov",
    "волгоград": "Europe/Volgograd",
    "уфа": "Asia/Yekaterinburg",
    "пермь": "Asia/Yekaterinburg",
    "екатеринбург": "Asia/Yekaterinburg",
    "челябинск": "Asia/Yekaterinburg",
    "тюмень": "Asia/Yekaterinburg",
    "омск": "Asia/Omsk",
    "новосибирск": "Asia/Novosibirsk",
    "томск": "Asia/Tomsk",
    "барнаул": "Asia/Barnaul",
    "красноярск": "Asia/Krasnoyarsk",
    "иркутск": "Asia/Irkutsk",
    "якутск": "Asia/Yakutsk",
    "хабаровск": "Asia/Vladivostok",
    "владивосток": "Asia/Vladivostok",
    "магадан": "Asia/Magadan",
    "петропавловск-камчатский": "Asia/Kamchatka",
    "киев": "Europe/Kyiv",
    "київ": "Europe/Kyiv",
    "kyiv": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "харьков": "Europe/Kyiv",
    "одесса": "Europe/Kyiv",
    "минск": "Europe/Minsk",
    "алматы": "Asia/Almaty",
    "астана": "Asia/Almaty",
    "ташкент": "Asia/Tashkent",
    "бишкек": "Asia/Bishkek",
    "душанбе": "Asia/Dushanbe",
    "тбилиси": "Asia/Tbilisi",
    "ереван": "Asia/Yerevan",
    "баку": "Asia/Baku",
    "кишинёв": "Europe/Chisinau",
    "кишинев": "Europe/Chisinau",
    "рига": "Europe/Riga",
    "вильнюс": "Europe/Vilnius",
    "таллин": "Europe/Tallinn",
    "берлин": "Europe/Berlin",
    "лондон": "Europe/London",
    "париж": "Europe/Paris",
    "прага": "Europe/Prague",
    "варшава": "Europe/Warsaw",
    "рим": "Europe/Rome",
    "мадрид": "Europe/Madrid",
    "стамбул": "Europe/Istanbul",
    "дубай": "Asia/Dubai",
    "тель-авив": "Asia/Jerusalem",
    "нью-йорк": "America/New_York",
    "лос-анджелес": "America/Los_Angeles",
    "new york": "America/New_York",
    "los angeles": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "washington": "America/New_York",
    "boston": "America/New_York",
    "miami": "America/New_York",
    "seattle": "America/Los_Angeles",
    "munich": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "st petersburg": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow",
    "delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "beijing": "Asia/Shanghai",
    "sydney": "Australia/Sydney",
    "melbourne": "Australia/Melbourne",
    "toronto": "America/Toronto",
    "vancouver": "America/Vancouver",
    "montreal": "America/Toronto",
}
SUGGESTIONS = {
    "ru": [
        "Europe/Moscow",
        "Europe/Kaliningrad",
        "Asia/Yekaterinburg",
        "Asia/Novosibirsk",
        "Asia/Vladivostok",
    ],
    "uk": ["Europe/Kyiv", "Europe/Warsaw", "Europe/Berlin", "Europe/London"],
    "en": [
        "Europe/London",
        "America/New_York",
        "America/Chicago",
        "America/Los_Angeles",
        "Australia/Sydney",
    ],
    "de": ["Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Europe/London"],
}
WORLD = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Moscow",
    "America/New_York",
    "Asia/Kolkata",
]


@lru_cache(maxsize=1)
def _finder() -> Any:
    from timezonefinder import TimezoneFinder  # loaded on first use, never at import

    return TimezoneFinder()


@lru_cache(maxsize=1)
def _iana() -> dict[str, str]:
    """Lower-case search keys (full names and their city part) to IANA zone names."""
    keys: dict[str, str] = {}
    for name in sorted(zoneinfo.available_timezones()):
        if "/" not in name or name.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            continue
        keys[name.lower().replace("_", " ")] = name
        city = name.rsplit("/", 1)[-1].lower().replace("_", " ")
        keys.setdefault(city, name)
    for city, zone in CITIES.items():
        keys[city] = zone
    return keys


def _offset(text: str) -> str | None:
    match = OFFSET.match(text)
    if match is None:
        return None
    sign = -1 if match.group(1) in "-−" else 1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if minutes not in (0, 15, 30, 45):
        return None
    total = sign * (hours * 60 + minutes)
    if not -12 * 60 <= total <= 14 * 60:
        return None
    return f"UTC{'+' if total >= 0 else '-'}{abs(total) // 60:02d}:{abs(total) % 60:02d}"


def resolve_zone(text: str) -> str | None:
    """A zone from an IANA name, a city (EN/RU) or a UTC offset, tolerant of case and typos."""
    if not isinstance(text, str) or not 1 <= len(text.strip()) <= 60:
        return None
    value = " ".join(text.strip().lower().replace("_", " ").split())
    if value in ("utc", "gmt", "z"):
        return "UTC"
    offset = _offset(value.replace(" ", ""))
    if offset:
        return offset
    keys = _iana()
    spaced = value.replace(" / ", "/")
    for candidate in (spaced, spaced.replace(" ", "/", 1)):
        if candidate in keys:
            return keys[candidate]
    if len(value) < 3:
        return None
    match = process.extractOne(value, list(keys), scorer=fuzz.ratio, score_cutoff=CITY_CUTOFF)
    return keys[match[0]] if match else None


def zone_from_location(latitude: float, longitude: float) -> str | None:
    """The IANA zone at a point (offline), or None (e.g. at sea)."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    name = _finder().timezone_at(lat=latitude, lng=longitude)
    if name is None or name.startswith("Etc/"):
        return None
    return str(name)


def zone_info(zone: str) -> tzinfo:
    """A tzinfo for an IANA name or a normalised 'UTC+05:30' offset."""
    if zone.startswith("UTC") and len(zone) == 9:
        sign = -1 if zone[3] == "-" else 1
        return timezone(sign * timedelta(hours=int(zone[4:6]), minutes=int(zone[7:9])), zone)
    return zoneinfo.ZoneInfo(zone)


def is_valid_zone(zone: str) -> bool:
    try:
        zone_info(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def suggest_zones(language_code: str | None) -> list[str]:
    """A short list of likely zones for a Telegram language code."""
    return list(SUGGESTIONS.get((language_code or "").split("-")[0].lower(), WORLD))


def zone_label(zone: str, language: str, now: datetime) -> str:
    """'Europe/Berlin (UTC+01:00)'."""
    offset = now.astimezone(zone_info(zone)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{zone} (UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})"


def emergency_number(zone: str | None, language_code: str | None) -> str | None:
    """The emergency number where the zone makes it clear, else None."""
    if not zone:
        return None
    if zone.startswith(
        (
            "America/New_York",
            "America/Chicago",
            "America/Denver",
            "America/Los_Angeles",
            "America/Toronto",
            "America/Vancouver",
            "America/Phoenix",
            "America/Anchorage",
            "Pacific/Honolulu",
            "America/Detroit",
            "America/Edmonton",
            "America/Winnipeg",
            "America/Halifax",
        )
    ):
        return "911"
    if zone == "Europe/London":
        return "999 / 112"
    if zone.startswith("Australia/"):
        return "000"
    if zone == "Pacific/Auckland":
        return "111"
    if zone.startswith("Europe/") or zone.startswith(
        (
            "Asia/Yekaterinburg",
            "Asia/Omsk",
            "Asia/Novosibirsk",
            "Asia/Krasnoyarsk",
            "Asia/Irkutsk",
            "Asia/Vladivostok",
        )
    ):
        return "112"
    return None
