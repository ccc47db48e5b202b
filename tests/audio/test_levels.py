"""The mixer's own loudness meter agrees with pyloudnorm's; the limiter holds true peaks."""

from __future__ import annotations

import numpy as np
import pyloudnorm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import resample_poly, sosfilt

from audio.levels import (
    K_WEIGHTING_48K,
    OVERSAMPLE,
    integrated,
    k_weighted,
    less_weighted,
    limit,
    limited,
    loudness,
    oversampled_peaks,
)
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


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), level=st.floats(0.05, 0.8), threshold=st.floats(0.1, 1.0))
def test_the_peaks_near_loud_samples_are_resample_polys(
    seed: int, level: float, threshold: float
) -> None:
    samples = sound(seed, 0.5, level).astype(np.float64)
    every = np.abs(resample_poly(samples, OVERSAMPLE, 1)).reshape(-1, OVERSAMPLE).max(axis=1)
    peaks = oversampled_peaks(samples, threshold)
    loud = np.abs(samples) >= threshold
    assert np.allclose(peaks[loud], every[loud], rtol=0, atol=1e-9)
    assert np.all(peaks >= np.abs(samples) - 1e-9)  # never under the sample itself
    assert np.all(peaks <= every + 1e-9)  # never a peak the full oversampling does not see


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), ceiling=st.floats(-6.0, -1.0))
def test_k_weighting_updated_where_the_limiter_changed_is_the_whole_filtered_again(
    seed: int, ceiling: float
) -> None:
    samples = sound(seed, 4.0, 0.5)
    weighted = k_weighted(samples)
    changes = limit(samples, ceiling)
    assert changes  # this sound has peaks over every ceiling tried: the update is exercised
    for start, removed in changes:
        less_weighted(weighted, start, removed)
    exact = sosfilt(K_WEIGHTING_48K.astype(np.float64), samples.astype(np.float64))
    assert np.max(np.abs(weighted - exact)) < 1e-3  # float32's own rounding: about 2e-4 here
    assert abs(integrated(weighted) - loudness(samples)) < 0.001
