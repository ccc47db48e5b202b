"""Buttons left in people's chats keep working across the change to one class per button: every
payload the bot wrote at fc21f40 (tests/buttons/payloads_fc21f40.py, its SHAPES) is read by the
new classes (ui/payloads.py) as the same typed fields, and nothing the old code refused is read
now. The other way too: what the classes write, the old code read the same."""

from __future__ import annotations

import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.buttons import payloads_fc21f40 as old
from ui.button import MAX_BYTES
from ui.payloads import (
    KNOWN,
    After,
    AfterOld,
    BrowseListen,
    Control,
    HoldGentle,
    ItHurts,
    ListenCheckIn,
    ListenDone,
    ListenMode,
    read,
    starts_session,
    urgent,
)

OLD_SHAPES = [(action, shape) for action, shapes in old.SHAPES.items() for shape in shapes]
# Buttons made since fc21f40 (the audio guide's): no old chat holds them, so the old code's
# reading says nothing of them; what they must not break is checked below.
SINCE = (ListenMode, ListenCheckIn, ListenDone, BrowseListen)
CLASSES = [cls for found in KNOWN.values() for cls in found if cls not in SINCE]


@st.composite
def old_payloads(draw: st.DrawFn) -> tuple[old.Action, str]:
    """A payload of one of the old shapes, each field as the old code wrote it."""
    action, shape = draw(st.sampled_from(OLD_SHAPES))
    fields = [draw(st.from_regex(re.compile(field.pattern), fullmatch=True)) for field in shape]
    data = ":".join([f"{old.VERSION}.{action.value}", *fields])
    return action, data


@settings(max_examples=400, deadline=None)
@given(old_payloads())
def test_every_old_payload_reads_as_the_same_fields(found: tuple[old.Action, str]) -> None:
    action, data = found
    assume(len(data.encode()) <= MAX_BYTES)  # the old code never wrote a longer one
    before = old.decode(data, action)
    assert before is not None
    now = read(data)
    assert now is not None, data
    assert now.fields == before, (data, now)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(CLASSES).flatmap(lambda cls: st.from_regex(cls.shape(), fullmatch=True)))
def test_every_new_payload_is_one_the_old_code_read_the_same(data: str) -> None:
    now = read(data)
    assert now is not None
    action = old.Action(data.split(":")[0].removeprefix(f"{old.VERSION}."))
    assert old.decode(data, action) == now.fields, data


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([f"{old.VERSION}.{action.value}" for action in old.Action]).flatmap(
        lambda head: st.lists(
            st.text("0123456789abcdefghijklmnopqrstuvwxyz_.~+-/ ", max_size=6), max_size=4
        ).map(lambda fields: ":".join([head, *fields]))
    )
)
def test_nothing_the_old_code_refused_is_read_now(data: str) -> None:
    action = old.Action(data.split(":")[0].removeprefix(f"{old.VERSION}."))
    if old.decode(data, action) is None:
        assert read(data) is None, data


# The hold gate's regex at fc21f40: session-starting prefixes, the controls but It hurts, Start
# on a reminder, the gentle plan on a hold.
OLD_GATE = re.compile(r"^v1\.((rc|ci|ri|ar|fl)(:|$)|rt:\d+:(?!hu$)|rn:\d+:start$|hd:gentle$)")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CLASSES).flatmap(lambda cls: st.from_regex(cls.shape(), fullmatch=True)))
def test_the_hold_gate_holds_back_what_it_held_back_before(data: str) -> None:
    # But the rating after a session: it reads the hold in its own transaction (guided/rating).
    rating = type(read(data)) in (After, AfterOld)
    assert starts_session(data) == (bool(OLD_GATE.match(data)) and not rating), data


def test_it_hurts_is_urgent_and_never_held_back() -> None:
    assert ItHurts(7).pack() == "v1.rt:7:hu" and read("v1.rt:7:zz") is None
    assert urgent(ItHurts(7).pack()) and not starts_session(ItHurts(7).pack())
    assert starts_session(Control(7, "pz").pack()) and not urgent(Control(7, "pz").pack())
    assert starts_session(HoldGentle().pack()) and not starts_session(After(3, None, 4).pack())


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SINCE).flatmap(lambda cls: st.from_regex(cls.shape(), fullmatch=True)))
def test_the_new_buttons_are_read_as_themselves_and_no_old_payload_is_theirs(data: str) -> None:
    found = read(data)
    assert found is not None and type(found) in SINCE, data
    action = data.split(":")[0].removeprefix(f"{old.VERSION}.")
    if action in {a.value for a in old.Action}:  # a shared prefix (ex): a word it never wrote
        assert old.decode(data, old.Action(action)) is None, data
    # Listen and its check-in start a session (held back on an emergency hold); Done ends one.
    assert starts_session(data) == (type(found) in (ListenMode, ListenCheckIn)), data
    assert not urgent(data)
