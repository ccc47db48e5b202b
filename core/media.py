"""Sends pictures and animations: uploaded once, then re-sent by file_id (refreshed if rejected)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, InputMediaAnimation, InputMediaPhoto, Message
from telegram.error import BadRequest

from db.connection import TransactionFactory
from db.media import forget_file_id, load_file_ids, save_file_id

logger = logging.getLogger(__name__)


class MediaLibrary:
    """The file_id cache in memory, backed by the media_files table."""

    def __init__(self, transactions: TransactionFactory, resolve: Callable[[str], Path]) -> None:
        self._transactions = transactions
        self._resolve = resolve  # content's media_path: a name in content/media -> its file
        self._file_ids: dict[str, tuple[str, str]] = {}
        self._digests: dict[str, str] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._storing: set[asyncio.Task[None]] = set()

    async def load(self) -> None:
        """Read the stored file_ids once at start."""
        async with self._transactions() as tx:
            self._file_ids = await load_file_ids(tx)

    def _digest(self, name: str) -> str:
        if name not in self._digests:
            self._digests[name] = hashlib.sha256(self._resolve(name).read_bytes()).hexdigest()
        return self._digests[name]

    def cached_file_id(self, name: str) -> str | None:
        """The file_id for the current version of the file, if it was uploaded before."""
        cached = self._file_ids.get(name)
        return cached[1] if cached and cached[0] == self._digest(name) else None

    async def send(
        self, bot: Bot, chat_id: int, name: str, *, animation: bool = False, **kwargs: Any
    ) -> Message:
        """Send a picture (or animation) from content/media by name."""
        file_id = self.cached_file_id(name)
        if file_id is not None:
            try:
                return await self._send(bot, chat_id, file_id, animation, kwargs)
            except BadRequest as error:
                if "file" not in error.message.lower():
                    raise
                logger.warning("Telegram rejected the file_id of %s; uploading again", name)
                await self._forget(name)
        lock = self._locks.setdefault(name, asyncio.Lock())
        async with lock:
            file_id = self.cached_file_id(name)
            if file_id is not None:
                return await self._send(bot, chat_id, file_id, animation, kwargs)
            path = self._resolve(name)
            message = await self._send(
                bot, chat_id, path.read_bytes(), animation, kwargs, filename=path.name
            )
            new_id = _file_id_of(message)
            if new_id is not None:
                await self._remember(name, new_id)
            return message

    async def edit(
        self,
        bot: Bot,
        chat_id: int,
        message_id: int,
        name: str,
        *,
        animation: bool,
        caption: str,
        reply_markup: InlineKeyboardMarkup,
    ) -> None:
        """Replace a message's picture in place (uploading it within the edit the first time)."""
        media_type = InputMediaAnimation if animation else InputMediaPhoto
        file_id = self.cached_file_id(name)
        if file_id is not None:
            try:
                await bot.edit_message_media(
                    media_type(file_id, caption=caption),
                    chat_id,
                    message_id,
                    reply_markup=reply_markup,
                )
                return
            except BadRequest as error:
                if "file" not in error.message.lower():
                    raise
                await self._forget(name)
        path = self._resolve(name)
        media = media_type(path.read_bytes(), caption=caption, filename=path.name)
        result = await bot.edit_message_media(media, chat_id, message_id, reply_markup=reply_markup)
        if isinstance(result, Message) and (new_id := _file_id_of(result)) is not None:
            await self._remember(name, new_id)

    @staticmethod
    async def _send(
        bot: Bot,
        chat_id: int,
        media: str | bytes,
        animation: bool,
        kwargs: dict[str, Any],
        filename: str | None = None,
    ) -> Message:
        if animation:
            return await bot.send_animation(chat_id, media, filename=filename, **kwargs)
        return await bot.send_photo(chat_id, media, filename=filename, **kwargs)

    async def _remember(self, name: str, file_id: str) -> None:
        """Use the file_id at once; store it in the background (callers never wait on the
        database for it: guided sessions waiting for the same picture go on right away)."""
        digest = self._digest(name)
        self._file_ids[name] = (digest, file_id)
        task = asyncio.create_task(self._store(name, digest, file_id), name=f"media:{name}")
        self._storing.add(task)
        task.add_done_callback(self._storing.discard)

    async def _store(self, name: str, digest: str, file_id: str) -> None:
        try:
            async with self._transactions() as tx:
                await save_file_id(tx, name, digest, file_id)
                await tx.commit()
        except Exception:  # it is uploaded again after a restart: nothing is lost
            logger.exception("could not store the file_id of %s", name)

    async def _forget(self, name: str) -> None:
        self._file_ids.pop(name, None)
        async with self._transactions() as tx:
            await forget_file_id(tx, name)
            await tx.commit()


def _file_id_of(message: Message) -> str | None:
    if message.photo:
        return message.photo[-1].file_id
    if message.animation:
        return message.animation.file_id
    if message.document:
        return message.document.file_id
    return None
