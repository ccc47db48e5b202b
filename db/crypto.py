"""Health data encrypted at rest: the data keys, and column types that encrypt what they store.

A column becomes encrypted by giving it the type `EncryptedText()` or `EncryptedInt()` (then a
migration that re-writes its rows, like 0008). Values are Fernet tokens (AES-128-CBC with an
HMAC-SHA256 tag: authenticated, so a changed byte is refused, never misread). The keys come from
`DATA_KEY`: several comma-separated keys for rotation, the first encrypts, all decrypt.

The keys belong to an engine, not to the process: `make_engine(..., keys=...)` puts them on the
engine's dialect, which is what a column type sees when it converts a value. An engine without
keys can use every table, and fails with `DataKeyError` only when it meets an encrypted value.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text, TypeDecorator
from sqlalchemy.engine import Dialect

# The dialect attribute that carries an engine's keys.
KEYS_ATTRIBUTE = "backcare_data_keys"


class DataKeyError(RuntimeError):
    """The data keys are missing, malformed, or do not open the stored data."""


class DataKeys:
    """The keys of DATA_KEY: the first encrypts, every one decrypts."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise DataKeyError("DATA_KEY is empty")
        try:
            self._fernets = [Fernet(key.strip().encode()) for key in keys]
        except (ValueError, TypeError):
            raise DataKeyError(
                "DATA_KEY is not a list of Fernet keys (32 url-safe base64-encoded bytes each; "
                "make one with: python bot.py new-key)"
            ) from None
        self._all = MultiFernet(self._fernets)

    @classmethod
    def parse(cls, value: str) -> DataKeys:
        """Keys from DATA_KEY's text: comma-separated, newest first."""
        return cls([part for part in value.split(",") if part.strip()])

    def __len__(self) -> int:
        return len(self._fernets)

    def encrypt(self, plain: str) -> str:
        return self._all.encrypt(plain.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._all.decrypt(token.encode("ascii")).decode()
        except (InvalidToken, UnicodeError):
            raise DataKeyError(
                "a stored value could not be decrypted with any key in DATA_KEY "
                "(a wrong key, or a key removed before `python bot.py rotate-key` finished)"
            ) from None

    def rotate(self, token: str) -> str:
        """The same value, encrypted under the first key."""
        try:
            return self._all.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise DataKeyError(
                "a stored value could not be decrypted with any key in DATA_KEY"
            ) from None

    def opens_with_first(self, token: str) -> bool:
        """True if the first key alone decrypts `token` (it needs no rotation)."""
        try:
            self._fernets[0].decrypt(token.encode("ascii"))
        except InvalidToken:
            return False
        return True


def new_key() -> str:
    """A fresh random data key, as DATA_KEY takes it."""
    return Fernet.generate_key().decode("ascii")


def keys_of(dialect: Dialect) -> DataKeys:
    """The keys given to the engine of `dialect`; DataKeyError if it has none."""
    keys: DataKeys | None = getattr(dialect, KEYS_ATTRIBUTE, None)
    if keys is None:
        raise DataKeyError(
            "health data needs DATA_KEY, and this database engine was opened without it"
        )
    return keys


class EncryptedText(TypeDecorator[str]):
    """Text stored encrypted: a Fernet token in a TEXT column. NULL stays NULL.

    The database sees only ciphertext: never compare, sort or group by such a column in SQL
    (equal values have different tokens); load the rows and compare in Python.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return keys_of(dialect).encrypt(self.to_text(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return self.from_text(keys_of(dialect).decrypt(value))

    def to_text(self, value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError(f"an encrypted text column takes str, not {type(value).__name__}")
        return value

    def from_text(self, text: str) -> Any:
        return text


class EncryptedInt(EncryptedText):
    """A whole number stored encrypted (as the token of its decimal digits)."""

    cache_ok = True

    def to_text(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"an encrypted int column takes int, not {type(value).__name__}")
        return str(value)

    def from_text(self, text: str) -> Any:
        return int(text)


def read_or_create_key_file(path: Path) -> str:
    """The local key kept in `path` (mode 0600), made on first use: for `make run` without a
    token, so the emulator's database is encrypted like a real one."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = new_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key


def looks_like_token(value: str) -> bool:
    """True if a stored string is a Fernet token rather than plain text (for migrations)."""
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (ValueError, UnicodeError):
        return False
    return len(raw) >= 57 and raw[0] == 0x80
