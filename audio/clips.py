"""Voice clips: made ready once when rendered (`make voices`), read and levelled when mixed.

A clip starts with its first sound (silence trimmed), so a cue placed at a beat is heard at it.
Levelling at read time evens out the engine's clips and a person's recordings alike.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.signal import butter, resample_poly, sosfiltfilt

from audio import codec
from audio.levels import limited

RATE = 48_000  # the mix's rate, and Opus's own
SILENCE_DB = -45.0  # below this (dBFS, 10 ms frames) a clip's edge counts as silence
FADE_SECONDS = 0.008
CLIP_RMS_DB = -20.0  # every clip's speech (its frames above the silence) at this RMS
# Speech peaks are held 12 dB above its RMS, so the mix's peaks sit under the ceiling once the
# track is at its loudness (without it, the final limiter took up to 2 LU away; tests/audio).
CLIP_CREST_DB = 12.0
CLIP_LIMITER_SECONDS = 0.01
# The voice above 7.5 kHz gently rolled off (zero phase, so onsets stay put): a phone speaker
# hardly plays it, and lossy coding of the engine's hissing consonants there lifted the decoded
# peaks by up to 2 dB (bench/README.md).
VOICE_TOP_HZ = 7500.0
_ROLL_OFF = butter(4, VOICE_TOP_HZ, fs=RATE, output="sos")
# libsndfile's Opus compression level: 0.93 is about 36 kbit/s, clear speech in a few kB a clip.
CLIP_OPUS_LEVEL = 0.93


def _frame_db(samples: np.ndarray, frame: int) -> np.ndarray:
    count = len(samples) // frame
    if count == 0:
        return np.full(1, -120.0)
    frames = samples[: count * frame].reshape(count, frame)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)


def trimmed(samples: np.ndarray) -> np.ndarray:
    """The clip from its first sound to its last, with a few milliseconds of fade each side."""
    frame = RATE // 100
    loud = np.flatnonzero(_frame_db(samples, frame) > SILENCE_DB)
    if len(loud) == 0:
        return samples[:0]
    clip = samples[loud[0] * frame : (loud[-1] + 1) * frame].copy()
    fade = min(int(FADE_SECONDS * RATE), len(clip) // 2)
    ramp = np.linspace(0.0, 1.0, fade, dtype=clip.dtype)
    clip[:fade] *= ramp
    clip[len(clip) - fade :] *= ramp[::-1]
    return clip


def prepared(samples: np.ndarray, rate: int) -> np.ndarray:
    """An engine's recording as a clip: mono at 48 kHz, trimmed, peak at -3 dBFS."""
    if rate != RATE:
        divisor = np.gcd(RATE, rate)
        samples = resample_poly(samples, RATE // divisor, rate // divisor)
    clip = trimmed(samples.astype(np.float32))
    peak = float(np.max(np.abs(clip))) if len(clip) else 0.0
    return clip * (10 ** (-3 / 20) / peak) if peak > 0 else clip


def write_clip(path: Path, clip: np.ndarray) -> None:
    """Save a clip as Ogg Opus."""
    path.parent.mkdir(parents=True, exist_ok=True)
    codec.write(path, clip, RATE, "ogg", CLIP_OPUS_LEVEL)


@lru_cache(maxsize=1024)
def read_clip(path: Path) -> np.ndarray:
    """A clip as 48 kHz mono float32 samples, trimmed, its speech at CLIP_RMS_DB (read once per
    process: a clip file does not change while the bot runs). Read-only: callers add, never
    write."""
    mono, rate = codec.read(path)
    if rate != RATE:
        divisor = np.gcd(RATE, rate)
        mono = resample_poly(mono, RATE // divisor, rate // divisor).astype(np.float32)
    clip = trimmed(sosfiltfilt(_ROLL_OFF, mono).astype(np.float32))
    frame = RATE // 100
    levels = _frame_db(clip, frame)
    speech = levels[levels > SILENCE_DB]
    if len(speech):
        rms_db = 10 * np.log10(np.mean(10 ** (speech / 10)))
        clip = clip * np.float32(10 ** ((CLIP_RMS_DB - rms_db) / 20))
        clip = limited(clip, CLIP_RMS_DB + CLIP_CREST_DB, RATE, CLIP_LIMITER_SECONDS)
    clip.setflags(write=False)
    return clip
