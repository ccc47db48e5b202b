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
import hashlib
import json
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from audio import codec
from audio.clips import RATE, read_clip
from audio.mix import mix
from audio.script import Chapter, Item, Script, build_script
from content import Content, load_content
from content.phrases import Phrase, Phrases, load_checked_phrases, needs_of
from guided.engine.routines import routine_items, routine_timeline, single

MIX_VERSION = 1  # raise when the mix changes, so cached tracks are made again
# libsndfile's compression level per format: Opus at 0.85 is about 32 kbit/s (at 0.92, about
# 19 kbit/s, its coding lifted a consonant's peak by 2.3 dB, over the ceiling); MP3 at 0.75 is
# VBR at about 35 kbit/s for this mono speech.
LEVELS = {"ogg": 0.85, "mp3": 0.75}
Format = Literal["ogg", "mp3"]


@dataclass(frozen=True)
class Recipe:
    """Everything a track is made from besides the content."""

    routine: str  # a routine id, adapted ("quick~1e") or single ("x.cat_cow")
    level: int
    language: str
    scale: float = 1.0  # the timeline's time scale (ROUTINE_TIME_SCALE)
    voice: bool = True
    tones: bool = True
    format: Format = "ogg"  # "ogg" (Opus: the Mini App, voice notes), "mp3" (sendAudio)

    def digest(self) -> str:
        """A stable hash of the recipe alone."""
        text = json.dumps(asdict(self), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:20]


def voice_note(exercise_id: str, level: int, language: str) -> Recipe:
    """The recipe of one exercise's voice note at a person's level (Ogg Opus, as Telegram's
    voice notes are)."""
    return Recipe(single(exercise_id), level, language, format="ogg")


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
        suffix = "mp3" if recipe.format == "mp3" else "ogg"
        return self.cache / f"{name}.{suffix}"

    def _clip(self, phrase: Phrase) -> np.ndarray:
        return read_clip(self.phrases.clip_path(phrase))

    def render(self, recipe: Recipe) -> Path:
        """The recipe's file, made now unless cached (blocking: call render_async from the bot)."""
        path = self.path(recipe)
        if path.is_file():
            return path
        samples = mix(self.script(recipe), self._clip)
        self.cache.mkdir(parents=True, exist_ok=True)
        codec.write(path, samples, RATE, recipe.format, LEVELS[recipe.format])
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


def _start_worker(root: Path, cache: Path) -> Guide:
    global _worker_guide
    if _worker_guide is None or _worker_guide.content.root != root or _worker_guide.cache != cache:
        _worker_guide = Guide(load_content(root), cache)
    return _worker_guide


def _render_in_worker(root: Path, cache: Path, recipe: Recipe) -> Path:
    """A worker process's render: its own content and clips, read once per process."""
    return _start_worker(root, cache).render(recipe)


def workers(count: int = 2) -> ProcessPoolExecutor:
    """Worker processes for render_async (one per core here); shut down with the bot."""
    return ProcessPoolExecutor(max_workers=count)
