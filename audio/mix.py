"""A script made sound: voice and tones placed at their times, mixed at 48 kHz mono,
loudness-normalised (ITU-R BS.1770 through pyloudnorm) with true peaks held under the ceiling.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from audio import tones
from audio.clips import RATE
from audio.levels import integrated, k_weighted, less_weighted, limit
from audio.placing import PHRASE_GAP, TONE_GAIN, VOICE_GAIN, cue_windows, heard_tones
from audio.script import Cue, Script, Sound
from content.phrases import Phrase

TARGET_LUFS = -16.0

ClipReader = Callable[[Phrase], np.ndarray]


def _place(track: np.ndarray, sound: np.ndarray, start: float, gain: float) -> None:
    """Add a sound into the track from `start` seconds, cut at the track's end."""
    first = round(start * RATE)
    if first >= len(track) or first < 0:
        return
    part = sound[: len(track) - first]
    track[first : first + len(part)] += gain * part


def _cue_audio(phrases: tuple[Phrase, ...], clip: ClipReader) -> np.ndarray:
    gap = np.zeros(int(PHRASE_GAP * RATE), dtype=np.float32)
    parts: list[np.ndarray] = []
    for phrase in phrases:
        if parts:
            parts.append(gap)
        parts.append(clip(phrase))
    return np.concatenate(parts) if parts else gap[:0]


def _fitted(audio: np.ndarray, room: float) -> np.ndarray:
    """A cue cut (with a short fade) to the room it has before the next cue."""
    limit = max(int(room * RATE), 0)
    if len(audio) <= limit:
        return audio
    cut = audio[:limit].copy()
    fade = min(int(0.03 * RATE), len(cut))
    cut[len(cut) - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return cut


def voice_layer(script: Script, length: int, clip: ClipReader) -> tuple[np.ndarray, float]:
    """The voice alone; and where the closing cue starts (the track's end if there is none)."""
    track = np.zeros(length, dtype=np.float32)
    said: dict[Cue, np.ndarray] = {}

    def audio(cue: Cue) -> np.ndarray:
        if cue not in said:
            said[cue] = _cue_audio(cue.phrases, clip)
        return said[cue]

    windows, closing_start = cue_windows(script, length / RATE, lambda cue: len(audio(cue)) / RATE)
    for window in windows:
        sound = audio(window.cue)
        if window.room is not None:
            sound = _fitted(sound, window.room)
        _place(track, sound, window.start, VOICE_GAIN)
    return track, closing_start


def tone_layer(script: Script, length: int, quiet_from: float) -> np.ndarray:
    """The tones alone; countdown ticks from `quiet_from` on (under the closing words) left
    out."""
    track = np.zeros(length, dtype=np.float32)
    chime, tick = tones.chime(), tones.tick()
    for tone in heard_tones(script, quiet_from):
        if tone.sound is Sound.RISE or tone.sound is Sound.FALL:
            sound = tones.glide(round(tone.seconds, 3), rising=tone.sound is Sound.RISE)
        else:
            sound = chime if tone.sound is Sound.CHIME else tick
        _place(track, sound, tone.start, TONE_GAIN)
    return track


def normalised(samples: np.ndarray, ceiling_db: float) -> np.ndarray:
    """The mix at TARGET_LUFS with its true peak under the ceiling, made in place (float32):
    measured, limited, and measured again (limiting the peaks takes up to a LU away, given back
    before limiting again). The track is K-weighted once: the second measure updates it where
    the limiter changed the sound (`less_weighted`), which halves the mixer's filtering."""
    out = samples
    weighted = k_weighted(out)
    for rounds_left in (1, 0):
        level = integrated(weighted)
        if not np.isfinite(level):
            return out  # silence: nothing to normalise
        gain = np.float32(10 ** ((TARGET_LUFS - level) / 20))
        out *= gain
        changes = limit(out, ceiling_db)
        if rounds_left:
            weighted *= gain
            for start, removed in changes:
                less_weighted(weighted, start, removed)
    return out


def layers(script: Script, clip: ClipReader) -> tuple[np.ndarray, np.ndarray]:
    """The voice and the tones, each alone, before normalising."""
    length = round(script.duration * RATE)
    voice, closing_start = voice_layer(script, length, clip)
    return voice, tone_layer(script, length, closing_start)


def mix(script: Script, clip: ClipReader, ceiling_db: float) -> np.ndarray:
    """The whole track: voice over tones, normalised, true peaks under `ceiling_db`."""
    voice, tone = layers(script, clip)
    voice += tone  # in place: a whole track is 95 MB of float32 (496 s)
    del tone
    return normalised(voice, ceiling_db)
