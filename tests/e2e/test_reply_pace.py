"""A person's action is answered at once during a live session, even when the session's timed
beats have used the chat's burst and one of them is waiting out Telegram's per-chat pace:
the reply takes the chat's next slot, ahead of the waiting beat, and every send
still keeps to the pace the emulator enforces."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.config import Settings
from emulator import BotApiEmulator
from emulator.limits import Limits
from emulator.render import plain
from emulator.state import Event
from guided.engine.routines import routine_doses, routine_pace
from guided.engine.timeline import BeatKind, build_timeline
from tests.e2e.helpers import reach_check_in

# The session runs at a quarter of its real pace, and so does Telegram's per-chat limit
# (1 message a second, a burst of 3): the chat's pace binds here as it does at full speed.
SCALE = 0.25
TELEGRAM_RATE = 1.0 / SCALE
BURST = 3
# The bot keeps 20% under Telegram's figure: the emulator sees a request when it arrives, the
# limiter when it leaves, and a loaded machine moves the two apart by a few milliseconds.
BOT_RATE = 0.8 * TELEGRAM_RATE
INTERVAL = 1.0 / BOT_RATE  # seconds between two sends to the chat once its burst is used


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The routine and the chat's pace scaled together; Telegram's limit binds."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        routine_time_scale=SCALE,
        chat_rate_per_second=BOT_RATE,
        chat_burst=BURST,
        bulk_rate_per_second=1000,
        log_level="INFO",
    )


@pytest.fixture
async def emulator(tmp_path: Path) -> AsyncIterator[BotApiEmulator]:
    """The emulator counting every send over Telegram's per-chat limit, at the session's scale."""
    emu = BotApiEmulator(
        media_dir=tmp_path / "emulator-media",
        limits=Limits(mode="count", per_chat_rate=TELEGRAM_RATE, per_chat_burst=BURST),
    )
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


def session_texts(events: list[Event]) -> list[str]:
    """The first line of each message the bot sent or edited, in the order it arrived."""
    return [plain(e.message).split("\n")[0] for e in events if e.kind in ("send", "edit")]


def timeline(events: list[Event], since: float) -> str:
    """What the bot sent or edited, each with its time on the emulator's clock from `since`."""
    return "\n".join(
        f"{e.monotonic - since:+.3f} s {e.method} {plain(e.message).split(chr(10))[0]!r}"
        for e in events
        if e.kind in ("send", "edit")
    )


async def test_a_reply_takes_the_chats_next_slot_ahead_of_a_waiting_beat(  # type: ignore[no-untyped-def]
    app, emulator, make_user, content
) -> None:
    """/help during a live session, while a beat waits out the chat's pace, is answered in
    that beat's slot: within one interval (half an interval here; queued behind the beat it
    would take one and a half), before the beat, with no send over Telegram's limit."""
    levels, pace = content.progression.levels, routine_pace(content, "quick")
    beats = build_timeline(routine_doses(content, "quick"), 0, levels, pace, SCALE).beats
    intro_seconds = next(b.duration for b in beats if b.kind is BeatKind.INTRO and b.item == 1)
    user = make_user()
    await user.send("/routine")
    await user.next_message()
    await user.press("Quick routine")
    await reach_check_in(user)
    await user.press("2")
    # The first breath: one send, seconds after the last, so the chat's burst was whole again.
    breath = await user.wait_text("breath 1 of", timeout=10)
    # Skip at once: the next exercise's intro is three beats at once (the old live message
    # closed, the picture, the new live message). With the breath, that is one more than the
    # burst: the new live message waits for the chat's next slot, one interval after the breath.
    mark = user.mark()
    await user.press("Skip")
    await user.wait_for(lambda e: e.method == "sendAnimation", timeout=2)
    next_slot = breath.monotonic + INTERVAL
    # Half an interval before that slot, the person asks for something. (Unpaced, the breath,
    # the intro's three beats and the reply would be five sends at once: two over the limit.)
    await asyncio.sleep(max(0.0, next_slot - INTERVAL / 2 - time.monotonic()))
    asked = time.monotonic()  # the emulator's clock: it stamps each event with time.monotonic
    waiting = not any("Get ready" in plain(e.message) for e in user.events[mark:])
    assert waiting and asked < next_slot, (
        "the intro's live message was not waiting for the chat's pace when /help was sent: "
        f"{session_texts(user.events[mark:])}, {asked - breath.monotonic:.3f} s after the breath"
    )
    await user.send("/help")
    await user.wait_text("What I can do", timeout=5)
    await user.wait_text("repetition 1 of", timeout=intro_seconds + 5)
    seen = [e for e in user.events[mark:] if e.kind in ("send", "edit")]
    reply = next(e for e in seen if "What I can do" in plain(e.message))
    beat = next(e for e in seen if "Get ready: Cat and cow" in plain(e.message))
    waited = reply.monotonic - asked
    told = f"from /help (the breath at {breath.monotonic - asked:+.3f} s):\n" + timeline(
        [breath, *seen], asked
    )

    # The reply took the slot the beat was waiting for: half an interval after /help. Queued
    # behind the beat, it would have come an interval after the beat's slot: 1.5 intervals.
    ahead = reply.monotonic < beat.monotonic
    assert ahead, f"the reply came after the beat that was waiting; {told}"
    assert waited < INTERVAL, f"{waited:.3f} s, the chat's interval {INTERVAL:.3f} s; {told}"

    # The session's beats all came, in order, its next timed beat on plan (the beat that gave
    # up its slot went one interval later, well within its intro).
    assert session_texts(seen) == [
        "⏭ Rib-to-hip breathing — skipped",
        "2/4 · Cat and cow",
        "What I can do",
        "Get ready: Cat and cow",
        "Breathe in… belly down, look up (cow)",
    ], told
    assert "repetition 1 of" in plain(seen[4].message), told
    intro_started = seen[0].monotonic
    lateness = seen[4].monotonic - (intro_started + intro_seconds)
    assert abs(lateness) < INTERVAL / 2, f"the first repetition {lateness:+.3f} s off; {told}"

    await user.send("/stop")
    await user.wait_text("Session stopped")
    # Every send of the run, from /routine to /stop, kept to Telegram's per-chat limit.
    assert emulator.stats.per_chat_violations == 0
    print(
        f"/help answered {waited * 1000:.0f} ms after it was sent; the waiting beat went "
        f"{(beat.monotonic - reply.monotonic) * 1000:.0f} ms after the reply "
        f"(the chat's interval {INTERVAL * 1000:.0f} ms)"
    )
