"""Logging set-up that keeps secrets (the bot token, the webhook secret, the data keys, the
database password) and what users wrote out of everything the process writes: log lines at every
level, uncaught exceptions and warnings."""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from telegram import TelegramObject, Update
from telegram.error import InvalidToken

if TYPE_CHECKING:
    from core.config import Settings

# Any string shaped like a bot token (digits, a colon, 30+ token characters).
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
REDACTED = "[REDACTED]"
WITHHELD = "[withheld]"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def secrets_of(settings: Settings) -> list[str]:
    """Every secret in the settings, in each form it may take in text."""
    found = [settings.token or ""]
    if settings.webhook_secret is not None:
        found.append(settings.webhook_secret.get_secret_value())
    if settings.data_key is not None:  # the whole list, and each key of it
        keys = settings.data_key.get_secret_value()
        found += [keys, *(key.strip() for key in keys.split(","))]
    try:
        password = urlsplit(settings.database_url).password
    except ValueError:
        password = None
    if password:
        found += [password, unquote(password)]  # as written in the URL, and as sent to the server
    return [secret for secret in found if secret]


class Redactor:
    """Replaces each secret, and anything shaped like a bot token, with REDACTED."""

    def __init__(self, secrets: Iterable[str]) -> None:
        found = {secret for secret in secrets if secret}
        # The part of a token after the colon is its secret: it can appear alone (%3A for ':').
        found |= {m.group(1) for s in list(found) if (m := re.fullmatch(r"\d+:(.{10,})", s))}
        # Longest first: a secret that contains another is removed whole.
        self._secrets = sorted(found, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_PATTERN.sub(REDACTED, text)


class RedactingFormatter(logging.Formatter):
    """Formats a record as usual, then removes the secrets from the text, traceback included."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self.redact = Redactor(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


# python-telegram-bot puts what users sent, and what the bot sent them, into log records:
# at DEBUG `telegram.Bot` / `telegram.ext.ExtBot` log each Bot API call's parameters (setWebhook's
# include the webhook secret) and its return value, `telegram.ext.Application` each update
# ("Processing update %s", "Dropping pending update: %s"), `telegram.ext.Updater` each webhook body
# and a wrong secret token; at ERROR and CRITICAL `telegram.request.BaseRequest` and
# `telegram.ext.Updater` log a response or an update that could not be parsed. Raising those
# loggers to INFO would miss the ERROR and CRITICAL lines and lose what is useful in the DEBUG ones
# (which endpoint, which update id), so a filter withholds the payloads instead, at every level.
PAYLOAD_TEMPLATES = frozenset(
    {
        "Webhook received data: %s",
        "Request had the wrong secret token: %s",
        'Can not load invalid JSON data: "%s"',
    }
)


class PayloadFilter(logging.Filter):
    """Withholds updates, Bot API parameters and replies in records; keeps the rest of the line."""

    def filter(self, record: logging.LogRecord) -> bool:
        from_library = record.name == "telegram" or record.name.startswith("telegram.")
        if isinstance(record.args, Mapping):
            record.args = {key: WITHHELD for key in record.args} if from_library else record.args
        elif record.args:
            if from_library and record.msg in PAYLOAD_TEMPLATES:
                record.args = tuple(WITHHELD for _ in record.args)
            else:
                record.args = tuple(withhold(arg, from_library) for arg in record.args)
        if record.exc_info and isinstance(record.exc_info[1], InvalidToken):
            # The traceback only repeats the token; bot.py says what went wrong in one line.
            record.exc_info, record.exc_text = None, None
        return True


def withhold(value: object, from_library: bool) -> object:
    """A log argument, or a stand-in for it if it may hold what a user or the bot wrote."""
    if isinstance(value, Update):
        return f"<Update {value.update_id}>"
    if isinstance(value, TelegramObject):
        return f"<{type(value).__name__}>"
    if from_library and isinstance(value, Mapping | list | tuple | set | bytes | bytearray):
        return f"<{type(value).__name__} {WITHHELD}>"
    return value


class _ReportsLostRecordsQuietly(logging.Handler):
    def handleError(self, record: logging.LogRecord) -> None:
        # logging's own report prints the record's message and arguments, unredacted.
        if logging.raiseExceptions:
            kind = sys.exc_info()[0]
            _write_stderr(
                f"--- a log record from {record.name} could not be written"
                f" ({kind.__name__ if kind else 'error'}) ---\n"
            )


class _StreamHandler(_ReportsLostRecordsQuietly, logging.StreamHandler):
    pass


class _FileHandler(_ReportsLostRecordsQuietly, logging.FileHandler):
    pass


def _write_stderr(text: str) -> None:
    if sys.stderr is not None:
        sys.stderr.write(text)
        sys.stderr.flush()


def _format(kind: type[BaseException] | None, error: Any, trace: TracebackType | None) -> str:
    return "".join(traceback.format_exception(kind, error, trace))


def redact_uncaught_exceptions(redact: Redactor) -> None:
    """Print uncaught exceptions (main thread, other threads, unraisable) with secrets redacted."""

    def excepthook(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
        else:
            _write_stderr(redact(_format(kind, error, trace)))

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return  # as threading's own hook: a thread may end itself this way
        name = args.thread.name if args.thread is not None else threading.get_ident()
        _write_stderr(
            redact(f"Exception in thread {name}:\n")
            + redact(_format(args.exc_type, args.exc_value, args.exc_traceback))
        )

    def unraisablehook(unraisable: Any) -> None:
        message = unraisable.err_msg or "Exception ignored in"
        _write_stderr(
            redact(f"{message}: {unraisable.object!r}\n")
            + redact(_format(unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback))
        )

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
    sys.unraisablehook = unraisablehook


def setup_logging(level: str, secrets: list[str], file: Path | None = None) -> Redactor:
    """Route all logging, uncaught exceptions and warnings through redaction; quiet chatty
    libraries. Returns the redactor, for the few lines printed outside logging.

    With `file`, the log goes there instead of the terminal (the terminal chat needs the screen).
    asyncio's loop exception handler logs through logging, so it is covered too.
    """
    handler: logging.Handler
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = _FileHandler(file, encoding="utf-8")
    else:
        handler = _StreamHandler()
    handler.setFormatter(RedactingFormatter(FORMAT, secrets))
    handler.addFilter(PayloadFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.captureWarnings(True)  # warnings become records of `py.warnings`: redacted too
    redact = Redactor(secrets)
    redact_uncaught_exceptions(redact)
    # httpx logs every request URL (which contains the token) at INFO; the formatter would redact
    # it anyway, but the lines are noise.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("PIL").setLevel(logging.WARNING)
    # Health data: below these levels aiosqlite logs every statement with its bound values, and
    # SQLAlchemy's engine (echo off, but following the root level) statements and result rows.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    return redact
