"""Query functions for the audio guide: the file_ids of uploaded tracks and voice notes, and the
level a person's doses are at."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AudioFile, UserProgress, utcnow


async def audio_file_id(tx: AsyncSession, bot_id: int, recipe: str) -> str | None:
    """The file_id this bot got for the file named `recipe`, if it was uploaded before."""
    found: str | None = await tx.scalar(
        select(AudioFile.file_id).where(AudioFile.bot_id == bot_id, AudioFile.recipe == recipe)
    )
    return found


async def save_audio_file_id(tx: AsyncSession, bot_id: int, recipe: str, file_id: str) -> None:
    """Remember the file_id Telegram gave this bot's upload of the file named `recipe`."""
    row = await tx.get(AudioFile, (bot_id, recipe))
    if row is None:
        tx.add(AudioFile(bot_id=bot_id, recipe=recipe, file_id=file_id))
    else:
        row.file_id, row.uploaded_at = file_id, utcnow()


async def forget_audio_file_id(tx: AsyncSession, bot_id: int, recipe: str) -> None:
    """Drop a file_id Telegram refused, so the next send uploads again."""
    await tx.execute(
        delete(AudioFile).where(AudioFile.bot_id == bot_id, AudioFile.recipe == recipe)
    )


async def level_of(tx: AsyncSession, user_id: int) -> int:
    """The person's progression level (0 before their first session)."""
    level: int | None = await tx.scalar(
        select(UserProgress.level).where(UserProgress.user_id == user_id)
    )
    return level or 0
