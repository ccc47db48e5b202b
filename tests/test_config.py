"""Settings: defaults, and errors that name the variable and how to fix it."""

from __future__ import annotations

import pytest

from core.config import ConfigError, load_settings


def test_defaults_need_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    settings = load_settings(_env_file=None)
    assert settings.token is None  # the local emulator is used
    assert settings.database_url == "sqlite+aiosqlite:///./data/backcare.db"
    assert str(settings.sqlite_path()) == "data/backcare.db"


def test_each_bad_variable_is_named_with_a_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not-a-token")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///plain.db")
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    monkeypatch.setenv("ADMIN_IDS", "12, abc")
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    message = str(caught.value)
    assert (
        "TELEGRAM_BOT_TOKEN: does not look like a bot token. Fix: get one from @BotFather"
        in message
    )
    assert "DATABASE_URL: needs an async driver" in message
    assert "DEFAULT_TIMEZONE: unknown time zone 'Mars/Olympus'" in message
    assert "LOG_LEVEL: unknown log level 'LOUD'" in message
    assert "ADMIN_IDS" in message
    assert "not-a-token" not in message  # a secret is never echoed


def test_admin_ids_and_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    monkeypatch.setenv("ADMIN_IDS", "12,34")
    settings = load_settings(_env_file=None)
    assert settings.admin_ids == [12, 34]
    assert settings.token == "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    assert "ABCDEFGHIJ" not in repr(settings)
