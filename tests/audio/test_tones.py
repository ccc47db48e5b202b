"""The tones, measured: fundamentals above 250 Hz, gliding the right way, gentle edges."""

from __future__ import annotations

import numpy as np

from audio import tones
from audio.clips import RATE
from tests.audio.measure import dominant_hz


def share_below(samples: np.ndarray, hz: float) -> float:
    """The share of a sound's energy below a frequency."""
    power = np.abs(np.fft.rfft(samples)) ** 2
    frequencies = np.fft.rfftfreq(len(samples), 1 / RATE)
    return float(power[frequencies < hz].sum() / power.sum())


def test_every_tone_is_above_250_hz() -> None:
    for sound in (tones.glide(4.0, True), tones.glide(6.0, False), tones.chime(), tones.tick()):
        assert share_below(sound, 250.0) < 0.001


def test_the_in_breath_glides_up_and_the_out_breath_down() -> None:
    quarter = RATE // 4
    rising, falling = tones.glide(4.0, True), tones.glide(6.0, False)
    assert dominant_hz(rising[quarter : 2 * quarter], RATE) < 350
    assert dominant_hz(rising[-2 * quarter : -quarter], RATE) > 420
    assert dominant_hz(falling[quarter : 2 * quarter], RATE) > 420
    assert dominant_hz(falling[-2 * quarter : -quarter], RATE) < 350


def test_tones_start_and_end_softly() -> None:
    """No click: the first and last millisecond are near silence, and a glide takes a third of
    a second to swell."""
    millisecond = RATE // 1000
    for sound in (tones.glide(4.0, True), tones.chime(), tones.tick()):
        peak = np.max(np.abs(sound))
        assert np.max(np.abs(sound[:millisecond])) < 0.2 * peak
        assert np.max(np.abs(sound[-millisecond:])) < 0.05 * peak
    glide = tones.glide(4.0, True)
    assert np.max(np.abs(glide[: RATE // 10])) < 0.2 * np.max(np.abs(glide))


def test_tones_have_a_harmonic_or_two_and_nothing_harsh() -> None:
    """The strongest partial is the fundamental; above 3 kHz there is almost nothing."""
    for sound, fundamental in ((tones.chime(), tones.CHIME_HZ), (tones.tick(), tones.TICK_HZ)):
        assert abs(dominant_hz(sound, RATE) - fundamental) < 15
        harsh = 1 - share_below(sound, 3000.0)
        assert harsh < 0.01
        assert share_below(sound, fundamental * 1.2) < 0.99  # a harmonic carries 1% or more
