"""Files the bot uploads: stored on disk, known by file_id, re-sent without a new upload."""

from __future__ import annotations

import io
import itertools
import mimetypes
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.state import Stats
from emulator.wire import bad_request

WRONG_FILE = "wrong file identifier/HTTP URL specified"
DEFAULT_SUFFIX = {
    "photo": ".jpg",
    "animation": ".mp4",
    "video": ".mp4",
    "document": ".bin",
    "audio": ".mp3",
    "voice": ".ogg",
    "thumbnail": ".jpg",
}
FILE_ID_PREFIX = {
    "photo": "AgAC",
    "animation": "CgAC",
    "video": "BAAC",
    "document": "BQAC",
    "audio": "CQAC",
    "voice": "AwAC",
    "thumbnail": "AAMC",
}
# What an audio file or voice note keeps from its upload (Telegram reads it once; a send by
# file_id shows the same).
AUDIO_META = ("duration", "title", "performer")


@dataclass(frozen=True, slots=True)
class StoredFile:
    file_id: str
    unique_id: str
    kind: str
    path: Path
    file_path: str  # relative to the media dir, as getFile reports it
    file_name: str
    size: int
    width: int = 0
    height: int = 0
    meta: tuple[tuple[str, Any], ...] = ()  # an audio file's duration, title, performer
    thumbnail: StoredFile | None = None  # an audio file's uploaded cover


def image_size(content: bytes) -> tuple[int, int]:
    """(width, height) if Pillow can read the bytes as an image, else (0, 0)."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            return int(width), int(height)
    except Exception:  # not an image (a document, a video): Telegram gives no size either
        return 0, 0


class FileStore:
    """The files of one emulator, in its media directory."""

    def __init__(self, media_dir: Path, stats: Stats) -> None:
        self.media_dir = media_dir
        self.stats = stats
        self.by_id: dict[str, StoredFile] = {}
        self._numbers = itertools.count(1)

    def store(
        self,
        kind: str,
        file_name: str,
        content: bytes,
        *,
        by_bot: bool = True,
        meta: tuple[tuple[str, Any], ...] = (),
        thumbnail: StoredFile | None = None,
    ) -> StoredFile:
        """Keep an upload; it gets a fresh file_id and file_unique_id.

        by_bot=False for files a simulated user sends, which are not the bot's uploads.
        """
        if by_bot:
            self.stats.uploads += 1
        number = next(self._numbers)
        suffix = Path(file_name).suffix or DEFAULT_SUFFIX.get(kind, ".bin")
        relative = f"{kind}s/file_{number}{suffix}"
        path = self.media_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        pictured = kind in ("photo", "animation", "video", "thumbnail")
        width, height = image_size(content) if pictured else (0, 0)
        stored = StoredFile(
            file_id=f"{FILE_ID_PREFIX.get(kind, 'BQAC')}{secrets.token_urlsafe(30)}",
            unique_id=f"AQAD{secrets.token_urlsafe(9)}",
            kind=kind,
            path=path,
            file_path=relative,
            file_name=file_name,
            size=len(content),
            width=width,
            height=height,
            meta=meta,
            thumbnail=thumbnail,
        )
        self.by_id[stored.file_id] = stored
        return stored

    def forget_all(self) -> None:
        """Forget every file_id, as if Telegram had dropped them (the bot must upload again)."""
        self.by_id.clear()

    def get(self, file_id: str) -> StoredFile | None:
        return self.by_id.get(file_id)

    def resolve(
        self,
        kind: str,
        value: Any,
        field_name: str,
        files: dict[str, tuple[str, bytes]],
        **upload_with: Any,
    ) -> StoredFile:
        """The file a parameter names: an upload in field_name, attach://name, or a file_id.
        `upload_with`: what an upload keeps (`store`'s meta and thumbnail)."""
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(WRONG_FILE)
            return self.store(kind, *upload, **upload_with)
        if (value is None or value == "") and field_name in files:
            return self.store(kind, *files[field_name], **upload_with)
        if isinstance(value, str) and value in self.by_id:
            self.stats.file_id_reuses += 1
            return self.by_id[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            # The emulator cannot fetch URLs (no internet here); Telegram's answer to a URL
            # it cannot fetch is this one.
            raise bad_request("failed to get HTTP URL content")
        raise bad_request(WRONG_FILE)

    def describe(self, stored: StoredFile) -> dict[str, Any] | list[dict[str, Any]]:
        """The Bot API object of a stored file as a message carries it."""
        base: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": stored.size,
        }
        if stored.kind == "photo":
            return [{**base, "width": stored.width, "height": stored.height}]
        mime_type = mimetypes.guess_type(stored.file_name)[0] or "application/octet-stream"
        if stored.kind == "voice":
            return {**base, **dict(stored.meta), "mime_type": "audio/ogg"}
        if stored.kind == "audio":
            described = {**base, **dict(stored.meta), "file_name": stored.file_name}
            described["mime_type"] = mime_type
            if stored.thumbnail is not None:
                cover = stored.thumbnail
                described["thumbnail"] = {
                    "file_id": cover.file_id,
                    "file_unique_id": cover.unique_id,
                    "file_size": cover.size,
                    "width": cover.width,
                    "height": cover.height,
                }
            return described
        if stored.kind in ("animation", "video"):
            return {
                **base,
                "width": stored.width,
                "height": stored.height,
                "duration": 1,
                "file_name": stored.file_name,
                "mime_type": mime_type,
            }
        return {**base, "file_name": stored.file_name, "mime_type": mime_type}

    def file_object(self, stored: StoredFile) -> dict[str, Any]:
        """What getFile answers."""
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    def local_path(self, file_path: str) -> Path | None:
        """The file a download URL names, never outside the media dir."""
        root = self.media_dir.resolve()
        candidate = (root / file_path).resolve()
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return None
        return candidate
