"""Peak levels: the true (oversampled) peak, and a limiter that holds it under a ceiling."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import firwin, resample_poly, sosfilt

OVERSAMPLE = 4  # true peak: the peak between samples too (BS.1770 Annex 2 oversamples 4x)
LIMITER_SECONDS = 0.005  # the limiter's window: short enough to be inaudible on a peak
LIMITER_BLOCK = 1024  # samples: the limiter looks closer only at blocks near the ceiling
# resample_poly's own interpolation filter for OVERSAMPLE (its default design, its gain), and the
# same filter as one column per phase: the point `phase` quarters after sample n is
# sum_k PHASES[k, phase] * x[n + REACH - k]. The limiter works out only the points it needs.
OVERSAMPLE_FIR = firwin(20 * OVERSAMPLE + 1, 1 / OVERSAMPLE, window=("kaiser", 5.0)) * OVERSAMPLE
REACH = 10  # samples either side that one interpolated point depends on
PHASES = np.stack(
    [np.pad(OVERSAMPLE_FIR[phase::OVERSAMPLE], (0, phase > 0)) for phase in range(OVERSAMPLE)],
    axis=1,
)
NEAR = 3  # samples either side of a loud sample whose in-between points are worked out
INTERSAMPLE_DB = 3.0  # between samples a band-limited peak rises at most this much higher
# ITU-R BS.1770-4's K-weighting at 48 kHz (its table 1 and 2): a high shelf, then a high-pass.
K_WEIGHTING_48K = np.array(
    [
        [
            1.53512485958697,
            -2.69169618940638,
            1.19839281085285,
            1.0,
            -1.69065929318241,
            0.73248077421585,
        ],
        [1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621],
    ],
    dtype=np.float32,
)
# Samples after a change until the K-weighting's response to it has died away: its slowest pole
# (radius 0.995) falls under 1e-10 of its start within 4800 samples (100 ms).
K_WEIGHTING_TAIL = 4800


def k_weighted(samples: np.ndarray) -> np.ndarray:
    """48 kHz mono through BS.1770-4's K-weighting (float32)."""
    weighted = sosfilt(K_WEIGHTING_48K, samples.astype(np.float32, copy=False))
    return weighted.astype(np.float32, copy=False)


def integrated(weighted: np.ndarray) -> float:
    """Integrated loudness (LUFS) of K-weighted samples, as BS.1770-4 gates it: 400 ms blocks
    every 100 ms, gated at -70 LUFS and 10 LU under their mean."""
    step = 4800  # 100 ms
    count = len(weighted) // step
    tenths = np.square(weighted[: count * step]).reshape(count, step).mean(axis=1, dtype=np.float64)
    blocks = np.convolve(tenths, np.full(4, 0.25), mode="valid")
    levels = -0.691 + 10 * np.log10(blocks + 1e-20)
    kept = blocks[levels > -70.0]
    if len(kept) == 0:
        return float("-inf")
    relative = -0.691 + 10 * np.log10(kept.mean()) - 10.0
    kept = kept[-0.691 + 10 * np.log10(kept) > relative]
    return float(-0.691 + 10 * np.log10(kept.mean()))


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness (LUFS) of 48 kHz mono: the same figure as pyloudnorm's
    (tests/audio/test_levels.py), in a third of its time."""
    return integrated(k_weighted(samples))


def less_weighted(weighted: np.ndarray, start: int, removed: np.ndarray) -> None:
    """Update K-weighted samples in place for `removed` taken off the signal from `start`: the
    filter is linear, so only the removed part and its decaying tail are filtered again, not the
    whole track."""
    end = min(start + len(removed) + K_WEIGHTING_TAIL, len(weighted))
    part = np.zeros(end - start, dtype=np.float32)
    part[: len(removed)] = removed[: len(part)]
    weighted[start:end] -= sosfilt(K_WEIGHTING_48K, part).astype(np.float32, copy=False)


def true_peak_db(samples: np.ndarray) -> float:
    """The oversampled (true) peak in dBTP."""
    if len(samples) == 0:
        return -120.0
    over = resample_poly(samples.astype(np.float64), OVERSAMPLE, 1)
    return 20 * float(np.log10(np.max(np.abs(over)) + 1e-12))


def _block_peaks(samples: np.ndarray, block: int) -> np.ndarray:
    """Each block's sample peak, read in place (no copy of a whole track)."""
    count = len(samples) // block
    whole = samples[: count * block].reshape(count, block)
    peaks = np.maximum(whole.max(axis=1, initial=0.0), -whole.min(axis=1, initial=0.0))
    if len(samples) > count * block:
        peaks = np.append(peaks, np.abs(samples[count * block :]).max())
    return peaks


def _loud_regions(samples: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """Spans (start, end) of blocks whose sample peak reaches `threshold`, a block either side
    included: only there can the true peak pass the ceiling."""
    block = LIMITER_BLOCK
    loud = _block_peaks(samples, block) >= threshold
    loud[1:] |= loud[:-1].copy()
    loud[:-1] |= loud[1:].copy()
    edges = np.flatnonzero(np.diff(np.concatenate(([0], loud.astype(np.int8), [0]))))
    return [
        (a * block, min(b * block, len(samples)))
        for a, b in zip(edges[::2], edges[1::2], strict=True)
    ]


def oversampled_peaks(part: np.ndarray, threshold: float) -> np.ndarray:
    """Each sample's peak with the points after it up to the next sample (OVERSAMPLE x, as
    resample_poly interpolates `part`), worked out near samples at `threshold` or above; anywhere
    else the sample's own level, as its in-between points stay under threshold + INTERSAMPLE_DB.
    A whole-routine track has about 1.6 M samples in loud spans and a few per cent of them near
    a loud sample: this is a tenth of oversampling every span."""
    peaks = np.abs(part)
    loud = np.convolve(peaks >= threshold, np.ones(2 * NEAR + 1), mode="same") > 0
    near = np.flatnonzero(loud)
    if len(near) == 0:
        return peaks
    padded = np.pad(part, REACH)  # zeros past the ends, as resample_poly's own edges
    taps = padded[near[:, None] + (2 * REACH - np.arange(len(PHASES)))[None, :]]
    peaks[near] = np.abs(taps @ PHASES).max(axis=1)
    return peaks


def limit(
    samples: np.ndarray, ceiling_db: float, rate: int = 48_000, seconds: float = LIMITER_SECONDS
) -> list[tuple[int, np.ndarray]]:
    """Gain riding under the ceiling, in place, where peaks come near it: each oversampled
    peak's needed reduction held over a short window and smoothed (a window's mean of minima
    never exceeds a peak's own need), so nothing passes and nothing clicks. Returns what was
    taken off, as (start, removed) spans."""
    ceiling = 10 ** (ceiling_db / 20)
    window = max(int(seconds * rate) | 1, 3)
    changes: list[tuple[int, np.ndarray]] = []
    threshold = ceiling * 10 ** (-INTERSAMPLE_DB / 20)
    for start, end in _loud_regions(samples, threshold):
        part = samples[start:end].astype(np.float64)
        peaks = oversampled_peaks(part, threshold)
        need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9))
        if need.min() < 1.0:
            gain = uniform_filter1d(minimum_filter1d(need, window), window)
            kept = (part * gain).astype(samples.dtype)
            changes.append((start, (samples[start:end] - kept).astype(np.float32)))
            samples[start:end] = kept
    return changes


def limited(
    samples: np.ndarray, ceiling_db: float, rate: int = 48_000, seconds: float = LIMITER_SECONDS
) -> np.ndarray:
    """A copy of `samples` limited under the ceiling (see `limit`)."""
    out = samples.copy()
    limit(out, ceiling_db, rate, seconds)
    return out
