"""The audio guide's stored facts, one transaction each: the file_ids of uploaded tracks and
voice notes (per bot and recipe: db/audio.py), and the level of a person's doses."""

from __future__ import annotations

from core.context import BotState
from db import audio as store


async def stored_file_id(data: BotState, bot_id: int, recipe: str) -> str | None:
    """The file_id this bot got for the file named `recipe`, if any."""
    async with data.db() as tx:
        return await store.audio_file_id(tx, bot_id, recipe)


async def remember_file_id(data: BotState, bot_id: int, recipe: str, file_id: str) -> None:
    """Keep the file_id of a new upload."""
    async with data.db() as tx:
        await store.save_audio_file_id(tx, bot_id, recipe, file_id)
        await tx.commit()


async def forget_file_id(data: BotState, bot_id: int, recipe: str) -> None:
    """Forget a file_id Telegram refused: the next send uploads the file again."""
    async with data.db() as tx:
        await store.forget_audio_file_id(tx, bot_id, recipe)
        await tx.commit()


async def dose_level(data: BotState, user_id: int) -> int:
    """The level a person's doses are at (a voice note of one exercise is made at it)."""
    async with data.db() as tx:
        return await store.level_of(tx, user_id)
