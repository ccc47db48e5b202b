"""Chats and update kinds: personal features only in private chats (a group gets one pointer and
never health data, a session or a warning), and edits, channel posts and inline queries are not
acted on."""

from __future__ import annotations

import asyncio

import pytest

import bot as entry_point
import handlers
from db.models import PainRating, Reminder, RoutineSession
from emulator.render import plain
from emulator.users import SimulatedChannel, SimulatedGroup
from tests.e2e.helpers import daily_reminder_in_utc, reach_check_in, rows

POINTER = "I work in a private chat, to keep your health data private"
BEAT_WORDS = ("Breathe", "Hold", "s left", "Get ready", "Rest")


async def consent(user) -> None:  # type: ignore[no-untyped-def]
    await user.send("/start")
    await user.next_message()
    await user.press("I agree")
    await user.next_message()


async def start_session(user) -> int:  # type: ignore[no-untyped-def]
    """Start the quick routine in the person's private chat; the live message's id."""
    await user.send("/routine")
    await user.next_message()
    await user.press("Quick routine")
    await reach_check_in(user)
    await user.press("2")
    event = await user.wait_text("breath 1 of", timeout=5)
    assert event.message_id is not None
    return event.message_id


def sends(chat) -> list[str]:  # type: ignore[no-untyped-def]
    return [plain(e.message) for e in chat.events if e.kind == "send"]


async def test_export_in_a_group_gets_one_pointer_only(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    ann, bob = make_user(name="Ann"), make_user(name="Bob")
    await consent(ann)
    await daily_reminder_in_utc(ann, "7:30")
    ann.skip_all()
    group = SimulatedGroup(emulator, [ann, bob], "Back club")
    await group.send(ann, "/export")
    pointer = await group.wait_text(POINTER)
    assert pointer.method == "sendMessage"
    # Ten minutes of quiet for this group: no second pointer, and nothing answered at all.
    await group.send(bob, "/export@backcare_test_bot")
    await group.send(ann, "@backcare_test_bot what is my pain level?")
    await group.send(bob, "/routine")
    await group.send(ann, "hello everyone")
    await group.expect_silence(1.0)
    assert sends(group) == [plain(pointer.message)]
    assert [e for e in group.events if e.message and "document" in e.message] == []
    assert emulator.stats.by_method["sendDocument"] == 0
    await ann.expect_silence(0.1)  # nor is anything sent to the member in private

    # Another group (a supergroup) gets its own pointer, for a mention as for a command.
    yoga = SimulatedGroup(emulator, [bob], "Yoga", supergroup=True)
    await yoga.send(bob, "hi @backcare_test_bot")
    await yoga.wait_text(POINTER)
    await yoga.send(bob, "/help@some_other_bot")
    await yoga.expect_silence(0.5)


async def test_pain_in_a_group_leaves_the_private_session_alone(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    ann, bob = make_user(name="Ann"), make_user(name="Bob")
    await consent(ann)
    await start_session(ann)
    [session_row] = await rows(app, RoutineSession)
    group = SimulatedGroup(emulator, [ann, bob])
    await group.send(ann, "it hurts")
    await group.send(bob, "my back hurts too, ouch")
    # It hurts of Ann's session, pressed on a message of the group (as if one were there).
    mark = ann.mark()
    query_id = await group.press_data(ann, 1, f"v1.rt:{session_row.id}:hu")
    await asyncio.sleep(1.0)
    assert sends(group) == []  # no warning, no question, nothing about anyone's health
    assert group.events == []
    assert POINTER in (await ann.answer_for(query_id) or "")  # the toast, to the presser only
    # The private session goes on: its beats keep coming, nobody reported pain.
    later = [plain(e.message) for e in ann.events[mark:] if e.kind in ("send", "edit")]
    assert any(word in text for text in later for word in BEAT_WORDS), later
    assert not [t for t in later if "stop" in t.lower()], later
    [session_row] = await rows(app, RoutineSession)
    assert session_row.status == "active"
    assert [r for r in await rows(app, PainRating) if r.kind == "report"] == []


async def test_an_edited_command_is_not_run_again(app, make_user) -> None:  # type: ignore[no-untyped-def]
    ann = make_user()
    await ann.send("/timezone UTC")
    await ann.wait_text("Time zone set")
    sent = await ann.send("/remind 7:30")
    await ann.wait_text("Done: I will remind you at 07:30")
    assert len(await rows(app, Reminder)) == 1
    await ann.edit(sent, "/remind 7:30")
    await ann.edit(sent, "/remind 8:15")
    await ann.expect_silence(1.0)
    assert [r.local_time for r in await rows(app, Reminder)] == ["07:30"]


async def test_channel_posts_and_inline_queries_get_no_answer(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    ann = make_user()
    channel = SimulatedChannel(emulator, "Back news")
    post = await channel.post("hello")
    await channel.post("/help")
    await channel.edit(post, "hello, it hurts")
    await ann.ask_inline("cat stretch")
    await channel.expect_silence(1.0)
    await ann.expect_silence(0.1)
    assert emulator.stats.by_method["answerInlineQuery"] == 0
    assert not emulator.stats.errors


@pytest.mark.parametrize("webhook", [False, True])
def test_the_bot_asks_telegram_only_for_what_it_handles(monkeypatch, tmp_path, webhook) -> None:  # type: ignore[no-untyped-def]
    assert set(handlers.ALLOWED_UPDATES) == {"message", "callback_query"}
    asked: dict[str, object] = {}

    async def serve(application, settings, allowed_updates, metrics=None, mini_app=None) -> None:  # type: ignore[no-untyped-def]
        asked.update(allowed_updates=allowed_updates, webhook=bool(settings.webhook_url))

    monkeypatch.setattr(entry_point, "serve", serve)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz0123")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'backcare.db'}")
    if webhook:
        monkeypatch.setenv("WEBHOOK_URL", "https://example.org/hook")
    else:
        monkeypatch.delenv("WEBHOOK_URL", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    assert entry_point.main([]) == 0
    assert list(asked["allowed_updates"]) == list(handlers.ALLOWED_UPDATES)  # type: ignore[call-overload]
    assert asked["webhook"] is webhook


async def test_a_button_on_a_message_that_is_gone_gets_a_toast(app, emulator, make_user) -> None:  # type: ignore[no-untyped-def]
    """Found by tests/fuzz: a button of a deleted message (Telegram's InaccessibleMessage) had
    the bot edit what is no longer there. It gets the stale-button toast; It hurts still stops
    the session and warns."""
    ann = make_user()
    await consent(ann)
    gone = max(ann.messages) + 100
    for data in ("v1.lg:en", "v1.dl:no", "v1.pv:give", "v1.ex:2:card"):
        query_id = await ann.press_data(gone, data)
        assert await ann.answer_for(query_id) == "This button is no longer active."
    assert not emulator.stats.errors
    await start_session(ann)
    [session_row] = await rows(app, RoutineSession)
    await ann.press_data(gone, f"v1.rt:{session_row.id}:hu")
    await ann.wait_text("Stop the exercise now.", timeout=5)
    await ann.wait_text("How strong is the pain right now?", timeout=5)
    [report] = [r for r in await rows(app, PainRating) if r.kind == "report"]
    assert report.user_id == ann.user_id
