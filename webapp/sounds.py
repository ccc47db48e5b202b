"""The audio guide in the Mini App: what the page plays when (the plan's `sound`), and the files
it plays (the phrases' clips and the tones, Ogg Opus or MP3), served by the app's own server.

What is said and played at which beat is the chat track's own script (audio/script.py) and the
mix's own placing of it (audio/placing.py: each cue's window, the ticks left out under the
closing words): nothing of it is decided again here or in the page. The page schedules these
items with Web Audio against the session's clock (static/sound.js). The plan needs no sound
library (the bot's process loads none); numpy and libsndfile are imported when a file is first
made, in a thread.

Files: a clip is the committed Opus file under its hash name (`<hash>.ogg`); its MP3 twin (for a
device that cannot play Ogg) and the tones (rendered with audio/tones.py) are encoded by
libsndfile at first request and kept in memory. Every name is immutable (a clip's is the hash of
its text and voice; a tone's is its kind and length), so the browser keeps them for a year.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from audio.placing import PHRASE_GAP, TONE_GAIN, cue_windows, heard_tones
from audio.script import Item, Script, Sound, build_script
from content import Content
from content.phrases import Phrase, Phrases, load_phrases, needs_of
from guided.engine.routines import routine_items
from guided.engine.timeline import Timeline

if TYPE_CHECKING:
    import numpy as np

CLIP_SUFFIX = ".opus"
# /audio/<16 hex>.ogg|mp3 (a clip) or /audio/rise-4000.ogg (a tone: kind, then a glide's ms).
CLIP_NAME = re.compile(r"^(?P<clip>[0-9a-f]{16})\.(?P<kind>ogg|mp3)$")
TONE_NAME = re.compile(
    r"^(?P<sound>rise|fall|chime|tick)(?:-(?P<ms>[0-9]{1,6}))?\.(?P<kind>ogg|mp3)$"
)
GLIDE_MS = (10, 120_000)  # a breath's glide from 10 ms (tests' time scales) to two minutes
TONE_LEVEL = 0.9  # tones are written near full scale (the page's gain sets their level)
# The committed clips' speech is about as loud as the mix's levelled clips (-20 dB RMS: measured
# over them, -0.4 dB off on average), so the tones at the mix's gain sit as far under the voice
# as in the chat's track.
APP_TONE_GAIN = TONE_GAIN / TONE_LEVEL
ENCODED_KEPT = 256  # encoded files kept in memory (an MP3 clip or a tone: a few kB each)
MP3_LEVEL = 0.75  # libsndfile's compression level for the MP3 twins (as the chat's MP3 track)
OPUS_LEVEL = 0.85
MEDIA_TYPES = {"ogg": "audio/ogg", "mp3": "audio/mpeg"}


class VoiceItem(TypedDict):
    """One phrase's clip from `at` (seconds from the session's start), cut at `until`."""

    clip: str  # the clip's hash (its file's name without the suffix)
    at: float
    until: float | None  # None: said whole (the closing words)


class ToneItem(TypedDict):
    tone: str  # a tone file's name without its suffix: "rise-4000", "chime"
    at: float


class PlanSound(TypedDict):
    """What the page plays: every voice clip and tone with its time, and their levels."""

    voice: list[VoiceItem]
    tones: list[ToneItem]
    levels: dict[str, float]  # voice, tones: the page's gains


_phrases: dict[tuple[Path, tuple[str, ...]], Phrases] = {}


def phrases_of(content: Content) -> Phrases:
    """The phrase library of this content (read once): the languages it could read (a language
    without phrases has no voice in the app; `make content` reports it)."""
    key = (content.root, tuple(content.languages))
    if key not in _phrases:
        needs = needs_of(content.exercises, content.routines)
        _problems, _phrases[key] = load_phrases(content.root, content.languages, needs)
    return _phrases[key]


OPUS_RATE = 48_000  # an Ogg Opus file's granule positions count 48 kHz samples


@lru_cache(maxsize=1024)
def clip_seconds(path: Path) -> float:
    """A clip's length from its Ogg Opus pages (the last page's granule position less the
    stream's pre-skip), read without a sound library: the bot's process loads none. 0 if the
    file is missing or is not Ogg Opus."""
    if not path.is_file():
        return 0.0
    data = path.read_bytes()  # a clip is a few kB
    head, last = data.find(b"OpusHead"), data.rfind(b"OggS")
    if head < 0 or last < 0:
        return 0.0
    pre_skip = int.from_bytes(data[head + 10 : head + 12], "little")
    granule = int.from_bytes(data[last + 6 : last + 14], "little")
    return max(granule - pre_skip, 0) / OPUS_RATE


def tone_name(sound: Sound, seconds: float) -> str:
    if sound is Sound.RISE or sound is Sound.FALL:
        return f"{sound.value}-{round(seconds * 1000)}"
    return sound.value


def _placed(script: Script, phrases: Phrases) -> tuple[list[VoiceItem], float]:
    """Each phrase's clip where the mix places it: a cue's phrases one after another with the
    mix's gap, cut where its window ends; and where the closing cue starts."""

    def spoken(phrase: Phrase) -> float:
        return clip_seconds(phrases.clip_path(phrase))

    def said(cue_phrases: tuple[Phrase, ...]) -> float:
        return sum(spoken(p) for p in cue_phrases) + PHRASE_GAP * max(len(cue_phrases) - 1, 0)

    windows, closing_start = cue_windows(script, script.duration, lambda cue: said(cue.phrases))
    items: list[VoiceItem] = []
    for window in windows:
        until = None if window.room is None else round(window.start + window.room, 3)
        at = window.start
        for phrase in window.cue.phrases:
            if until is not None and at >= until:
                break
            clip = phrase.clip_name.removesuffix(CLIP_SUFFIX)
            items.append(VoiceItem(clip=clip, at=round(at, 3), until=until))
            at += spoken(phrase) + PHRASE_GAP
    return items, closing_start


def script_of(
    content: Content, routine_id: str, timeline: Timeline, language: str, scale: float
) -> Script | None:
    """The chat track's script of this session (tones alone in a language without phrases;
    None when no language has any)."""
    books = phrases_of(content).books
    book = books.get(language) or next(iter(books.values()), None)
    if book is None:
        return None
    items = [Item(i.exercise, i.variant == "easier") for i in routine_items(content, routine_id)]
    return build_script(timeline, book, items, scale, voice=book.language == language)


def plan_sound(
    content: Content, routine_id: str, timeline: Timeline, language: str, scale: float
) -> PlanSound:
    """The plan's sound: the chat track's cues and tones for the same routine, level and scale."""
    levels = {"voice": 1.0, "tones": round(APP_TONE_GAIN, 4)}
    script = script_of(content, routine_id, timeline, language, scale)
    if script is None:
        return PlanSound(voice=[], tones=[], levels=levels)
    voice, closing_start = _placed(script, phrases_of(content))
    return PlanSound(
        voice=voice,
        tones=[
            ToneItem(tone=tone_name(tone.sound, tone.seconds), at=round(tone.start, 3))
            for tone in heard_tones(script, closing_start)
        ],
        levels=levels,
    )


# ---- the files -------------------------------------------------------------------------------


def _tone_samples(sound: str, ms: str | None) -> np.ndarray | None:
    from audio import tones  # numpy: loaded when a tone is first asked for, in a thread

    if sound in ("rise", "fall"):
        if ms is None or not GLIDE_MS[0] <= int(ms) <= GLIDE_MS[1]:
            return None
        return tones.glide(int(ms) / 1000, rising=sound == "rise")
    if ms is not None:
        return None
    return tones.chime() if sound == "chime" else tones.tick()


def _encoded(samples: np.ndarray, kind: str) -> bytes:
    """Samples at 48 kHz as an Ogg Opus or MP3 file's bytes (libsndfile; no external program)."""
    from audio import codec

    out = io.BytesIO()
    container, subtype = codec.FORMATS[kind]
    level = OPUS_LEVEL if kind == "ogg" else MP3_LEVEL
    codec.soundfile.write(
        out, samples, OPUS_RATE, format=container, subtype=subtype, compression_level=level
    )
    return out.getvalue()


class SoundFiles:
    """The clips and tones as files, made at first request (off the event loop) and kept."""

    def __init__(self, clips: Path) -> None:
        self._clips = clips
        self._kept: OrderedDict[str, bytes] = OrderedDict()
        self._making: dict[str, asyncio.Future[bytes | None]] = {}

    def clip_path(self, name: str) -> Path | None:
        """The committed Ogg Opus file of a clip's name (`<hash>.ogg`), if there is one."""
        match = CLIP_NAME.match(name)
        if match is None or match["kind"] != "ogg":
            return None
        path = self._clips / (match["clip"] + CLIP_SUFFIX)
        return path if path.is_file() else None

    def _make(self, name: str) -> bytes | None:
        """A file made now (blocking): a clip's MP3 twin or a tone; None if there is none."""
        clip = CLIP_NAME.match(name)
        if clip is not None and clip["kind"] == "mp3":
            path = self._clips / (clip["clip"] + CLIP_SUFFIX)
            if not path.is_file():
                return None
            from audio import codec

            samples, rate = codec.read(path)
            if rate != OPUS_RATE:
                return None  # the clips are written at 48 kHz (audio/clips.py)
            return _encoded(samples, "mp3")
        tone = TONE_NAME.match(name)
        if clip is not None or tone is None:
            return None
        sound = _tone_samples(tone["sound"], tone["ms"])
        if sound is None:
            return None
        return _encoded((sound * TONE_LEVEL).astype("float32"), tone["kind"])

    async def warm(self) -> None:
        """Make the opening chime in both formats now: the first one made loads numpy and the
        codec (about a second), which would otherwise make the first session's first tones
        late."""
        for name in ("chime.ogg", "chime.mp3"):
            await self.made(name)

    async def made(self, name: str) -> bytes | None:
        """A made file's bytes (the same name asked for twice at once is made once)."""
        if name in self._kept:
            self._kept.move_to_end(name)
            return self._kept[name]
        making = self._making.get(name)
        if making is None:
            making = asyncio.ensure_future(asyncio.to_thread(self._make, name))
            self._making[name] = making
            making.add_done_callback(lambda _: self._making.pop(name, None))
        body = await asyncio.shield(making)
        if body is not None:
            self._kept[name] = body
            while len(self._kept) > ENCODED_KEPT:
                self._kept.popitem(last=False)
        return body
