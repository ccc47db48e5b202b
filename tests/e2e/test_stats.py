"""/stats: figures and a chart for an operator (ADMIN_IDS); the unknown-command answer, word for
word, for anyone else. Repeated errors alert the operators, at most once per interval."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from core.config import Settings
from emulator.render import plain
from handlers.errors import count_and_alert
from tests.e2e.test_pain import consent, start_session

ADMIN = 990001


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.admin_ids = [ADMIN]
    settings.error_alert_threshold = 3
    return settings


async def test_an_operator_gets_the_figures_and_a_chart(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    ann = make_user()
    await consent(ann)
    await start_session(ann)
    await ann.send("it hurts")
    await ann.wait_text("How strong is the pain right now?", timeout=5)
    admin = emulator.add_user(user_id=ADMIN, first_name="Olga", language_code="en")
    await admin.send("/stats")
    figures = plain(await admin.next_message(timeout=10))
    assert "Backcare: figures" in figures
    assert "People: 2;" in figures or "People: 1;" in figures  # the operator may not be stored
    assert "1 started, 0 completed, 1 stopped for pain" in figures
    assert "Pain reports in 7 days: 1" in figures
    chart = await admin.next_message(timeout=20)
    assert "photo" in chart
    assert admin.download(chart)[:8] == b"\x89PNG\r\n\x1a\n"


async def test_anyone_else_is_told_the_command_is_unknown(app, make_user) -> None:  # type: ignore[no-untyped-def]
    bob = make_user()
    await bob.send("/statz")
    unknown = plain(await bob.next_message())
    await bob.send("/stats")
    answer = plain(await bob.next_message())
    assert answer == unknown.replace("/statz", "/stats")
    assert answer.startswith("I don't know /stats.")
    await bob.expect_silence(0.5)  # no figures, no chart


async def test_repeated_errors_alert_the_operators_once(app: Application, emulator) -> None:  # type: ignore[no-untyped-def]
    admin = emulator.add_user(user_id=ADMIN, first_name="Olga", language_code="en")

    class Context:
        application = app
        bot_data = app.bot_data
        bot = app.bot

    for _ in range(3):
        await count_and_alert(Context)  # type: ignore[arg-type]
    alert = plain(await admin.next_message())
    assert "3 errors in the last 10 minutes" in alert
    for _ in range(5):
        await count_and_alert(Context)  # type: ignore[arg-type]
    await admin.expect_silence(0.5)  # rate-limited: one alert an hour
    assert app.bot_data.errors.total == 8
