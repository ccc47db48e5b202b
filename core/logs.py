"""Logging set-up that keeps the bot token out of every log line, at every level."""

from __future__ import annotations

import logging
import re
from pathlib import Path

# Any string shaped like a bot token (digits, a colon, 30+ token characters).
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
REDACTED = "[REDACTED-TOKEN]"


class RedactingFormatter(logging.Formatter):
    """Formats a record as usual, then removes the token from the whole text, traceback included."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self._secrets = [secret for secret in secrets if secret]

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_PATTERN.sub(REDACTED, text)


def setup_logging(level: str, secrets: list[str], file: Path | None = None) -> None:
    """Route all logging through one redacting handler; quiet chatty libraries.

    With `file`, the log goes there instead of the terminal (the terminal chat needs the screen).
    """
    handler: logging.Handler
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(file, encoding="utf-8")
    else:
        handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL (which contains the token) at INFO; the formatter would redact
    # it anyway, but the lines are noise.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
