"""Zones from typed names, cities (English and Russian), offsets and locations; labels,
suggestions and emergency numbers."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from places.cities import CITY_ZONES, SUGGESTIONS, WORLD_SUGGESTIONS
from places.tzdb import place_zones
from places.zones import (
    emergency_number,
    is_valid_zone,
    resolve_zone,
    suggest_zones,
    zone_from_location,
    zone_info,
    zone_label,
)

WINTER = datetime(2026, 1, 15, 12, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        # IANA names, tolerantly
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("Europe Berlin", "Europe/Berlin"),
        ("America/New York", "America/New_York"),
        ("america / new_york", "America/New_York"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("Europe/Kiev", "Europe/Kyiv"),  # an old link name, stored as the current one
        ("US/Eastern", "America/New_York"),
        ("Etc/GMT+3", "UTC-03:00"),  # POSIX sign: three hours behind
        # English city names from the zone names
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("sao paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("Zürich", "Europe/Zurich"),
        ("Lord Howe", "Australia/Lord_Howe"),
        ("kathmandu", "Asia/Kathmandu"),
        ("Stockholm", "Europe/Stockholm"),
        ("Berlin, Germany", "Europe/Berlin"),
        ("St. Petersburg", "Europe/Moscow"),
        ("Munich", "Europe/Berlin"),
        # Russian and CIS names
        ("Москва", "Europe/Moscow"),
        ("москва", "Europe/Moscow"),
        ("Санкт-Петербург", "Europe/Moscow"),
        ("Санкт Петербург", "Europe/Moscow"),
        ("Питер", "Europe/Moscow"),
        ("Екатеринбург", "Asia/Yekaterinburg"),
        ("Новосибирск", "Asia/Novosibirsk"),
        ("Владивосток", "Asia/Vladivostok"),
        ("Калининград", "Europe/Kaliningrad"),
        ("Самара", "Europe/Samara"),
        ("Казань", "Europe/Moscow"),
        ("Киев", "Europe/Kyiv"),
        ("Київ", "Europe/Kyiv"),
        ("Минск", "Europe/Minsk"),
        ("Алматы", "Asia/Almaty"),
        ("Ташкент", "Asia/Tashkent"),
        ("Тбилиси", "Asia/Tbilisi"),
        ("Ереван", "Asia/Yerevan"),
        ("Баку", "Asia/Baku"),
        ("Кишинев", "Europe/Chisinau"),  # ё typed as е
        ("Берлин", "Europe/Berlin"),
        ("Лондон", "Europe/London"),
        ("Нью-Йорк", "America/New_York"),
        ("нью йорк", "America/New_York"),
        # small typos
        ("Berlinn", "Europe/Berlin"),
        ("Pariss", "Europe/Paris"),
        ("new yrok", "America/New_York"),
        ("Моссква", "Europe/Moscow"),
        ("Масква", "Europe/Moscow"),
        ("Лондан", "Europe/London"),
        ("Екатеринбур", "Asia/Yekaterinburg"),
        ("Novosibrisk", "Asia/Novosibirsk"),
        # offsets
        ("UTC+3", "UTC+03:00"),
        ("+3", "UTC+03:00"),
        ("utc +3", "UTC+03:00"),
        ("GMT-4", "UTC-04:00"),
        ("UTC−4", "UTC-04:00"),  # a typographic minus
        ("UTC+05:30", "UTC+05:30"),
        ("+0545", "UTC+05:45"),
        ("+545", "UTC+05:45"),
        ("UTC+14", "UTC+14:00"),
        ("UTC-12:00", "UTC-12:00"),
        ("МСК+4", "UTC+07:00"),
        ("utc", "UTC"),
        ("GMT", "UTC"),
        ("UTC+0", "UTC"),
    ],
)
def test_zones_typed(text: str, zone: str) -> None:
    assert resolve_zone(text) == zone


@pytest.mark.parametrize(
    "text",
    [
        "asdfgh",
        "Atlantis",
        "Europe",
        "hello world",
        "qwerty",
        "Toky",  # too short to guess
        "UTC+15",
        "UTC-13",
        "UTC+14:30",
        "UTC+3:20",
        "UTC+3:75",
        "+",
        "🙂",
        "x",
        "",
        "   ",
        "Berlin" * 20,
    ],
)
def test_unknown_zones(text: str) -> None:
    assert resolve_zone(text) is None


def test_every_place_zone_and_suggestion_resolves_to_itself() -> None:
    # Zone buttons carry these names and are read back with resolve_zone.
    names = set(place_zones()) | {zone for zones in SUGGESTIONS.values() for zone in zones}
    names |= set(WORLD_SUGGESTIONS)
    assert len(names) > 300
    assert {name for name in names if resolve_zone(name) != name} == set()


def test_city_table_points_at_real_zones() -> None:
    assert {zone for zone in CITY_ZONES.values() if not is_valid_zone(zone)} == set()


@settings(max_examples=200)
@given(st.text(max_size=80))
def test_random_text_never_raises_and_gives_a_valid_zone(text: str) -> None:
    zone = resolve_zone(text)
    assert zone is None or is_valid_zone(zone)


@given(st.integers(-12 * 4, 14 * 4))
def test_typed_offsets_are_normalised(quarters: int) -> None:
    offset = timedelta(minutes=15 * quarters)
    hours, minutes = divmod(abs(quarters) * 15, 60)
    sign = "-" if quarters < 0 else "+"
    zone = resolve_zone(f"UTC{sign}{hours}:{minutes:02d}")
    assert zone == ("UTC" if not quarters else f"UTC{sign}{hours:02d}:{minutes:02d}")
    assert resolve_zone(f"{sign}{hours:02d}{minutes:02d}") == zone
    assert WINTER.astimezone(zone_info(zone)).utcoffset() == offset


def test_zone_info_and_validity() -> None:
    assert zone_info("Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert WINTER.astimezone(zone_info("UTC+05:30")).utcoffset() == timedelta(hours=5, minutes=30)
    assert WINTER.astimezone(zone_info("UTC-04:00")).utcoffset() == timedelta(hours=-4)
    assert WINTER.astimezone(zone_info("UTC")).utcoffset() == timedelta(0)
    for good in ("Europe/Berlin", "UTC", "UTC+05:45", "UTC-12:00", "UTC+14:00", "Europe/Kiev"):
        assert is_valid_zone(good), good
    for bad in (
        "",
        "Europe",
        "europe/berlin",
        "Mars/Base",
        "UTC+15:00",
        "UTC+05:20",
        "UTC+5",
        "../etc/passwd",
        "/etc/localtime",
        "Europe/\0",
        "tzdata.zi",
        None,
        3,
    ):
        assert not is_valid_zone(bad), bad  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        zone_info("Europe")  # a folder of the tz database, not a zone


@settings(max_examples=40, deadline=None)
@given(st.floats(-90, 90), st.floats(-180, 180))
def test_zone_from_location_gives_a_valid_zone_or_none(lat: float, lon: float) -> None:
    zone = zone_from_location(lat, lon)
    assert zone is None or (is_valid_zone(zone) and "/" in zone)


@pytest.mark.parametrize(
    ("lat", "lon", "zone"),
    [
        (52.52, 13.405, "Europe/Berlin"),
        (40.71, -74.0, "America/New_York"),
        (55.75, 37.62, "Europe/Moscow"),
        (56.84, 60.6, "Asia/Yekaterinburg"),
        (27.7, 85.3, "Asia/Kathmandu"),
        (-44.0, -176.5, "Pacific/Chatham"),
        (-31.55, 159.08, "Australia/Lord_Howe"),
        (-23.55, -46.63, "America/Sao_Paulo"),
        (0.0, -30.0, None),  # the middle of the Atlantic
        (95.0, 0.0, None),
        (0.0, 200.0, None),
        (float("nan"), 0.0, None),
    ],
)
def test_zone_from_location(lat: float, lon: float, zone: str | None) -> None:
    assert zone_from_location(lat, lon) == zone


def test_timezonefinder_is_not_loaded_at_import() -> None:
    code = "import sys, places.zones, reminders.schedule; print('timezonefinder' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("code", "first", "includes"),
    [
        ("ru", "Europe/Moscow", "Asia/Vladivostok"),
        ("en", "Europe/London", "America/Los_Angeles"),
        ("en-US", "Europe/London", "America/New_York"),
        ("de", "Europe/Berlin", "Europe/Vienna"),
        ("pt-br", "America/Sao_Paulo", "Europe/Lisbon"),
        ("uk", "Europe/Kyiv", "Europe/Warsaw"),
        ("xx", "UTC", "Europe/London"),
        (None, "UTC", "America/New_York"),
        ("", "UTC", "Asia/Kolkata"),
    ],
)
def test_suggest_zones(code: str | None, first: str, includes: str) -> None:
    zones = suggest_zones(code)
    assert zones[0] == first
    assert includes in zones
    assert 4 <= len(zones) <= 6
    assert all(is_valid_zone(zone) for zone in zones)


def test_every_suggestion_list_is_short_and_valid() -> None:
    for zones in [*SUGGESTIONS.values(), WORLD_SUGGESTIONS]:
        assert 4 <= len(zones) <= 6
        assert len(set(zones)) == len(zones)
        assert all(is_valid_zone(zone) for zone in zones)


@pytest.mark.parametrize(
    ("zone", "now", "label"),
    [
        ("Europe/Berlin", WINTER, "Europe/Berlin (UTC+01:00)"),
        ("Europe/Berlin", SUMMER, "Europe/Berlin (UTC+02:00)"),
        ("America/New_York", WINTER, "America/New York (UTC-05:00)"),
        ("Asia/Kathmandu", WINTER, "Asia/Kathmandu (UTC+05:45)"),
        ("America/St_Johns", WINTER, "America/St Johns (UTC-03:30)"),
        ("Pacific/Chatham", WINTER, "Pacific/Chatham (UTC+13:45)"),
        ("UTC+05:30", WINTER, "UTC+05:30"),
        ("UTC", SUMMER, "UTC"),
    ],
)
def test_zone_label(zone: str, now: datetime, label: str) -> None:
    assert zone_label(zone, "en", now) == label
    assert zone_label(zone, "ru", now) == label


def test_zone_label_rejects_naive_now_and_unknown_zones() -> None:
    with pytest.raises(ValueError):
        zone_label("Europe/Berlin", "en", datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        zone_label("Nowhere/Land", "en", WINTER)


@pytest.mark.parametrize(
    ("zone", "language", "number"),
    [
        ("Europe/Berlin", "de", "112"),
        ("Europe/Moscow", "ru", "112"),
        ("Asia/Vladivostok", "ru", "112"),
        ("Europe/Kaliningrad", "ru", "112"),
        ("Europe/Kyiv", "uk", "112"),
        ("Europe/Kiev", "ru", "112"),  # an old name, followed to its country
        ("Europe/Stockholm", "sv", "112"),
        ("Europe/Zurich", "de", "112"),
        ("America/Chicago", "en", "911"),
        ("America/Toronto", "fr", "911"),
        ("US/Pacific", "en", "911"),
        ("Australia/Lord_Howe", "en", "000"),
        ("Australia/Perth", "en", "000"),
        ("Pacific/Auckland", "en", "111"),
        ("Pacific/Chatham", "en", "111"),
        ("Europe/London", "en", "999"),
        ("Asia/Kathmandu", "en", None),
        ("America/Sao_Paulo", "pt", None),
        ("Asia/Almaty", "ru", "112"),
        ("Asia/Tashkent", "ru", None),
        ("UTC+03:00", "ru", None),  # an offset names no country, nor does 'ru'
        ("UTC", "en-US", "911"),  # but a language tag with a region does
        (None, "en-GB", "999"),
        (None, "en", None),
        (None, None, None),
        ("Europe/Berlin", "en-US", "112"),  # the zone wins over the language
    ],
)
def test_emergency_number(zone: str | None, language: str | None, number: str | None) -> None:
    assert emergency_number(zone, language) == number
