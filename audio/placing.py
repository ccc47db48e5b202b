"""Where the voice and the tones of a script sound: each cue's window and the tones heard.

Pure (no numpy, no sound library): the track's mix (audio/mix.py) places its samples by it, and
the Mini App (webapp/sounds.py) its clips and tones, in the bot's own process, which never loads
the sound libraries (tests/audio/test_tracks.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from audio.script import Cue, Script, Sound, Tone

PHRASE_GAP = 0.25  # seconds of quiet between two phrases of one cue
CUE_CLEARANCE = 0.1  # a cue's phrases stop this long before the next cue starts
VOICE_GAIN = 1.0
TONE_GAIN = 0.11  # the tones sit well under the voice (12 dB where it speaks: tests/audio)
TICK_SECONDS = 0.09  # one countdown tick (audio/tones.py strikes it this long)


@dataclass(frozen=True)
class Window:
    """Where a cue is said: from `start` (seconds into the session) for at most `room` seconds
    (None: to its end; the closing cue, placed so that it ends as the session ends)."""

    cue: Cue
    start: float
    room: float | None


def cue_windows(
    script: Script, duration: float, seconds: Callable[[Cue], float]
) -> tuple[list[Window], float]:
    """Each cue's window, given how long each cue lasts when said whole; and where the closing
    cue starts (`duration` if there is none)."""
    closing_start = duration
    windows: list[Window] = []
    cues = script.cues
    for number, cue in enumerate(cues):
        if cue.closing:
            closing_start = max(duration - seconds(cue), 0.0)
            windows.append(Window(cue, closing_start, None))
            continue
        following = cues[number + 1].start if number + 1 < len(cues) else duration
        if number + 1 < len(cues) and cues[number + 1].closing:
            following = duration - seconds(cues[number + 1])
        windows.append(Window(cue, cue.start, following - cue.start - CUE_CLEARANCE))
    return windows, closing_start


def heard_tones(script: Script, quiet_from: float) -> list[Tone]:
    """The script's tones as heard: countdown ticks from `quiet_from` on (under the closing
    words) left out."""
    return [
        tone
        for tone in script.tones
        if tone.sound is not Sound.TICK or tone.start + TICK_SECONDS <= quiet_from
    ]
