"""Peak levels: the true (oversampled) peak, and a limiter that holds it under a ceiling."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import resample_poly, sosfilt

OVERSAMPLE = 4  # true peak: the peak between samples too (BS.1770 Annex 2 oversamples 4x)
LIMITER_SECONDS = 0.005  # the limiter's window: short enough to be inaudible on a peak
LIMITER_BLOCK = 1024  # samples: the limiter looks closer only at blocks near the ceiling
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


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness (LUFS) of 48 kHz mono, as BS.1770-4 measures it: K-weighted 400 ms
    blocks every 100 ms, gated at -70 LUFS and 10 LU under their mean. The same figure as
    pyloudnorm's (tests/audio/test_levels.py), in a third of its time, as the mixer measures
    twice."""
    weighted = sosfilt(K_WEIGHTING_48K, samples.astype(np.float32))
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


def true_peak_db(samples: np.ndarray) -> float:
    """The oversampled (true) peak in dBTP."""
    if len(samples) == 0:
        return -120.0
    over = resample_poly(samples.astype(np.float64), OVERSAMPLE, 1)
    return 20 * float(np.log10(np.max(np.abs(over)) + 1e-12))


def _loud_regions(samples: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """Spans (start, end) of blocks whose sample peak reaches `threshold`, a block either side
    included: only there can the true peak pass the ceiling."""
    block = LIMITER_BLOCK
    count = -(-len(samples) // block)
    padded = np.zeros(count * block, dtype=np.float32)
    padded[: len(samples)] = np.abs(samples)
    loud = padded.reshape(count, block).max(axis=1) >= threshold
    loud[1:] |= loud[:-1].copy()
    loud[:-1] |= loud[1:].copy()
    edges = np.flatnonzero(np.diff(np.concatenate(([0], loud.astype(np.int8), [0]))))
    return [
        (a * block, min(b * block, len(samples)))
        for a, b in zip(edges[::2], edges[1::2], strict=True)
    ]


def limited(
    samples: np.ndarray, ceiling_db: float, rate: int = 48_000, seconds: float = LIMITER_SECONDS
) -> np.ndarray:
    """Gain riding under the ceiling, where peaks come near it: each oversampled peak's needed
    reduction held over a short window and smoothed (a window's mean of minima never exceeds a
    peak's own need), so nothing passes and nothing clicks."""
    ceiling = 10 ** (ceiling_db / 20)
    out = samples.copy()
    window = max(int(seconds * rate) | 1, 3)
    for start, end in _loud_regions(samples, ceiling * 10 ** (-INTERSAMPLE_DB / 20)):
        part = samples[start:end].astype(np.float64)
        over = np.abs(resample_poly(part, OVERSAMPLE, 1))[: len(part) * OVERSAMPLE]
        peaks = over.reshape(len(part), OVERSAMPLE).max(axis=1)
        need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9))
        if need.min() < 1.0:
            gain = uniform_filter1d(minimum_filter1d(need, window), window)
            out[start:end] = part * gain
    return out
