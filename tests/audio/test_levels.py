"""The mixer's own loudness meter agrees with pyloudnorm's; the limiter holds true peaks."""

from __future__ import annotations

import numpy as np
import pyloudnorm
from hypothesis import given, settings
from hypothesis import strategies as st

from audio.levels import limited, loudness
from tests.audio.measure import true_peak_db


def sound(seed: int, seconds: float, level: float) -> np.ndarray:
    """Noise bursts and tones with silences between, like a guide's track."""
    rng = np.random.default_rng(seed)
    count = int(seconds * 48_000)
    time = np.arange(count) / 48_000
    bursts = (rng.random(count // 4800) < 0.4).repeat(4800)[:count]
    noise = rng.normal(0, level, count) * np.pad(bursts, (0, count - len(bursts)))
    return (noise + 0.1 * level * np.sin(2 * np.pi * 440 * time)).astype(np.float32)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), level=st.floats(0.01, 0.5))
def test_loudness_is_pyloudnorms(seed: int, level: float) -> None:
    samples = sound(seed, 8.0, level)
    expected = pyloudnorm.Meter(48_000).integrated_loudness(samples.astype(np.float64))
    assert abs(loudness(samples) - expected) < 0.1


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), ceiling=st.floats(-6.0, -1.0))
def test_the_limiter_holds_the_true_peak(seed: int, ceiling: float) -> None:
    samples = sound(seed, 4.0, 0.5)
    out = limited(samples, ceiling)
    assert true_peak_db(out) <= ceiling + 0.05
    quiet = np.abs(samples) < 0.05  # far from any peak the sound is left alone
    near_peak = np.convolve(np.abs(samples) > 10 ** (ceiling / 20) / 2, np.ones(2000), "same") > 0
    untouched = quiet & ~near_peak
    assert np.allclose(out[untouched], samples[untouched])
