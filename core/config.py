"""Settings read from the environment and an optional `.env`, validated once at start."""

from __future__ import annotations

import logging
import re
import tempfile
import zoneinfo
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from db.crypto import DataKeyError, DataKeys

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/backcare.db"

# How to fix each variable, shown with a validation error.
HINTS: dict[str, str] = {
    "TELEGRAM_BOT_TOKEN": "get one from @BotFather; it looks like 123456789:AAE... (or leave it "
    "unset to run on the local emulator)",
    "TELEGRAM_BASE_URL": "a URL such as http://127.0.0.1:8081/bot (python-telegram-bot's base_url)",
    "TELEGRAM_BASE_FILE_URL": "a URL such as http://127.0.0.1:8081/file/bot",
    "DATABASE_URL": "an SQLAlchemy async URL, e.g. sqlite+aiosqlite:///./data/backcare.db or "
    "postgresql+asyncpg://user:password@host/dbname",
    "ADMIN_IDS": "comma-separated Telegram user ids, e.g. 12345,67890",
    "DEFAULT_LANGUAGE": "a language code that has a file in content/locales/, e.g. en",
    "DEFAULT_TIMEZONE": "an IANA time zone name such as Europe/Berlin or UTC",
    "LOG_LEVEL": "one of DEBUG, INFO, WARNING, ERROR",
    "RETENTION_DAYS": "a whole number of days, at least 30 (default 365)",
    "WEBHOOK_URL": "the public https URL Telegram posts to, e.g. https://bot.example.org/telegram",
    "WEBHOOK_SECRET": "1-256 characters A-Z, a-z, 0-9, _ and -; make one with "
    "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`",
    "DATA_KEY": "one or more Fernet keys, comma-separated, newest first; make one with "
    "`python bot.py new-key` and keep it apart from the database and its backups",
    "HEALTH_PORT": "a free TCP port such as 8080 (polling mode; `python bot.py health` asks it)",
    "METRICS_PORT": "a free TCP port such as 9100 (polling mode), or unset for none",
    "MINI_APP_URL": "the app's public https URL, e.g. https://bot.example.org/app/ (plain http "
    "only for 127.0.0.1 or localhost), or unset for no app",
    "MINI_APP_PORT": "a free TCP port such as 8088 (polling mode: the Mini App's own server)",
    "MINI_APP_AUTH_MAX_AGE": "seconds that Telegram's launch data stays valid, e.g. 86400 (a day)",
}


class ConfigError(Exception):
    """Raised with a message that names each bad variable and how to fix it."""


class Settings(BaseSettings):
    """Every setting of the bot; each field maps to the upper-case environment variable."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str | None = None
    telegram_base_file_url: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    default_language: str = "en"
    default_timezone: str = "UTC"
    log_level: str = "INFO"

    # Webhook mode (optional): set WEBHOOK_URL to receive updates by webhook instead of polling.
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    # Required with WEBHOOK_URL: Telegram sends it with every update, anything without it gets 403.
    webhook_secret: SecretStr | None = None
    # The webhook's path is the path of WEBHOOK_URL (e.g. /telegram); /healthz and /metrics are
    # served on the same port. SIGTERM stops taking updates and finishes within this bound.
    shutdown_timeout_seconds: float = Field(default=8.0, gt=0, le=300)
    # Polling mode: /healthz on this local port (unset: none), asked by `python bot.py health`.
    health_port: int | None = Field(default=None, ge=1, le=65535)
    # Polling mode: /metrics (Prometheus) on this port and address (unset: none).
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_listen: str = "127.0.0.1"
    # Benchmarks: one JSON line a second of loop lag, database waits, pace waits (perf/probe.py).
    probe_file: str | None = None

    # Health data is encrypted at rest with these keys (Fernet; comma-separated, the first
    # encrypts, all decrypt: rotation). Required with a token; `make run` without one keeps a
    # local key in data/data.key.
    data_key: SecretStr | None = None
    # Operators (ADMIN_IDS) are alerted when this many errors happen within ten minutes, at most
    # once per ERROR_ALERT_MINUTES.
    error_alert_threshold: int = Field(default=5, ge=1)
    error_alert_minutes: int = Field(default=60, ge=1)

    # Sending ceilings (Telegram: ~30 messages/s in bulk, ~1 message/s per chat).
    bulk_rate_per_second: float = Field(default=30.0, gt=0)
    chat_rate_per_second: float = Field(default=1.0, gt=0)
    chat_burst: int = Field(default=3, ge=1)

    # Delivery rules (throttle/README.md): how long an interactive reply or edit is retried
    # through 429s, server errors and time-outs; how long to wait for Telegram's answer.
    interactive_deadline_seconds: float = Field(default=120.0, gt=0, le=600)
    telegram_read_timeout: float = Field(default=10.0, gt=0, le=120)
    # HTTP connections to Telegram, and at most this many requests in flight (the rest wait in
    # the transport, in order: perf/transport.py).
    telegram_connections: int = Field(default=64, ge=1, le=1024)
    # The HTTP client for Telegram: aiohttp (perf/transport.py: a sixth of httpx's CPU per
    # request) or httpx (python-telegram-bot's default).
    telegram_http: Literal["aiohttp", "httpx"] = "aiohttp"
    # Fairness: each user may send a burst of this many updates, then this many per second;
    # the excess is dropped with at most one notice a minute. Pending updates per chat are capped.
    user_burst: int = Field(default=20, ge=1)
    user_rate_per_second: float = Field(default=2.0, gt=0)
    max_pending_per_chat: int = Field(default=10, ge=1)
    # Updates handled at once; the rest wait for a slot (core/updates.py). A handler waiting
    # in a group commit lends its slot out meanwhile (perf/slots.py).
    update_slots: int = Field(default=64, ge=1, le=4096)
    # Bounds per user.
    max_reminders_per_user: int = Field(default=10, ge=1, le=100)
    # Several processes on one PostgreSQL: a process owns its claims and live sessions for this
    # long after its last heartbeat; after that another process may settle them.
    lease_seconds: float = Field(default=60.0, gt=1, le=3600)
    # This process's name among those sharing the database; unique per process (e.g. the pod
    # name). A restarted process with the same name takes back its own claims at once.
    instance_id: str = Field(default="main", pattern=r"^[A-Za-z0-9_.:-]{1,64}$")

    # Guided routine pacing; tests shrink time with ROUTINE_TIME_SCALE (1.0 = real time).
    routine_time_scale: float = Field(default=1.0, gt=0, le=1.0)
    # Reminders: how late a missed reminder may still be sent after downtime.
    reminder_grace_minutes: int = Field(default=120, ge=0)
    snooze_minutes: int = Field(default=30, ge=1)
    # Privacy: data of people who have not written for this many days is deleted.
    retention_days: int = Field(default=365, ge=30)

    # After a pain report: reminders ask "How is your back today?" instead of inviting to the
    # routine for this many days (or until the user goes back to the normal plan).
    gentle_reminder_days: int = Field(default=7, ge=1, le=60)
    # The morning check after a painful day is sent at this local time.
    morning_check_time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    # "A clinician has checked me" is offered this long after the urgent advice, never at once.
    hold_lift_wait_minutes: int = Field(default=60, ge=0)
    # "I tapped by mistake" is offered for this long after an emergency Yes (then only the
    # clinician's check lifts the hold).
    hold_mistap_minutes: int = Field(default=15, ge=0, le=120)
    # Pain reports this close together are one episode: one report, one follow-up.
    pain_episode_minutes: int = Field(default=10, ge=0, le=120)
    # Gentle sessions without pain after which the bot suggests going back to the normal plan.
    calm_sessions_to_return: int = Field(default=3, ge=1, le=30)

    # /progress: charts and reports are drawn by at most this many workers at once, in worker
    # processes ("process": no GIL shared with the event loop) or threads ("thread").
    report_workers: int = Field(default=2, ge=1, le=16)
    report_pool: Literal["process", "thread"] = "process"
    # The weekly check (PEG-3) is asked at the time of the user's first reminder, else at this.
    weekly_check_time: str = Field(default="19:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    # After "this exercise hurt", the exercise is easier (or left out) for this many days.
    hurt_exercise_days: int = Field(default=28, ge=1, le=365)
    # The audio guide: rendered tracks and voice notes are cached here (named by their recipe's
    # hash; safe to delete), made by this many worker processes (started on first need).
    audio_cache: Path = Field(
        default_factory=lambda: Path(tempfile.gettempdir()) / "backcare-audio"
    )
    audio_workers: int = Field(default=2, ge=1, le=8)
    # The Mini App (webapp/): its public URL (unset: the chat session only, no app is offered);
    # polling mode serves it on MINI_APP_LISTEN:MINI_APP_PORT, webhook mode on the webhook's port.
    mini_app_url: str | None = None
    mini_app_port: int = Field(default=8088, ge=1, le=65535)
    mini_app_listen: str = "127.0.0.1"
    # How old Telegram's launch data may be (auth_date) before the app's API refuses it.
    mini_app_auth_max_age: int = Field(default=24 * 3600, ge=60, le=7 * 24 * 3600)

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _empty_token_is_none(cls, value: Any) -> Any:
        return None if value in ("", None) else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _check_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            bot_id, _, secret = value.get_secret_value().partition(":")
            if not (bot_id.isdigit() and len(secret) >= 10):
                raise ValueError("does not look like a bot token")
        return value

    @field_validator("data_key", "webhook_secret", "webhook_url", "mini_app_url", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("webhook_secret")
    @classmethod
    def _check_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("is not 1-256 characters A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("data_key")
    @classmethod
    def _check_data_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            try:
                DataKeys.parse(value.get_secret_value())
            except DataKeyError:
                raise ValueError("is not a list of Fernet keys") from None
        return value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("https", "http") or not parts.hostname:
                raise ValueError("is not an http(s) URL")
        return value

    @field_validator("mini_app_url")
    @classmethod
    def _check_mini_app_url(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
            plain_but_local = parts.scheme == "http" and loopback
            if not parts.hostname or not (parts.scheme == "https" or plain_but_local):
                raise ValueError("is not an https URL (plain http only for a loopback host)")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("default_timezone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str) -> str:
        level = value.upper()
        if not isinstance(logging.getLevelName(level), int):
            raise ValueError(f"unknown log level {value!r}")
        return level

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError("is not a database URL")
        if value.startswith("sqlite://") or value.startswith("postgresql://"):
            raise ValueError("needs an async driver (sqlite+aiosqlite:// or postgresql+asyncpg://)")
        return value

    @property
    def local(self) -> bool:
        """No token and no Bot API server: the local emulator and the terminal chat."""
        return self.token is None and not self.telegram_base_url

    @property
    def webhook_path(self) -> str:
        """The path Telegram posts updates to: WEBHOOK_URL's path, or /."""
        return urlsplit(self.webhook_url or "").path.rstrip("/") or "/"

    def data_keys(self) -> DataKeys | None:
        """The data keys of DATA_KEY, or None when it is unset."""
        return DataKeys.parse(self.data_key.get_secret_value()) if self.data_key else None

    def missing(self) -> list[tuple[str, str]]:
        """Variables required by others that are set: (name, reason)."""
        found = []
        if self.webhook_url and self.webhook_secret is None:
            found.append(
                (
                    "WEBHOOK_SECRET",
                    "is required with WEBHOOK_URL (an open webhook would take "
                    "forged updates from anyone)",
                )
            )
        if not self.local and self.data_key is None:
            found.append(("DATA_KEY", "is required with a token (health data is encrypted)"))
        return found

    @property
    def token(self) -> str | None:
        """The bot token in clear, or None when the bot should use the local emulator."""
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

    def sqlite_path(self) -> Path | None:
        """The SQLite file behind DATABASE_URL, if it is a file-backed SQLite URL."""
        if not self.database_url.startswith("sqlite"):
            return None
        path = self.database_url.split(":///", 1)[-1]
        return None if path in ("", ":memory:") else Path(path)


def load_settings(**overrides: Any) -> Settings:
    """Read and validate settings, raising ConfigError that names each bad variable."""
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        problems = [
            (
                str(problem["loc"][0]).upper() if problem["loc"] else "?",
                problem["msg"].removeprefix("Value error, "),
            )
            for problem in error.errors()
        ]
    else:
        problems = settings.missing()
        if not problems:
            return settings
    lines = ["Configuration error:"]
    for name, reason in problems:
        hint = HINTS.get(name, "see the configuration table in README.md")
        lines.append(f"  {name}: {reason}. Fix: {hint}.")
    raise ConfigError("\n".join(lines))
