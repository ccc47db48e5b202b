"""ui/button.py: a button class packs what it reads back, refuses what it never writes, and says
clearly when it is declared wrong."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ui.button import ID, MAX_BYTES, Button, literal, one_of
from ui.payloads import KNOWN, After, Consent, Peg, read

CLASSES = [cls for found in KNOWN.values() for cls in found]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CLASSES).flatmap(lambda cls: st.from_regex(cls.shape(), fullmatch=True)))
def test_what_a_class_reads_it_writes_back_as_the_same_press(data: str) -> None:
    assume(len(data.encode()) <= MAX_BYTES)  # Telegram carries no longer callback data
    press = read(data)
    assert press is not None
    assert read(press.pack()) == press
    if not re.search(r":0[0-9]", data):  # "07" reads as 7 and is written "7"
        assert press.pack() == data


def test_a_trailing_field_left_off_when_none() -> None:
    assert Consent("yes").pack() == "v1.cs:yes"
    assert Consent("yes", "n").pack() == "v1.cs:yes:n"
    assert Peg(3, 4).pack() == "v1.pg:3:4"
    assert After(5, None, 2).pack() == "v1.ar:5:n:2"  # a None the wire must carry: "n"


@pytest.fixture
def scratch() -> Iterator[None]:
    """Classes a test defines are forgotten after it."""
    before = {prefix: list(found) for prefix, found in KNOWN.items()}
    yield
    KNOWN.clear()
    KNOWN.update(before)


def test_a_press_the_bot_would_not_read_back_is_refused(scratch: None) -> None:
    with pytest.raises(ValueError, match="does not read back"):
        Consent("maybe").pack()

    class Long(Button, prefix="zl"):
        text: Annotated[str, one_of("x" * 70)]

    with pytest.raises(ValueError, match="over 64 bytes"):
        Long("x" * 70).pack()


def test_a_class_declared_wrong_is_refused_when_defined(scratch: None) -> None:
    with pytest.raises(TypeError, match="two small letters"):

        class Bad(Button, prefix="BAD"):
            n: Annotated[int, ID]

    with pytest.raises(TypeError, match="only trailing fields"):

        class Gap(Button, prefix="zg"):
            first: Annotated[str | None, literal("a")] = None
            second: Annotated[int, ID]  # type: ignore[misc]
