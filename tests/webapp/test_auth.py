"""Telegram's launch data: the published vector, altered copies, and any change to any field."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.auth import AuthError, launch_data, launch_fragment, sign, validate

TOKEN = "42:TEST"
VECTOR = (
    "auth_date=1650385342&user=%7B%22id%22%3A42%2C%22first_name%22%3A%22Test%22%7D"
    "&query_id=test&hash=46d2ea5e32911ec8d30999b56247654460c0d20949b6277af519e76271182803"
)
SIGNED_AT = 1650385342


def near(seconds: float = 60) -> float:
    return SIGNED_AT + seconds


def fields() -> dict[str, str]:
    return dict(parse_qsl(VECTOR))


def encode(values: dict[str, str] | list[tuple[str, str]]) -> str:
    return urlencode(values, quote_via=quote)


def test_the_published_vector_is_valid() -> None:
    assert validate(VECTOR, TOKEN, clock=near) == 42


@pytest.mark.parametrize("field", ["auth_date", "user", "query_id"])
def test_a_changed_field_is_refused(field: str) -> None:
    changed = fields()
    changed[field] = {
        "auth_date": str(SIGNED_AT + 1),
        "user": '{"id":43,"first_name":"Test"}',
        "query_id": "other",
    }[field]
    with pytest.raises(AuthError):
        validate(encode(changed), TOKEN, clock=near)


def test_a_changed_hash_is_refused() -> None:
    changed = fields()
    changed["hash"] = changed["hash"][:-1] + ("0" if changed["hash"][-1] != "0" else "1")
    with pytest.raises(AuthError):
        validate(encode(changed), TOKEN, clock=near)


def test_another_bots_token_is_refused() -> None:
    with pytest.raises(AuthError):
        validate(VECTOR, "43:TEST", clock=near)


def test_stale_data_is_refused_and_the_age_is_a_setting() -> None:
    day = 24 * 3600
    assert validate(VECTOR, TOKEN, clock=lambda: near(day - 1)) == 42
    with pytest.raises(AuthError):
        validate(VECTOR, TOKEN, clock=lambda: near(day + 1))
    with pytest.raises(AuthError):
        validate(VECTOR, TOKEN, clock=lambda: near(120), max_age=60)


@pytest.mark.parametrize("data", ["", "hash=", "user=x", "auth_date=1650385342"])
def test_missing_data_is_refused(data: str) -> None:
    with pytest.raises(AuthError):
        validate(data, TOKEN, clock=near)


def test_a_field_without_its_hash_or_with_a_field_removed_is_refused() -> None:
    for dropped in ("hash", "query_id", "user", "auth_date"):
        kept = {key: value for key, value in fields().items() if key != dropped}
        with pytest.raises(AuthError):
            validate(encode(kept), TOKEN, clock=near)


def test_duplicated_keys_are_refused() -> None:
    pairs = list(parse_qsl(VECTOR))
    for key in ("user", "query_id", "hash"):
        twice = [*pairs, (key, dict(pairs)[key])]
        with pytest.raises(AuthError):
            validate(encode(twice), TOKEN, clock=near)
    other_user = [("user", '{"id":1,"first_name":"Eve"}'), *pairs]
    with pytest.raises(AuthError):
        validate(encode(other_user), TOKEN, clock=near)


def test_a_non_numeric_user_id_is_refused_even_when_signed() -> None:
    data = sign({"auth_date": str(SIGNED_AT), "user": '{"id":"42"}'}, TOKEN)
    with pytest.raises(AuthError):
        validate(data, TOKEN, clock=near)


def test_the_signer_matches_telegrams_hash() -> None:
    assert dict(parse_qsl(sign(fields(), TOKEN)))["hash"] == fields()["hash"]
    data = launch_data(7, TOKEN, language_code="ru", clock=near)
    assert validate(data, TOKEN, clock=near) == 7


def test_the_fragment_carries_the_data_as_telegram_passes_it() -> None:
    data = launch_data(7, TOKEN, clock=near)
    fragment = launch_fragment(data, {"bg_color": "#000000"})
    assert fragment.startswith("#tgWebAppData=")
    parsed = dict(parse_qsl(fragment[1:]))
    assert parsed["tgWebAppData"] == data
    assert parsed["tgWebAppVersion"]
    assert '"bg_color"' in parsed["tgWebAppThemeParams"]


field_names = st.sampled_from(["auth_date", "user", "query_id"])
values = st.text(min_size=0, max_size=40)


@given(field=field_names, value=values)
def test_any_change_to_any_field_invalidates(field: str, value: str) -> None:
    changed = fields()
    if changed[field] == value:
        return
    changed[field] = value
    with pytest.raises(AuthError):
        validate(encode(changed), TOKEN, clock=near)


@given(name=st.from_regex(r"[a-z_]{1,12}", fullmatch=True), value=values)
def test_any_added_field_invalidates(name: str, value: str) -> None:
    added = [*parse_qsl(VECTOR), (name, value)]
    with pytest.raises(AuthError):
        validate(encode(added), TOKEN, clock=near)
