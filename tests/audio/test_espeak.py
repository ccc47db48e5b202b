"""A '+' stress mark in eSpeak's terms: the stress moved in eSpeak's own phonemes."""

from __future__ import annotations

import pytest

from audio.espeak import restressed


def test_a_word_espeak_stresses_right_is_left_to_it() -> None:
    assert restressed("В+ыдох", "v'ydVx") is None
    assert restressed("останов+итесь", "VstanVv;'it;is;") is None


def test_a_word_espeak_stresses_wrong_gets_the_marked_stress() -> None:
    # "коврику" stressed on its first syllable (eSpeak says the second)
    assert restressed("к+оврику", "kVv@-r;'iku") == "k'ov@-r;Iku"
    # "на полу́" (eSpeak says "по́лу")
    assert restressed("пол+у", "p'olu") == "pVl'u"
    assert restressed("останов+итесь", "Vstan'ov;it;is;") == "VstanVv;'it;is;"


def test_a_spelling_that_does_not_line_up_is_an_error() -> None:
    with pytest.raises(ValueError, match="cannot line up"):
        restressed("пол+у", "p'olVu")
