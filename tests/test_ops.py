"""Small pieces of ops/ and the settings they read: the webhook path, where `bot.py health`
asks, the error log's windows and alert rate limit, the metrics text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.config import ConfigError, Settings, load_settings
from core.errorlog import ErrorLog
from ops.health import health_url
from ops.metrics import Metrics


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://example.org/telegram", "/telegram"),
        ("https://example.org/bots/backcare/", "/bots/backcare"),
        ("https://example.org", "/"),
        ("https://example.org:8443/", "/"),
    ],
)
def test_the_webhook_path_is_the_path_of_the_url(url: str, path: str) -> None:
    assert settings(webhook_url=url).webhook_path == path


def test_health_is_asked_where_the_bot_listens() -> None:
    assert health_url(settings()) is None
    assert health_url(settings(health_port=8080)) == "http://127.0.0.1:8080/healthz"
    hook = settings(webhook_url="https://e.org/t", webhook_port=8443)
    assert health_url(hook) == "http://127.0.0.1:8443/healthz"


def test_a_malformed_secret_or_key_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_SECRET", "has spaces and ümlauts")
    monkeypatch.setenv("DATA_KEY", "not-a-key")
    with pytest.raises(ConfigError) as error:
        load_settings(_env_file=None)
    assert "WEBHOOK_SECRET:" in str(error.value) and "DATA_KEY:" in str(error.value)
    assert "has spaces" not in str(error.value) and "not-a-key" not in str(error.value)


def test_errors_are_counted_for_a_day_and_alert_once_per_interval() -> None:
    log = ErrorLog()
    start = datetime(2026, 3, 1, tzinfo=UTC)
    quiet = timedelta(hours=1)
    for minute in range(4):
        log.record(start + timedelta(minutes=minute))
    assert not log.alert_due(start + timedelta(minutes=4), 5, quiet)
    log.record(start + timedelta(minutes=4))
    assert log.alert_due(start + timedelta(minutes=4), 5, quiet)
    assert not log.alert_due(start + timedelta(minutes=5), 5, quiet)  # just alerted
    for minute in range(70, 75):
        log.record(start + timedelta(minutes=minute))
    assert log.alert_due(start + timedelta(minutes=75), 5, quiet)  # an hour later: again
    log.record(start + timedelta(days=1, minutes=72))
    assert log.since(start) == 4  # minutes 72-74 and the new one; older ones forgotten
    assert log.total == 11


def test_metrics_count_updates_and_latency() -> None:
    metrics = Metrics()
    metrics.observe_update(object(), 0.2)
    body, content_type = metrics.render()
    text = body.decode()
    assert content_type.startswith("text/plain")
    assert 'backcare_updates_total{kind="other"} 1.0' in text
    assert 'backcare_reply_latency_seconds_bucket{le="0.25"} 1.0' in text
