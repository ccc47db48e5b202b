"""The emergency number for the safety message, where a user's zone makes the country clear.

Only numbers we are sure of are listed: a wrong number in an emergency is worse than the generic
advice the bot gives when this returns None.
"""

from __future__ import annotations

from places.tzdb import country_of

_EUROPEAN_112 = (
    # EU and EEA members, Switzerland, the microstates
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
    "IS NO LI CH AD MC SM VA "
    # Neighbours where 112 is the national emergency number
    "RU UA MD GE KZ TR"
)
EMERGENCY_NUMBERS: dict[str, str] = {country: "112" for country in _EUROPEAN_112.split()}
# Where an ambulance has its own number, it comes first: "call an ambulance" is the advice when a
# leg is weak or numb (the person may not be able to travel safely).
AMBULANCE_FIRST: dict[str, tuple[str, ...]] = {"RU": ("103", "112")}
EMERGENCY_NUMBERS.update(
    {
        "GB": "999",
        "IM": "999",
        "JE": "999",
        "GG": "999",
        "US": "911",
        "PR": "911",
        "VI": "911",
        "GU": "911",
        "AS": "911",
        "MP": "911",
        "CA": "911",
        "MX": "911",
        "AU": "000",
        "NZ": "111",
        "IN": "112",
        "JP": "119",
        "KR": "119",
    }
)


def _country_from_language(language_code: str | None) -> str | None:
    """The region of a language tag such as 'en-US' or 'pt_BR'; a bare 'en' names no country."""
    if not language_code:
        return None
    parts = language_code.replace("_", "-").split("-")
    if len(parts) < 2 or len(parts[1]) != 2 or not parts[1].isalpha():
        return None
    return parts[1].upper()


def emergency_numbers(zone: str | None, language_code: str | None) -> tuple[str, ...]:
    """The numbers to show for the country of `zone` (or a regional language tag); () if unknown."""
    country = _country(zone, language_code)
    if country is None:
        return ()
    if country in AMBULANCE_FIRST:
        return AMBULANCE_FIRST[country]
    number = EMERGENCY_NUMBERS.get(country)
    return (number,) if number else ()


def _country(zone: str | None, language_code: str | None) -> str | None:
    country = country_of(zone) if zone else None
    if country is None and (zone is None or "/" not in zone):
        country = _country_from_language(language_code)
    return country


def emergency_number(zone: str | None, language_code: str | None) -> str | None:
    """The emergency number for the country of `zone` (or of a regional language tag), or None.

    The zone decides when it names a country; a language alone ('ru', 'en') is no location, so
    only a tag with a region ('en-US') is used, and only when the zone is unknown or an offset.
    """
    country = country_of(zone) if zone else None
    if country is None and (zone is None or "/" not in zone):
        country = _country_from_language(language_code)
    return EMERGENCY_NUMBERS.get(country) if country else None
