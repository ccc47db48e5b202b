"""The audio guide in the bot: a session's track (MP3, `sendAudio`) and an exercise's voice note
(Ogg Opus, `sendVoice`), rendered off the event loop, cached on disk, sent by file_id.

A file is rendered by `audio.tracks.Guide.render_async` in worker processes (started on first
need, AUDIO_WORKERS of them) into AUDIO_CACHE, named by the hash of its recipe and script. The
file_id Telegram gives the first upload is stored per bot and hash (services/audio.py), so the
same recipe is sent again by file_id without rendering or uploading; a file_id Telegram refuses
is forgotten and the file uploaded again. Sends go through the bot's rate limiter like every
other request (interactive delivery: 429s and 5xx retried until the deadline, throttle/).
"""

from __future__ import annotations

import asyncio
import contextvars
import io
import logging
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image
from telegram import Bot, Message
from telegram.error import BadRequest

from audio.tracks import Guide, Recipe, voice_note, workers
from core.config import Settings
from core.context import BotState
from services import audio as stored
from ui.guided import item_picture

logger = logging.getLogger(__name__)

THUMB_SIDE = 320  # Telegram: a JPEG thumbnail at most 320 px a side, under 200 kB

# What a send is given: the file to send (a file_id, or the file's bytes with its name).
Send = Callable[[str | bytes, str | None], Awaitable[Message]]


@dataclass(frozen=True)
class Rendered:
    """A recipe ready to send: the hash its file_id is stored under, its length, its chapters
    (start in seconds, exercise), and how to get its file when it must be uploaded."""

    key: str
    seconds: float
    chapters: tuple[tuple[float, str], ...]
    recipe: Recipe


class Tracks:
    """Tracks and voice notes of one bot: rendering (worker processes), the cache, file_ids."""

    def __init__(self, data: BotState, settings: Settings) -> None:
        self._data = data
        self._cache = settings.audio_cache
        self._guide: Guide | None = None
        self._scale = settings.routine_time_scale
        self._count = settings.audio_workers
        self._pool: ProcessPoolExecutor | None = None
        self._starting = asyncio.Lock()
        self._thumbs: dict[str, bytes] = {}
        self._sending: set[asyncio.Task[None]] = set()

    def spawn(self, sending: Coroutine[Any, Any, None], name: str) -> None:
        """Run a send beside the handler that asked for it (a context of its own: it is not a
        reply to that update), kept until done; `close` cancels what is left."""
        task = asyncio.get_running_loop().create_task(
            sending, name=name, context=contextvars.Context()
        )
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    @property
    def guide(self) -> Guide:
        """The audio guide, its phrase library read on first use (`make content` checks it;
        a language without phrases fails only when one of its tracks is asked for)."""
        if self._guide is None:
            self._guide = Guide(self._data.content, self._cache)
        return self._guide

    def track(self, routine_id: str, level: int, language: str) -> Rendered:
        """A session's track: the routine at its level, at the session's time scale (the track
        and the session's timers run on the same timeline), MP3 for sendAudio."""
        recipe = Recipe(routine_id, level, language, scale=self._scale, format="mp3")
        return self._described(recipe)

    def note(self, exercise_id: str, level: int, language: str) -> Rendered:
        """One exercise at a person's dose, as a voice note (Opus, under 1 MB), in real time."""
        return self._described(voice_note(exercise_id, level, language))

    def _described(self, recipe: Recipe) -> Rendered:
        script = self.guide.script(recipe)
        chapters = tuple((chapter.start, chapter.title) for chapter in script.chapters)
        return Rendered(self.guide.path(recipe).stem, script.duration, chapters, recipe)

    async def file(self, recipe: Recipe) -> Path:
        """The recipe's file: from the cache, or rendered now in a worker process."""
        path = self.guide.path(recipe)
        if path.is_file():
            return path
        async with self._starting:
            if self._pool is None:
                self._pool = await workers(self.guide, self._count)
        return await self.guide.render_async(recipe, self._pool)

    async def thumbnail(self, routine_id: str) -> bytes:
        """The routine's picture (its first exercise's) as a small JPEG, made once."""
        name, _ = item_picture(self._data.content, routine_id, 0)
        if name not in self._thumbs:
            self._thumbs[name] = await asyncio.to_thread(_jpeg, self._data.content.media_path(name))
        return self._thumbs[name]

    async def send(
        self, bot: Bot, rendered: Rendered, send: Send, wanted: Callable[[], bool] = lambda: True
    ) -> Message | None:
        """Send by the stored file_id; else (or if Telegram refuses it) render if need be,
        upload, and store the new file_id. Nothing is sent (None) if it is no longer `wanted`
        once it could be (a session ended while its track was being made)."""
        data, key = self._data, rendered.key
        file_id = await stored.stored_file_id(data, bot.id, key)
        if not wanted():
            return None
        if file_id is not None:
            try:
                return await send(file_id, None)
            except BadRequest as error:
                if "file" not in error.message.lower():
                    raise
                logger.warning("Telegram refused an audio file_id; uploading again")
                await stored.forget_file_id(data, bot.id, key)
        path = await self.file(rendered.recipe)
        content = await asyncio.to_thread(path.read_bytes)
        if not wanted():
            return None
        message = await send(content, path.name)
        sent = message.audio or message.voice
        if sent is not None:
            try:
                await stored.remember_file_id(data, bot.id, key, sent.file_id)
            except Exception:  # sent all the same; the next send uploads again
                logger.exception("could not store an audio file_id")
        return message

    async def close(self) -> None:
        """Cancel the sends still under way, stop the worker processes (off the loop)."""
        for task in list(self._sending):
            task.cancel()
        if self._sending:
            await asyncio.wait(self._sending)
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, cancel_futures=True)


def _jpeg(path: Path) -> bytes:
    """A picture as a JPEG thumbnail of at most THUMB_SIDE px a side, on white."""
    with Image.open(path) as picture:
        picture.seek(0)  # an animation: its first frame
        frame = picture.convert("RGBA")
    frame.thumbnail((THUMB_SIDE, THUMB_SIDE))
    flat = Image.new("RGB", frame.size, "white")
    flat.paste(frame, mask=frame.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=85)
    return out.getvalue()
