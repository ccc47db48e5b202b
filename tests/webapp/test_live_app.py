"""The Mini App on the real bot: its backend is the guided sessions' service and the database,
reached through the emulator's chat and Debian's Chromium (Playwright's async API, in the bot's
own event loop). The button in /routine opens the app; the session it runs is counted by the
rating question and /progress; It hurts warns on screen and in the chat; a chat session and an
app session never run at once; a retried post changes nothing."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright

from bot import serve_locally
from core.config import Settings
from db.models import AppAnswer, PainRating, RoutineSession, UserProgress
from emulator.render import plain
from emulator.users import inline_buttons
from guided.store import timeline_of
from tests.conftest import TEST_TOKEN
from tests.e2e.helpers import reach_check_in, rows
from tests.e2e.test_progress import consent
from webapp.auth import launch_data, launch_fragment
from webapp.browser import CHROMIUM_ARGS, PHONE, chromium
from webapp.plan import plan_json

LIGHT = {"bg_color": "#ffffff", "text_color": "#000000", "button_color": "#2481cc"}
OPEN_IN_APP = "Open in the app"
AFTER = "How does your back feel now?"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The tests' settings, with the Mini App served on a free loopback port."""
    port = _free_port()
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        routine_time_scale=0.02,  # the quick routine in about 7 s
        chat_rate_per_second=1000,
        chat_burst=1000,
        bulk_rate_per_second=1000,
        log_level="DEBUG",
        mini_app_url=f"http://127.0.0.1:{port}/",
        mini_app_port=port,
    )


@pytest.fixture
async def served(app: Any) -> AsyncIterator[str]:
    """The bot's Mini App on MINI_APP_PORT, as `make run` serves it."""
    runner = await serve_locally(app)
    assert runner is not None
    try:
        yield str(app.bot_data.settings.mini_app_url)
    finally:
        await runner.cleanup()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def screened(user: Any) -> None:
    """The warning-sign check before the first session, answered in the chat (where the app
    sends people for it); the check-in question it leads to is left unanswered."""
    await user.send("/routine")
    await user.next_message()
    await user.press("Quick routine")
    await reach_check_in(user)


async def app_url(user: Any) -> str:
    """The URL of Open in the app under /routine's offer."""
    await user.send("/routine")
    message = await user.next_message()
    urls = [b["web_app"]["url"] for b in inline_buttons(message) if "web_app" in b]
    assert len(urls) == 1, inline_buttons(message)
    return str(urls[0])


async def open_app(browser: Browser, user: Any, url: str) -> Page:
    """The page as Telegram opens it for this user (no internet: telegram.org is cut off)."""
    page = await browser.new_page(viewport=PHONE)
    await page.route("https://telegram.org/**", lambda route: route.abort())
    data = launch_data(user.user_id, TEST_TOKEN, language_code="en")
    await page.goto(url + launch_fragment(data, LIGHT))
    return page


async def start_in_app(page: Page, rating: int = 2) -> None:
    """Today's rating, then Start."""
    await page.wait_for_selector(".today")
    assert await page.locator("button.big").is_disabled()  # the rating comes first
    await page.locator(".ratings button").nth(rating).click()
    await page.locator("button.big").click()
    await page.wait_for_selector(".session")


async def run_to_end(page: Page) -> None:
    deadline = time.monotonic() + 40
    while not await page.locator(".message h2").count():
        assert time.monotonic() < deadline, "the session did not end"
        ready = page.locator("button.ready:visible")
        if await ready.count():
            await ready.click(timeout=2000)
        await asyncio.sleep(0.1)


async def screened_in_app(browser: Browser, make_user: Any, url: str) -> tuple[Any, Page]:
    """A person who consented and passed the warning-sign check, with the app open."""
    user = make_user()
    await consent(user, "en")
    await screened(user)
    return user, await open_app(browser, user, url)


async def start_stored(app: Any) -> None:
    """Wait until the page's start reached the bot (its session row)."""
    deadline = time.monotonic() + 5
    while not await rows(app, RoutineSession):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)


async def test_the_app_from_routine_to_the_rating_and_progress(
    app: Any, served: str, browser: Browser, make_user: Any
) -> None:
    user = make_user()
    await consent(user, "en")
    await screened(user)
    url = await app_url(user)
    assert url == served
    page = await open_app(browser, user, url)
    await start_in_app(page)
    await run_to_end(page)
    assert await page.locator(".message h2").inner_text() == "Session complete"
    # The rating question in the chat, as after any session, and its summary.
    question = await user.wait_text(AFTER, timeout=10)
    await user.press("1", message_id=question.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and "/10" in plain(e.message), timeout=5)
    [session] = await rows(app, RoutineSession)
    marks = session.item_marks or ""
    assert (session.status, session.owner, set(marks)) == ("completed", "app", {"d"})
    assert session.exercises_done == len(marks) and session.active_seconds > 0
    await user.send("/progress")
    await user.wait_text("1 session done", timeout=10)
    # The app's home counts it too.
    await page.reload()
    await page.wait_for_selector(".last li")
    assert f"{len(marks)} of {len(marks)}" in await page.locator(".last li").first.inner_text()


async def test_it_hurts_in_the_app_warns_on_screen_and_in_the_chat(
    app: Any, served: str, browser: Browser, make_user: Any
) -> None:
    user = make_user()
    await consent(user, "en")
    await screened(user)
    page = await open_app(browser, user, await app_url(user))
    await start_in_app(page)
    await page.wait_for_function("() => window.backcareTrace.length > 0")
    await start_stored(app)
    await page.locator("button.hurts").click()
    assert "Stop the exercise now" in await page.locator(".warning").inner_text()
    await user.wait_text("Stop the exercise now", timeout=10)
    await user.wait_text("How strong is the pain right now?", timeout=10)  # asked in the chat
    await page.wait_for_function(
        "() => document.querySelector('.warning .note').innerText.includes('has your report')"
    )
    [session] = await rows(app, RoutineSession)
    assert session.status == "pain" and "h" in (session.item_marks or "")
    reports = [r for r in await rows(app, PainRating) if r.kind == "report"]
    assert len(reports) == 1 and reports[0].session_id == session.id


async def test_a_chat_session_and_an_app_session_never_run_at_once(
    app: Any, served: str, browser: Browser, make_user: Any
) -> None:
    user = make_user()
    await screened(user)
    await user.press("2")  # the chat's session starts
    await user.press("Pause", timeout=5)
    page = await open_app(browser, user, served)  # the menu button (/routine answers busy)
    await page.wait_for_selector(".gate.busy")
    assert "A session is running in the chat" in await page.locator(".gate").inner_text()
    await user.send("/stop")
    await user.wait_text("stopped", timeout=5)
    await page.reload()
    await start_in_app(page)
    deadline = time.monotonic() + 5
    while not [r for r in await rows(app, RoutineSession) if r.owner == "app"]:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    await user.send("/routine")
    await user.wait_text("A session is running in the app", timeout=5)


async def post(base: str, user_id: int, path: str, body: dict[str, Any], status: int = 200) -> Any:
    headers = {"Authorization": "tma " + launch_data(user_id, TEST_TOKEN)}
    async with httpx.AsyncClient() as client:
        answer = await client.post(base + path, content=json.dumps(body), headers=headers)
    assert answer.status_code == status, (path, answer.status_code)
    return answer.json() if status == 200 else None


async def test_a_retried_post_changes_nothing_and_is_answered_from_the_database(
    app: Any, served: str, make_user: Any
) -> None:
    user = make_user()
    await screened(user)
    start = {"key": "start-key-1", "rating": 3}
    first = await post(served, user.user_id, "api/start", start)
    again = await post(served, user.user_id, "api/start", start)
    assert first["session"] is not None and again["session"] == first["session"]
    session = first["session"]
    check = {"key": "check-key-1", "session": session, "beat": 5, "marks": "d---"}
    assert (await post(served, user.user_id, "api/checkpoint", check))["beat"] == 5
    later = {"key": "check-key-2", "session": session, "beat": 3, "marks": "----"}
    assert (await post(served, user.user_id, "api/checkpoint", later))["beat"] == 5  # no way back
    end = {
        "key": "finish-key-1",
        "session": session,
        "beat": 40,
        "marks": "dddd",
        "outcome": "completed",
    }
    done = await post(served, user.user_id, "api/finish", end)
    assert done == await post(served, user.user_id, "api/finish", end)
    assert done["rating_in_chat"] and done["status"] == "completed"
    await user.wait_text(AFTER, timeout=5)
    await user.expect_silence(0.5)  # the question is asked once
    [row] = await rows(app, RoutineSession)
    assert (row.status, row.item_marks, row.beat_index) == ("completed", "dddd", 40)
    assert len(await rows(app, AppAnswer)) == 4  # one answer per key, in the database
    # Another person's session is unknown to this user.
    other = dict(check, key="check-key-3")
    await post(served, user.user_id + 1, "api/checkpoint", other, status=404)


async def get(base: str, user_id: int, path: str) -> Any:
    headers = {"Authorization": "tma " + launch_data(user_id, TEST_TOKEN)}
    async with httpx.AsyncClient() as client:
        answer = await client.get(base + path, headers=headers)
    assert answer.status_code == 200, (path, answer.status_code)
    return answer.json()


async def test_the_apps_gate_is_the_chats(app: Any, served: str, make_user: Any) -> None:
    user = make_user()
    assert (await get(served, user.user_id, "api/plan"))["kind"] == "first_check"
    await consent(user, "en")
    await screened(user)
    ready = await get(served, user.user_id, "api/plan")
    assert ready["kind"] == "ready" and ready["checkin"] and not ready["plan"]["gentle"]
    # Without today's rating nothing starts; 7 or more starts nothing, as in the chat.
    asked = await post(served, user.user_id, "api/start", {"key": "start-no-rating"})
    assert asked["session"] is None and asked["gate"]["kind"] == "ready"
    high = await post(served, user.user_id, "api/start", {"key": "start-high-1", "rating": 8})
    assert high["session"] is None and high["gate"]["kind"] == "hold"
    assert "not exercise today" in high["gate"]["advice"]
    assert not await rows(app, RoutineSession)
    assert [r.value for r in await rows(app, PainRating) if r.kind == "checkin"] == [8]
    # After a pain report (a flare-up), the gentle plan.
    await user.send("/pain")
    await user.wait_text("How strong is the pain right now?", timeout=10)
    gentle = await get(served, user.user_id, "api/plan")
    assert gentle["kind"] == "ready" and gentle["plan"]["gentle"]
    started = await post(served, user.user_id, "api/start", {"key": "start-gentle", "rating": 3})
    [row] = await rows(app, RoutineSession)
    assert row.id == started["session"] and row.routine_id == gentle["plan"]["routine"]


async def test_the_plan_follows_the_persons_level(app: Any, served: str, make_user: Any) -> None:
    """Plans are made once per routine, level and language and shared: a person whose level
    changed gets the other level's plan, the same as a fresh one."""
    user = make_user()
    await consent(user, "en")
    await screened(user)
    first = (await get(served, user.user_id, "api/plan"))["plan"]
    again = (await get(served, user.user_id, "api/plan"))["plan"]
    assert first == again
    async with app.bot_data.db() as tx:
        progress = await tx.get(UserProgress, user.user_id)
        if progress is None:
            progress = UserProgress(user_id=user.user_id, level=0)
            tx.add(progress)
        progress.level = first_level = progress.level + 2
        await tx.commit()
    higher = (await get(served, user.user_id, "api/plan"))["plan"]
    assert higher["routine"] == first["routine"] and higher["seconds"] > first["seconds"]
    data = app.bot_data
    timeline = timeline_of(data, higher["routine"], first_level)
    made = plan_json(
        data.content, higher["routine"], timeline, "en", data.settings.routine_time_scale
    )
    assert higher == json.loads(json.dumps(made))


def sent_with(user: Any, words: str) -> int:
    """How many messages the bot sent this user containing `words`."""
    return sum(
        1
        for event in user.events
        if event.kind == "send" and event.message is not None and words in plain(event.message)
    )


async def test_it_hurts_retried_at_once_warns_in_the_chat_once(
    app: Any, served: str, make_user: Any
) -> None:
    user = make_user()
    await consent(user, "en")
    await screened(user)
    started = await post(served, user.user_id, "api/start", {"key": "start-hurt-1", "rating": 2})
    hurt = {"key": "hurt-key-1", "session": started["session"], "beat": 2, "marks": "h---"}
    # The page's post and its retries, in flight at once (as across two processes).
    answers = await asyncio.gather(
        *(post(served, user.user_id, "api/hurt", hurt) for _ in range(3))
    )
    assert all(answer == answers[0] for answer in answers)
    await user.wait_text("How strong is the pain right now?", timeout=10)
    await user.expect_silence(1.0)
    assert sent_with(user, "Stop the exercise now") == 1
    assert sent_with(user, "How strong is the pain right now?") == 1
    reports = [r for r in await rows(app, PainRating) if r.kind == "report"]
    assert len(reports) == 1


async def test_warning_signs_at_the_apps_check_in_are_asked_in_the_chat(
    app: Any, served: str, browser: Browser, make_user: Any
) -> None:
    user, page = await screened_in_app(browser, make_user, served)
    await page.wait_for_selector(".today")
    await page.get_by_role("button", name="I have warning signs").click()  # the chat's words
    await page.wait_for_selector(".message.signs")
    assert "in the chat" in await page.locator(".message").inner_text()
    await user.wait_text("Do you have any of these right now?", timeout=10)
    # The chat's own questions and answers: a Yes holds the routine, and the app says so.
    await user.press("Yes, one or more")
    await user.wait_text("ambulance", timeout=10)
    await page.reload()
    await page.wait_for_selector(".gate.hold")
    # The same post retried at once asks once.
    signs = {"key": "signs-key-1"}
    await asyncio.gather(*(post(served, user.user_id, "api/signs", signs) for _ in range(3)))
    await user.expect_silence(1.0)
    assert sent_with(user, "Do you have any of these right now?") == 2  # the page's, then this


async def test_stop_in_the_chat_shows_on_the_page_within_seconds(
    app: Any, served: str, browser: Browser, make_user: Any
) -> None:
    user, page = await screened_in_app(browser, make_user, served)
    await start_in_app(page)
    await start_stored(app)
    await page.locator("button.pause").click()  # no checkpoint will be posted now
    await user.send("/stop")
    await user.wait_text("stopped", timeout=5)
    stopped = time.monotonic()
    await page.wait_for_selector(".message.ended", timeout=8000)
    assert time.monotonic() - stopped < 6  # the page asks every 4 s
    assert "ended this session in the chat" in await page.locator(".message").inner_text()
    [row] = await rows(app, RoutineSession)
    assert row.status == "stopped"
    headers = {"Authorization": "tma " + launch_data(user.user_id + 1, TEST_TOKEN)}
    async with httpx.AsyncClient() as client:  # another person's session is unknown
        refused = await client.get(f"{served}api/status?session={row.id}", headers=headers)
    assert refused.status_code == 404
