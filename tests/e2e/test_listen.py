"""The audio guide in the chat, end to end through the emulator: Listen on the check-in sends the
whole session as one track (sendAudio: duration, title, performer, thumbnail, chapters), sent
again by file_id; the track's time passing asks the rating, Done asks it at once, It hurts stops
it with nothing timed after; an exercise's Listen sends a voice note under 1 MB; a refused
file_id is uploaded again; 429 and 5xx answers to sendAudio are retried.

Rendered tracks are cached for the whole test session (one folder, `audio_cache`): only the
first test that needs a recipe renders it.
"""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from audio import codec
from content import Content
from core.config import Settings
from core.runner import running
from db.connection import make_engine
from db.models import AudioFile, RoutineSession, utcnow
from emulator.render import plain
from guided.engine.routines import routine_timeline
from tests.e2e.helpers import bot_on, reach_check_in, rows

SCALE = 0.05  # tests/conftest.py's ROUTINE_TIME_SCALE
RATING_QUESTION = "How does your back feel now?"
WARNING = "Stop the exercise now"


@pytest.fixture(scope="session")
def audio_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audio-cache")


@pytest.fixture
def settings(settings: Settings, audio_cache: Path) -> Settings:
    """One rendering worker, and tracks cached across the tests of this session."""
    return settings.model_copy(update={"audio_cache": audio_cache, "audio_workers": 1})


def track_seconds(content: Content, routine: str = "quick", level: int = 0) -> float:
    return routine_timeline(
        content, routine, level, content.progression.levels, SCALE
    ).seconds_total()


async def consent(user) -> None:  # type: ignore[no-untyped-def]
    await user.send("/start")
    await user.next_message()
    await user.press("I agree")
    await user.next_message()


def is_audio(event) -> bool:  # type: ignore[no-untyped-def]
    return event.kind == "send" and event.method == "sendAudio"


async def listen(user, rating: str = "2", *, sent: bool = True):  # type: ignore[no-untyped-def]
    """/routine, the quick routine, Listen on the check-in, a rating: the track's event (or,
    with `sent` False, nothing: the track is on its way)."""
    await user.send("/routine")
    await user.next_message()
    await user.press("Quick routine")
    check_in = await reach_check_in(user)
    await user.press("Listen instead", message_id=check_in.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and "one audio track" in plain(e.message))
    await user.press(rating, message_id=check_in.message_id)
    if not sent:
        return None
    return await user.wait_for(is_audio, timeout=60)  # the first render spawns a worker


async def test_listen_sends_the_whole_session_as_one_track_then_asks_the_rating(  # type: ignore[no-untyped-def]
    app, make_user, content
) -> None:
    user = make_user()
    sent = await listen(user)
    audio = sent.message["audio"]
    seconds = track_seconds(content)
    assert audio["duration"] == round(seconds)
    assert audio["title"] == "Quick routine" and audio["performer"] == "Backcare"
    assert audio["thumbnail"]["width"] <= 320 and audio["thumbnail"]["height"] <= 320
    samples, rate = codec.read(io.BytesIO(user.download(sent.message)))  # an MP3 that decodes
    assert rate == 48_000 and abs(len(samples) / rate - seconds) < 0.5
    # The chapters: each exercise at its start (m:ss), the first at 0:00.
    chapters = app.bot_data.tracks.track("quick", 0, "en").chapters
    lines = plain(sent.message).splitlines()
    assert len(chapters) == len(content.routines["quick"].items) > 1
    assert lines[1 : 1 + len(chapters)] == [
        f"{round(start) // 60}:{round(start) % 60:02d} {name}" for start, name in chapters
    ]
    assert lines[1].startswith("0:00 ")
    assert user.buttons(sent.message_id) == ["🛑 It hurts", "✓ Done"]
    # No live message of the chat guide: the track says every beat.
    question = await user.wait_text(RATING_QUESTION, timeout=seconds + 10)
    assert question.monotonic - sent.monotonic >= seconds - 0.3
    texts = [
        plain(e.message)
        for e in user.events
        if e.kind == "send" and e.monotonic < question.monotonic
    ]
    assert not any("Breathe in" in text or "breath 1 of" in text for text in texts)
    closed = user.messages[sent.message_id]
    assert "✓ Done." in plain(closed) and "reply_markup" not in closed
    for _ in range(30):  # the end is written with the checkpoints' next group commit
        [session] = await rows(app, RoutineSession)
        if session.status == "completed":
            break
        await asyncio.sleep(0.1)
    assert session.status == "completed"


async def test_a_second_listen_of_the_same_recipe_is_sent_by_file_id(  # type: ignore[no-untyped-def]
    app, emulator, make_user
) -> None:
    first = await listen(make_user(name="Ann"))
    uploads, reuses = emulator.stats.uploads, emulator.stats.file_id_reuses
    second = await listen(make_user(name="Bea"))
    assert emulator.stats.uploads == uploads  # neither the track nor its thumbnail again
    assert emulator.stats.file_id_reuses == reuses + 1
    assert second.message["audio"]["file_id"] == first.message["audio"]["file_id"]
    [stored] = {row.file_id for row in await rows(app, AudioFile)}
    assert stored == first.message["audio"]["file_id"]


async def test_a_refused_file_id_is_forgotten_and_the_track_uploaded_again(  # type: ignore[no-untyped-def]
    app, emulator, make_user
) -> None:
    first = await listen(make_user(name="Ann"))
    emulator.forget_files()  # Telegram no longer knows it
    uploads = emulator.stats.uploads
    second = await listen(make_user(name="Bea"))
    assert emulator.stats.uploads > uploads
    assert second.message["audio"]["file_id"] != first.message["audio"]["file_id"]
    assert [row.file_id for row in await rows(app, AudioFile)] == [
        second.message["audio"]["file_id"]
    ]


async def test_it_hurts_under_the_track_warns_and_nothing_timed_follows(  # type: ignore[no-untyped-def]
    app, make_user, content
) -> None:
    user = make_user()
    await consent(user)
    sent = await listen(user)
    mark = user.mark()
    await user.press("It hurts", message_id=sent.message_id)
    warning = await user.wait_for(lambda e: e.kind == "send", timeout=3)
    assert WARNING in plain(warning.message)
    closed = await user.wait_for(lambda e: e.kind == "edit" and e.message_id == sent.message_id)
    assert "Stopped." in plain(closed.message) and "reply_markup" not in closed.message
    # The track's time passes: no rating question, no audio of any kind.
    await user.wait_text("How strong is the pain right now?")
    await asyncio.sleep(track_seconds(content) + 1)
    after = user.events[mark:]
    assert not any(RATING_QUESTION in plain(e.message) for e in after)
    assert not any(e.method in ("sendAudio", "sendVoice") for e in after)
    [session] = await rows(app, RoutineSession)
    assert session.status == "pain"


async def test_done_under_the_track_ends_it_and_asks_the_rating(  # type: ignore[no-untyped-def]
    app, make_user
) -> None:
    user = make_user()
    sent = await listen(user)
    await user.press("Done", message_id=sent.message_id)
    await user.wait_text(RATING_QUESTION, timeout=3)
    assert "Stopped." in plain(user.messages[sent.message_id])
    [session] = await rows(app, RoutineSession)
    assert session.status == "stopped"
    assert app.bot_data.sessions.get(user.chat_id) is None


@pytest.mark.parametrize("fault", ["429", "502"])
async def test_send_audio_is_retried_through_429_and_5xx(  # type: ignore[no-untyped-def]
    app, emulator, make_user, fault
) -> None:
    if fault == "429":
        emulator.faults.rate_limit_next(2, retry_after=1, method="sendAudio")
    else:
        emulator.faults.fail_next(2, status=502, method="sendAudio")
    sent = await listen(make_user())
    assert sent.message["audio"]["duration"] > 0
    assert emulator.stats.errors[int(fault)] == 2


async def test_listen_on_an_exercise_sends_a_voice_note_under_1_mb(  # type: ignore[no-untyped-def]
    app, make_user, content
) -> None:
    user = make_user()
    await user.send("/exercises")
    card = await user.next_message()
    # The first check comes first, as for Try it; then Listen sends the note.
    await user.press("Listen", message_id=card["message_id"])
    await reach_check_in(user)
    await user.press("Listen", message_id=card["message_id"])
    event = await user.wait_for(lambda e: e.kind == "send" and e.method == "sendVoice", timeout=60)
    voice = event.message["voice"]
    data = user.download(event.message)
    assert data[:4] == b"OggS" and len(data) < 1_000_000 and voice["file_size"] < 1_000_000
    assert voice["duration"] > 0
    title = content.localize(next(iter(content.exercises.values())).title, "en")
    assert title in plain(event.message)


async def test_a_track_plays_on_through_a_restart_and_the_rating_comes_as_it_ends(  # type: ignore[no-untyped-def]
    emulator, settings, content, make_user
) -> None:
    """The bot stops a third into the track and starts again: the track played on on the
    phone, so nothing is offered (no Resume of the chat guide over it), the question after it
    comes as the track ends, and the session counts every exercise the track played."""

    seconds = track_seconds(content)
    user = make_user()
    async with running(bot_on(emulator, settings, content)):
        sent = await listen(user)
        await asyncio.sleep(seconds / 3)
    user.skip_all()
    restarted = user.mark()
    async with running(bot_on(emulator, settings, content)) as app:
        question = await user.wait_text(RATING_QUESTION, timeout=seconds + 10)
        late = question.monotonic - sent.monotonic - seconds
        assert -0.3 <= late <= 1.5, late  # the track's end, give or take a checkpoint's write
        texts = [plain(e.message) for e in user.events[restarted:] if e.message is not None]
        assert not any("interrupted" in text for text in texts), texts
        closed = user.messages[sent.message_id]
        assert "✓ Done." in plain(closed) and "reply_markup" not in closed
        await app.bot_data.sessions.checkpoints.flush()
        [row] = await rows(app, RoutineSession)
        assert (row.status, row.screen, row.item_marks) == ("completed", "track", "dddd")


async def test_it_hurts_under_a_track_works_after_a_restart(  # type: ignore[no-untyped-def]
    emulator, settings, content, make_user
) -> None:
    seconds = track_seconds(content)
    user = make_user()
    async with running(bot_on(emulator, settings, content)):
        await consent(user)
        sent = await listen(user)
        await asyncio.sleep(seconds / 4)
    user.skip_all()
    async with running(bot_on(emulator, settings, content)) as app:
        await asyncio.sleep(0.5)  # the recovery runs before the first update
        await user.press("It hurts", message_id=sent.message_id)
        await user.wait_text(WARNING, timeout=5)
        closed = await user.wait_for(
            lambda e: e.kind == "edit" and e.message_id == sent.message_id, timeout=5
        )
        assert "Stopped." in plain(closed.message) and "reply_markup" not in closed.message
        mark = user.mark()
        await asyncio.sleep(seconds)  # past the track's end: nothing timed follows the warning
        later = [plain(e.message) for e in user.events[mark:] if e.kind == "send"]
        assert not any(RATING_QUESTION in text for text in later), later
        await app.bot_data.sessions.checkpoints.flush()
        [row] = await rows(app, RoutineSession)
        assert row.status == "pain"


async def test_a_restart_before_the_track_is_in_the_chat_offers_resume(  # type: ignore[no-untyped-def]
    emulator, settings, content, make_user
) -> None:
    """Nothing plays yet (Telegram refuses the track while the bot stops): after the restart the
    session is offered again as any interrupted one, not run on as a track nobody hears."""
    user = make_user()
    emulator.faults.fail_next(10_000, status=502, method="sendAudio")
    async with running(bot_on(emulator, settings, content)):
        await listen(user, sent=False)
        await asyncio.sleep(1.0)  # the track is being refused and retried
    emulator.faults.clear()
    user.skip_all()
    async with running(bot_on(emulator, settings, content)):
        offer = await user.wait_text("Your session was interrupted", timeout=10)
        assert "Resume" in user.buttons(offer.message_id)[0]
    assert not any(is_audio(event) for event in user.events)


async def test_a_track_that_ended_long_before_the_restart_is_offered_again(  # type: ignore[no-untyped-def]
    emulator, settings, content, make_user
) -> None:
    """The bot was down for longer than the track and half an hour more: its end is not taken
    as heard (no rating question hours late, no session counted as completed); Resume or End
    is offered as for any interrupted session."""
    seconds = track_seconds(content)
    user = make_user()
    async with running(bot_on(emulator, settings, content)):
        await listen(user)
        await asyncio.sleep(seconds / 4)
    engine = make_engine(settings.database_url, settings.sqlite_path())
    try:
        async with engine.begin() as connection:  # the last checkpoint, two hours ago
            await connection.execute(
                update(RoutineSession).values(updated_at=utcnow() - timedelta(hours=2))
            )
    finally:
        await engine.dispose()
    user.skip_all()
    async with running(bot_on(emulator, settings, content)) as app:
        await user.wait_text("Your session was interrupted", timeout=10)
        mark = user.mark()
        await asyncio.sleep(1.0)
        assert not any(RATING_QUESTION in plain(e.message) for e in user.events[mark:])
        [row] = await rows(app, RoutineSession)
        assert row.status == "interrupted"
