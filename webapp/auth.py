"""Telegram's launch data (`initData`): validated as Telegram specifies, and signed for tests
and for the terminal chat's links.

The secret is HMAC-SHA256(key="WebAppData", msg=bot token); the data-check string is every
field but `hash`, sorted by key, `key=value` joined by newlines; the hash is HMAC-SHA256 of it
under the secret, compared in constant time. The user id inside is the only identity.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl, quote, urlencode

DEFAULT_MAX_AGE_SECONDS = 24 * 3600
Clock = Callable[[], float]


class AuthError(Exception):
    """Launch data that is missing, forged, stale or for another bot (the reason is for tests
    and never shown to the client)."""


def _secret(token: str) -> bytes:
    return hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()


def _check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def _hash(fields: Mapping[str, str], token: str) -> str:
    return hmac.new(_secret(token), _check_string(fields).encode(), hashlib.sha256).hexdigest()


def validate(
    init_data: str,
    token: str,
    *,
    max_age: float = DEFAULT_MAX_AGE_SECONDS,
    clock: Clock = time.time,
) -> int:
    """The Telegram user id in valid launch data; AuthError otherwise."""
    user_id, signed_at = _signed(init_data, token)
    age = clock() - signed_at
    if age > max_age or age < -300:  # five minutes of clock skew into the future
        raise AuthError("stale")
    return user_id


# A page sends the same launch data with every call: what a string was found to hold is
# remembered (only valid ones; the age is checked at every call). Saves the parsing and two
# HMACs, about a tenth of the CPU of a checkpoint post (`make bench-app-api`).
@functools.lru_cache(maxsize=4096)
def _signed(init_data: str, token: str) -> tuple[int, int]:
    """The user id and signing time in launch data whose hash is valid; AuthError otherwise."""
    if not init_data:
        raise AuthError("missing")
    pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=False)
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise AuthError("duplicated field")
    given = fields.get("hash", "")
    if not hmac.compare_digest(given.encode(), _hash(fields, token).encode()):
        raise AuthError("bad hash")
    try:
        signed_at = int(fields["auth_date"])
        user_id = json.loads(fields["user"])["id"]
    except (KeyError, ValueError, TypeError) as error:
        raise AuthError("no auth_date or user") from error
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise AuthError("user id is not a number")
    return user_id, signed_at


def sign(fields: Mapping[str, str], token: str) -> str:
    """Launch data as Telegram would send it for these fields (tests, the terminal chat)."""
    signed = dict(fields)
    signed["hash"] = _hash(signed, token)
    return urlencode(signed, quote_via=quote)


def launch_data(
    user_id: int,
    token: str,
    *,
    first_name: str = "",
    language_code: str = "",
    clock: Clock = time.time,
) -> str:
    """Signed launch data for one user now (what Telegram passes a Mini App it opens)."""
    user: dict[str, object] = {"id": user_id, "first_name": first_name or str(user_id)}
    if language_code:
        user["language_code"] = language_code
    return sign(
        {
            "auth_date": str(int(clock())),
            "query_id": f"local{user_id}",
            "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
        },
        token,
    )


def launch_fragment(init_data: str, theme: Mapping[str, str], version: str = "8.0") -> str:
    """The URL fragment Telegram appends when it opens a Mini App: `#tgWebAppData=…`."""
    return "#" + urlencode(
        {
            "tgWebAppData": init_data,
            "tgWebAppVersion": version,
            "tgWebAppPlatform": "unknown",
            "tgWebAppThemeParams": json.dumps(dict(theme), separators=(",", ":")),
        },
        quote_via=quote,
    )
