"""Measurements of rendered sound, from the samples alone: onsets, loudness, true peak."""

from __future__ import annotations

import numpy as np
import pyloudnorm
from scipy.signal import resample_poly

HOP = 0.005  # seconds between energy frames
WINDOW = 0.010
SILENT_DB = -50.0  # a frame below this (dBFS) is quiet
GAP = 0.6  # seconds of quiet before a sound counts as a new onset (longer than a pause in a cue)


def frame_db(samples: np.ndarray, rate: int) -> np.ndarray:
    hop, window = int(HOP * rate), int(WINDOW * rate)
    count = max((len(samples) - window) // hop + 1, 0)
    index = np.arange(window)[None, :] + hop * np.arange(count)[:, None]
    power = np.mean(samples[index].astype(np.float64) ** 2, axis=1)
    return 10 * np.log10(power + 1e-12)


def onsets(samples: np.ndarray, rate: int) -> list[float]:
    """Seconds at which sound begins after at least GAP of quiet (the file's start counts as
    quiet), from the samples' energy alone."""
    loud = frame_db(samples, rate) > SILENT_DB
    found: list[float] = []
    quiet_since = -GAP  # seconds
    for number, is_loud in enumerate(loud):
        now = number * HOP
        if is_loud:
            if quiet_since is not None and now - quiet_since >= GAP - 1e-9:
                found.append(now)
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
    return found


def loudness(samples: np.ndarray, rate: int) -> float:
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)))


def true_peak_db(samples: np.ndarray) -> float:
    over = resample_poly(samples.astype(np.float64), 4, 1)
    return 20 * float(np.log10(np.max(np.abs(over)) + 1e-12))


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    """The strongest frequency of a stretch of sound."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])
