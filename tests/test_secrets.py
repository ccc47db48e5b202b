"""Nothing secret and no health data in the process's output: the token, the webhook secret and
the database password are redacted in log lines, tracebacks, uncaught exceptions and warnings;
python-telegram-bot's request parameters and update payloads are withheld; SQL errors hide their
bound values."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading
import warnings
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from telegram import Bot, Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from core.config import Settings
from core.logs import REDACTED, secrets_of, setup_logging
from db.connection import make_engine

TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
WEBHOOK_SECRET = "hook-secret-Zq7x91Lm"
DB_PASSWORD = "pg-pass-Kx81bQ"
TYPED = "my back is aching"  # what a user typed: health data
UNLISTED_SECRET = "secret-the-redactor-never-heard-of"


@pytest.fixture
def secret_settings() -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TOKEN,
        webhook_secret=WEBHOOK_SECRET,
        database_url=f"postgresql+asyncpg://backcare:{DB_PASSWORD}@db.internal:5432/backcare",
    )


class Logged:
    """The real set-up at DEBUG, started inside the test (pytest gives each test phase a new
    captured stderr); `output()` is what it wrote to stderr since."""

    def __init__(self, settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
        self.settings, self.capsys = settings, capsys

    def start(self, file: Path | None = None) -> None:
        logging.captureWarnings(False)  # a second captureWarnings(True) alone does nothing
        setup_logging("DEBUG", secrets_of(self.settings), file=file)
        logging.getLogger("telegram").setLevel(logging.DEBUG)

    def output(self) -> str:
        return self.capsys.readouterr().err


@pytest.fixture
def logged(secret_settings: Settings, capsys: pytest.CaptureFixture[str]) -> Logged:
    """The logging set-up under test (tests/conftest.py undoes it after each test)."""
    return Logged(secret_settings, capsys)


def assert_clean(output: str) -> None:
    for secret in (TOKEN, TOKEN.split(":")[1], WEBHOOK_SECRET, DB_PASSWORD, UNLISTED_SECRET, TYPED):
        assert secret not in output, (secret, output)


def test_the_settings_name_every_secret(secret_settings: Settings) -> None:
    assert {TOKEN, WEBHOOK_SECRET, DB_PASSWORD} <= set(secrets_of(secret_settings))


def test_a_percent_encoded_database_password_is_found_in_both_forms() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url="postgresql+asyncpg://backcare:p%40ss-w0rd-9@db/backcare",
    )
    assert {"p%40ss-w0rd-9", "p@ss-w0rd-9"} <= set(secrets_of(settings))


def test_secrets_are_redacted_in_messages_and_tracebacks(logged: Logged) -> None:
    logged.start()
    log = logging.getLogger("backcare.test")
    log.info("token %s, webhook %s", TOKEN, WEBHOOK_SECRET)
    log.warning("connecting to postgresql+asyncpg://backcare:%s@db.internal/backcare", DB_PASSWORD)
    try:
        raise ConnectionError(f"{TOKEN} {WEBHOOK_SECRET} {DB_PASSWORD}")
    except ConnectionError:
        log.exception("start-up failed")
    output = logged.output()
    assert_clean(output)
    assert "connecting to postgresql+asyncpg://backcare:" in output  # the rest of the line stays
    assert "Traceback" in output and "ConnectionError" in output
    assert output.count(REDACTED) >= 6


def test_an_uncaught_exception_is_redacted(logged: Logged) -> None:
    logged.start()
    try:
        raise RuntimeError(f"bad token {TOKEN}, password {DB_PASSWORD}")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())  # what the interpreter calls for an uncaught exception
    output = logged.output()
    assert_clean(output)
    assert "RuntimeError: bad token" in output and REDACTED in output


def test_an_exception_in_a_thread_is_redacted(logged: Logged) -> None:
    logged.start()

    def fail() -> None:
        raise ValueError(f"webhook secret {WEBHOOK_SECRET}")

    thread = threading.Thread(target=fail, name="worker")
    thread.start()
    thread.join()
    output = logged.output()
    assert_clean(output)
    assert "worker" in output and "ValueError: webhook secret" in output


def test_warnings_go_through_the_redacting_log(logged: Logged) -> None:
    logged.start()
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn(f"deprecated call with {TOKEN}", UserWarning, stacklevel=1)
    output = logged.output()
    assert_clean(output)
    assert "py.warnings" in output and "deprecated call with" in output


def test_a_log_line_that_cannot_be_written_is_not_printed_instead(
    logged: Logged, tmp_path: Path
) -> None:
    logged.start(file=tmp_path / "bot.log")
    [handler] = logging.getLogger().handlers
    assert isinstance(handler, logging.FileHandler)
    handler.stream.close()  # the disk went away
    logging.getLogger("backcare.test").info("%s typed %s", TOKEN, TYPED)
    output = logged.output()
    assert_clean(output)
    assert "backcare.test" in output  # says which line was lost, not what it held


class CannedBotApi(BaseRequest):
    """A Bot API that answers every call at once, echoing what it was sent (as Telegram does)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        self.calls.append(endpoint)
        params = request_data.parameters if request_data else {}
        result: Any = True
        if endpoint == "getMe":
            result = {"id": 123456789, "is_bot": True, "first_name": "B", "username": "b_bot"}
        elif endpoint == "sendMessage":
            result = {
                "message_id": 7,
                "date": 0,
                "chat": {"id": params["chat_id"], "type": "private"},
                "text": params["text"],
            }
        return 200, json.dumps({"ok": True, "result": result}).encode()


def an_update(update_id: int) -> Update:
    person = {"id": 42, "is_bot": False, "first_name": "Anastasia-Private"}
    message = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": 42, "type": "private", "first_name": "Anastasia-Private"},
        "from": person,
        "text": TYPED,
    }
    return Update.de_json({"update_id": update_id, "message": message}, None)


async def test_bot_api_parameters_and_update_payloads_never_reach_the_log(
    logged: Logged,
) -> None:
    logged.start()
    api = CannedBotApi()
    bot = Bot(TOKEN, request=api, get_updates_request=CannedBotApi())
    application = Application.builder().bot(bot).updater(None).build()
    async with application:
        await application.start()
        await bot.send_message(42, TYPED)
        await bot.set_webhook("https://example.org/hook", secret_token=UNLISTED_SECRET)
        await application.update_queue.put(an_update(31337))
        await asyncio.wait_for(application.update_queue.join(), 5)
        await application.stop()
    output = logged.output()
    assert api.calls == ["getMe", "sendMessage", "setWebhook"]
    assert_clean(output)
    assert "Anastasia-Private" not in output
    # What stays: which endpoint was called and which update was processed.
    assert "`sendMessage`" in output and "`setWebhook`" in output
    assert "31337" in output


@pytest.mark.parametrize(
    ("logger_name", "template"),
    [
        ("telegram.ext.Updater", "Webhook received data: %s"),
        ("telegram.ext.Updater", "Request had the wrong secret token: %s"),
        ("telegram.request.BaseRequest", 'Can not load invalid JSON data: "%s"'),
    ],
)
def test_payload_strings_of_the_library_are_withheld(
    logged: Logged, logger_name: str, template: str
) -> None:
    logged.start()
    payload = json.dumps({"message": {"text": TYPED, "secret": UNLISTED_SECRET}})
    logging.getLogger(logger_name).debug(template, payload)
    output = logged.output()
    assert_clean(output)
    assert template.split("%s")[0].rstrip('"') in output  # the line itself is kept


async def test_sql_errors_hide_their_bound_values(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", tmp_path / "x.db")
    try:
        async with engine.connect() as connection:
            with pytest.raises(OperationalError) as caught:
                await connection.execute(
                    text("INSERT INTO nowhere VALUES (:pain)"), {"pain": TYPED}
                )
    finally:
        await engine.dispose()
    assert TYPED not in str(caught.value)
    postgres = make_engine(f"postgresql+asyncpg://backcare:{DB_PASSWORD}@db.internal/backcare")
    assert postgres.sync_engine.hide_parameters
    await postgres.dispose()
