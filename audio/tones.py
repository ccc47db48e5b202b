"""The guide's tones, synthesised with numpy: soft on a phone speaker, never harsh.

Every tone has its fundamental above 250 Hz (a phone speaker hardly plays lower), a harmonic or
two well below it, and a gentle attack and release (no click).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from audio.clips import RATE
from audio.placing import TICK_SECONDS

# A breath's glide: up a fourth over the in-breath, back down over the out-breath.
BREATH_LOW_HZ = 330.0  # E4
BREATH_HIGH_HZ = 440.0  # A4
BREATH_HARMONICS = ((1, 1.0), (2, 0.25), (3, 0.08))  # (multiple, amplitude)
BREATH_ATTACK = 0.35  # seconds; the release is longer, so the glide fades as a breath ends
BREATH_RELEASE = 0.6
CHIME_HZ = 660.0  # E5, with a soft fifth above: a bell, not a beep
CHIME_PARTIALS = ((1.0, 1.0), (1.5, 0.35), (2.0, 0.2))
CHIME_SECONDS = 1.2
TICK_HZ = 880.0  # A5: short and clear
TICK_PARTIALS = ((1.0, 1.0), (2.0, 0.15))


def _envelope(count: int, attack: float, release: float) -> np.ndarray:
    """Raised-cosine attack and release around a flat middle (shortened to fit short tones)."""
    rise = min(int(attack * RATE), count // 2)
    fall = min(int(release * RATE), count - rise)
    envelope = np.ones(count, dtype=np.float32)
    if rise:
        envelope[:rise] = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, rise, dtype=np.float32))
    if fall:
        envelope[count - fall :] = 0.5 + 0.5 * np.cos(np.linspace(0, np.pi, fall, dtype=np.float32))
    return envelope


def _partials(phase: np.ndarray, partials: tuple[tuple[float, float], ...]) -> np.ndarray:
    wave = sum(weight * np.sin(multiple * phase) for multiple, weight in partials)
    total = sum(weight for _, weight in partials)
    return (np.asarray(wave) / total).astype(np.float32)


@lru_cache(maxsize=64)
def glide(seconds: float, rising: bool) -> np.ndarray:
    """A soft tone gliding up (an in-breath) or down (an out-breath) over `seconds` (cached: a
    routine has a few breath lengths; read-only)."""
    count = max(int(seconds * RATE), 1)
    start, end = (BREATH_LOW_HZ, BREATH_HIGH_HZ) if rising else (BREATH_HIGH_HZ, BREATH_LOW_HZ)
    # An eased glide (slow at both ends) sounds like a breath, not a siren.
    eased = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, count, dtype=np.float64))
    frequency = start * (end / start) ** eased  # in equal ratios: even to the ear
    phase = 2 * np.pi * np.cumsum(frequency) / RATE
    sound = _partials(phase, BREATH_HARMONICS) * _envelope(count, BREATH_ATTACK, BREATH_RELEASE)
    sound.setflags(write=False)
    return sound


def _struck(
    frequency: float, seconds: float, partials: tuple[tuple[float, float], ...]
) -> np.ndarray:
    """A struck tone: a few milliseconds of attack, then an exponential decay to silence."""
    count = int(seconds * RATE)
    time = np.arange(count, dtype=np.float64) / RATE
    wave = _partials(2 * np.pi * frequency * time, partials)
    decay = np.exp(-time * (6.0 / seconds)).astype(np.float32)
    return wave * decay * _envelope(count, 0.006, 0.02)


@lru_cache(maxsize=1)
def chime() -> np.ndarray:
    """The chime at each change of exercise or side."""
    return _struck(CHIME_HZ, CHIME_SECONDS, CHIME_PARTIALS)


@lru_cache(maxsize=1)
def tick() -> np.ndarray:
    """One tick of the countdown at the end of a timed hold."""
    return _struck(TICK_HZ, TICK_SECONDS, TICK_PARTIALS)
