"""The Mini App's settings: the URL must be https but for a loopback host."""

from __future__ import annotations

import pytest

from core.config import ConfigError, load_settings


def test_the_app_settings_need_https_but_for_a_loopback_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    settings = load_settings(_env_file=None)
    assert settings.mini_app_url is None and settings.mini_app_auth_max_age == 86400
    assert (settings.mini_app_listen, settings.mini_app_port) == ("127.0.0.1", 8088)
    for fine in ("https://bot.example.org/app/", "http://127.0.0.1:8088/", "http://localhost/"):
        monkeypatch.setenv("MINI_APP_URL", fine)
        assert load_settings(_env_file=None).mini_app_url == fine
    monkeypatch.setenv("MINI_APP_URL", "http://bot.example.org/app/")
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert "MINI_APP_URL: is not an https URL" in str(caught.value)
