"""Query functions for the Telegram file_id cache of pictures and animations."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import MediaFile, utcnow


async def load_file_ids(tx: AsyncSession) -> dict[str, tuple[str, str]]:
    """Every cached upload: name -> (content digest, file_id)."""
    rows = await tx.execute(select(MediaFile.name, MediaFile.digest, MediaFile.file_id))
    return {name: (digest, file_id) for name, digest, file_id in rows.all()}


async def save_file_id(tx: AsyncSession, name: str, digest: str, file_id: str) -> None:
    """Remember the file_id Telegram gave to this version of the file."""
    row = await tx.get(MediaFile, name)
    if row is None:
        tx.add(MediaFile(name=name, digest=digest, file_id=file_id))
    else:
        row.digest, row.file_id, row.uploaded_at = digest, file_id, utcnow()


async def forget_file_id(tx: AsyncSession, name: str) -> None:
    """Drop a file_id Telegram rejected, so the next send uploads again."""
    await tx.execute(delete(MediaFile).where(MediaFile.name == name))
