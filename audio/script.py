"""What the guide says and plays at each beat of a timeline: cues and tones with their times.

Pure data, no audio: every cue starts where its beat starts (the closing "Well done" ends where
the session ends, as the last beat lasts no time), so the track and the session agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from content.phrases import Phrase, PhraseBook
from guided.engine.timeline import TIMED_HOLD_TICK_SECONDS, Beat, BeatKind, Timeline

COUNTDOWN_TICKS = 3  # a tick each second in the last three seconds of a timed hold


class Sound(StrEnum):
    """A tone of the guide."""

    RISE = "rise"  # the in-breath's glide
    FALL = "fall"  # the out-breath's glide
    CHIME = "chime"  # a change of exercise or side
    TICK = "tick"  # the countdown at the end of a timed hold


@dataclass(frozen=True)
class Cue:
    """Phrases said one after another from `start` (seconds into the track)."""

    start: float
    phrases: tuple[Phrase, ...]
    beat: int  # the beat it belongs to (index in the timeline)
    closing: bool = False  # said so that it ends at `start` (the session's end)


@dataclass(frozen=True)
class Tone:
    start: float
    sound: Sound
    seconds: float = 0.0  # a glide's length; struck tones have their own


@dataclass(frozen=True)
class Chapter:
    """An exercise and when it starts, for a caption."""

    start: float
    item: int
    title: str


@dataclass(frozen=True)
class Script:
    duration: float  # the timeline's, in seconds
    cues: tuple[Cue, ...]
    tones: tuple[Tone, ...]
    chapters: tuple[Chapter, ...]


@dataclass(frozen=True)
class Item:
    """An exercise of the routine as the guide names it."""

    exercise: str
    easier: bool


def beat_starts(timeline: Timeline) -> list[float]:
    """Seconds from the session's start to each beat."""
    starts, clock = [], 0.0
    for beat in timeline.beats:
        starts.append(clock)
        clock += beat.duration
    return starts


def _words(book: PhraseBook, items: list[Item], beat: Beat, index: int) -> list[Phrase]:
    """What the voice says as a beat starts."""
    kind, count, total = beat.kind, beat.count, beat.total
    item = items[beat.item]
    if kind is BeatKind.INTRO:
        opening = [book["stop_if_it_hurts"]] if index == 0 else []
        name = book.exercise(item.exercise, "name", item.easier)
        return [*opening, name, book.exercise(item.exercise, "reminder", item.easier)]
    if kind is BeatKind.INHALE:
        if count == 1:
            return [book["breathe_in"]]
        return [book["last_breath"] if count == total else book.number(count)]
    if kind is BeatKind.EXHALE:
        if count == 1:
            return [book["breathe_out"]]
        return [book["relax"]] if count == total else []
    if kind is BeatKind.TIMED_HOLD:
        return [book["hold"]] if count == total else []
    if kind is BeatKind.SWITCH:
        return [book["switch_sides"]]
    if kind is BeatKind.REST:
        return [book["rest"]]
    if kind is BeatKind.NEXT:
        following = items[beat.item + 1]
        name = book.exercise(following.exercise, "name", following.easier)
        return [book["rest"], book["next"], name]
    return [book["well_done"]]  # DONE


def _tones(beat: Beat, start: float, scale: float) -> list[Tone]:
    kind = beat.kind
    if kind is BeatKind.INHALE:
        return [Tone(start, Sound.RISE, beat.duration)]
    if kind is BeatKind.EXHALE:
        return [Tone(start, Sound.FALL, beat.duration)]
    if kind in (BeatKind.INTRO, BeatKind.SWITCH):
        return [Tone(start, Sound.CHIME)]
    if kind is BeatKind.TIMED_HOLD and beat.count <= TIMED_HOLD_TICK_SECONDS:
        end = start + beat.duration  # the hold's last tick: count down to its end
        return [
            Tone(end - second * scale, Sound.TICK)
            for second in range(COUNTDOWN_TICKS, 0, -1)
            if end - second * scale >= start
        ]
    return []


def build_script(
    timeline: Timeline,
    book: PhraseBook,
    items: list[Item],
    scale: float,
    *,
    voice: bool = True,
    tones: bool = True,
) -> Script:
    """The guide's cues and tones for a timeline (a routine at a level, at `scale`)."""
    starts = beat_starts(timeline)
    duration = timeline.seconds_total()
    cues: list[Cue] = []
    sounds: list[Tone] = []
    chapters: list[Chapter] = []
    for index, (beat, start) in enumerate(zip(timeline.beats, starts, strict=True)):
        if beat.kind is BeatKind.INTRO:
            item = items[beat.item]
            name = book.exercise(item.exercise, "name", item.easier)
            chapters.append(Chapter(start, beat.item, name.shown))
        if voice:
            words = _words(book, items, beat, index)
            if words:
                closing = beat.kind is BeatKind.DONE
                cues.append(Cue(start, tuple(words), index, closing))
        if tones:
            sounds.extend(_tones(beat, start, scale))
    return Script(duration, tuple(cues), tuple(sounds), tuple(chapters))
