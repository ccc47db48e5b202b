"""The audio guide's API: a track (or a voice note) rendered from a recipe, cached on disk.

    guide = Guide(content, cache_folder)
    path = await guide.render_async(Recipe("quick", level=2, language="ru"))
    guide.chapters(recipe)  # [Chapter(start=0.0, item=0, title="Дыхание «рёбра — таз»"), ...]

Rendering is a pure function of the recipe and the content: the file's name is a hash of both
(the routine's timeline, the clips' names, the mixer's version), so a cached file is never
stale. Off the event loop it runs in worker processes (bench/audio.py: threads let the loop lag).
"""

from __future__ import annotations

import asyncio
import ctypes
import hashlib
import json
import multiprocessing
import os
import threading
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from audio.script import Chapter, Item, Script, build_script
from content import Content, load_content
from content.phrases import Phrase, Phrases, load_checked_phrases, needs_of
from guided.engine.routines import routine_items, routine_timeline, single

if TYPE_CHECKING:  # the sound's libraries load only where a track is made (the workers)
    import numpy as np

    from audio import codec

MIX_VERSION = 1  # raise when the mix changes, so cached tracks are made again
Format = Literal["ogg", "mp3", "note"]


@dataclass(frozen=True)
class Encoding:
    """How a format is written: its file type, libsndfile's compression level (0 best .. 1
    smallest) and the true-peak ceiling before coding (coding moves peaks: by up to 1.3 dB at
    these levels, more at lower bitrates; the decoded file stays at or under -1 dBTP)."""

    kind: codec.Kind
    level: float
    ceiling_db: float


ENCODINGS: dict[str, Encoding] = {
    # Opus at about 32 kbit/s (at 19 kbit/s its coding lifted a consonant's peak by 2.3 dB).
    "ogg": Encoding("ogg", 0.85, -3.0),
    # MP3 VBR, about 35 kbit/s for this mono speech: what sendAudio plays.
    "mp3": Encoding("mp3", 0.75, -3.0),
    # A voice note: Opus at about 16 kbit/s, so the longest dose stays under Telegram's 1 MB.
    "note": Encoding("ogg", 0.96, -4.5),
}


@dataclass(frozen=True)
class Recipe:
    """Everything a track is made from besides the content."""

    routine: str  # a routine id, adapted ("quick~1e") or single ("x.cat_cow")
    level: int
    language: str
    scale: float = 1.0  # the timeline's time scale (ROUTINE_TIME_SCALE)
    voice: bool = True
    tones: bool = True
    format: Format = "ogg"  # "ogg" (Opus: the Mini App), "mp3" (sendAudio), "note" (sendVoice)

    def digest(self) -> str:
        """A stable hash of the recipe alone."""
        text = json.dumps(asdict(self), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:20]


def voice_note(exercise_id: str, level: int, language: str) -> Recipe:
    """The recipe of one exercise's voice note at a person's level (Ogg Opus, as Telegram's
    voice notes are)."""
    return Recipe(single(exercise_id), level, language, format="note")


class Guide:
    """Renders recipes with one content and one phrase library into a cache folder."""

    def __init__(self, content: Content, cache: Path, phrases: Phrases | None = None) -> None:
        needs = needs_of(content.exercises, content.routines)
        self.content = content
        self.phrases = phrases or load_checked_phrases(content.root, content.languages, needs)
        self.cache = cache
        self._rendering: dict[Path, asyncio.Future[Path]] = {}

    def script(self, recipe: Recipe) -> Script:
        """What is said and played when, for a recipe."""
        content = self.content
        timeline = routine_timeline(
            content, recipe.routine, recipe.level, content.progression.levels, recipe.scale
        )
        items = [
            Item(item.exercise, item.variant == "easier")
            for item in routine_items(content, recipe.routine)
        ]
        book = self.phrases.books[recipe.language]
        return build_script(
            timeline, book, items, recipe.scale, voice=recipe.voice, tones=recipe.tones
        )

    def chapters(self, recipe: Recipe) -> tuple[Chapter, ...]:
        """Each exercise's title and start, for the track's caption."""
        return self.script(recipe).chapters

    def path(self, recipe: Recipe) -> Path:
        """Where the recipe's file is cached: named by a hash of the recipe and of its script."""
        script = self.script(recipe)
        fingerprint = json.dumps(
            [
                MIX_VERSION,
                recipe.digest(),
                script.duration,
                [
                    (cue.start, cue.closing, [p.clip_name for p in cue.phrases])
                    for cue in script.cues
                ],
                [(tone.start, tone.sound.value, tone.seconds) for tone in script.tones],
            ]
        )
        name = hashlib.sha256(fingerprint.encode()).hexdigest()[:24]
        return self.cache / f"{name}.{ENCODINGS[recipe.format].kind}"

    def _clip(self, phrase: Phrase) -> np.ndarray:
        from audio.clips import read_clip

        return read_clip(self.phrases.clip_path(phrase))

    def render(self, recipe: Recipe) -> Path:
        """The recipe's file, made now unless cached (blocking: call render_async from the bot)."""
        path = self.path(recipe)
        if path.is_file():
            return path
        from audio import codec
        from audio.clips import RATE
        from audio.mix import mix

        encoding = ENCODINGS[recipe.format]
        samples = mix(self.script(recipe), self._clip, encoding.ceiling_db)
        self.cache.mkdir(parents=True, exist_ok=True)
        codec.write(path, samples, RATE, encoding.kind, encoding.level)
        return path

    async def render_async(self, recipe: Recipe, executor: Executor) -> Path:
        """The recipe's file, made in `executor` (see `workers`) so the event loop stays free;
        the same recipe asked for twice at once is made once."""
        path = self.path(recipe)
        if path.is_file():
            return path
        running = self._rendering.get(path)
        if running is None:
            loop = asyncio.get_running_loop()
            running = asyncio.ensure_future(
                loop.run_in_executor(
                    executor, _render_in_worker, self.content.root, self.cache, recipe
                )
            )
            self._rendering[path] = running
            running.add_done_callback(lambda _: self._rendering.pop(path, None))
        return await asyncio.shield(running)


_worker_guide: Guide | None = None


WORKER_NICENESS = 10  # rendering yields the CPU to the bot's own process whenever it wakes
WORKER_IDLE_SECONDS = 30.0  # a worker gives its memory back after this long without a render


class _HeldMemory:
    """A busy worker keeps the memory it freed, for the next track, and gives it back when idle.

    A track is mixed in arrays of about 95 MB (496 s at 48 kHz), which glibc maps fresh and
    returns to the system on every render. Faulting them in again is what stalled the bot's
    loop (and any other process) on this machine, a VM that reports free pages to its host:
    20 tracks at once, max lag 28-58 ms when returned, 3-5 ms when kept (bench/audio.py).
    So large blocks come from the heap and stay there while renders follow each other;
    WORKER_IDLE_SECONDS after the last one, malloc_trim gives them back. Only with glibc:
    elsewhere memory is left to the allocator as it is."""

    def __init__(self) -> None:
        self._libc = _glibc()
        self._timer: threading.Timer | None = None
        if self._libc is not None:
            self._libc.mallopt(M_MMAP_THRESHOLD, 1 << 30)  # large blocks from the heap
            self._libc.mallopt(M_TRIM_THRESHOLD, 1 << 30)  # and not trimmed after each free

    def rendered(self) -> None:
        """A render ended: give the memory back if no other follows soon."""
        if self._libc is None:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(WORKER_IDLE_SECONDS, self._libc.malloc_trim, (0,))
        self._timer.daemon = True
        self._timer.start()


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018  # only glibc has it
        return libc
    except (OSError, AttributeError):
        return None


_held_memory: _HeldMemory | None = None


def _start_worker(root: Path, cache: Path) -> Guide:
    """This worker process's guide, made once; the process runs at a lower priority and holds
    its memory while busy."""
    global _worker_guide, _held_memory
    if _worker_guide is None:
        os.nice(WORKER_NICENESS)
        _held_memory = _HeldMemory()
    if _worker_guide is None or _worker_guide.content.root != root or _worker_guide.cache != cache:
        _worker_guide = Guide(load_content(root), cache)
    return _worker_guide


def _render_in_worker(root: Path, cache: Path, recipe: Recipe) -> Path:
    """A worker process's render: its own content and clips, read once per process."""
    try:
        return _start_worker(root, cache).render(recipe)
    finally:
        if _held_memory is not None:
            _held_memory.rendered()


def _started(guide: Guide, count: int) -> ProcessPoolExecutor:
    pool = ProcessPoolExecutor(
        max_workers=count,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(guide.content.root, guide.cache),
    )
    for done in [pool.submit(int) for _ in range(count)]:  # every worker up and ready
        done.result()
    return pool


async def workers(guide: Guide, count: int = 2) -> ProcessPoolExecutor:
    """Worker processes for `guide.render_async` (one per core here), started in a thread so
    the loop never waits on them (a process's start held it 130 ms in tests/audio), fresh
    ("spawn": a fork would copy the bot's threads and locks mid-use), each reading the content
    and clips once. Shut them down with the bot, off the loop too."""
    return await asyncio.to_thread(_started, guide, count)
