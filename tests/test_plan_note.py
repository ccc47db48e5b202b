"""The note on today's dose compares like with like (the same routine) and names what changed."""

from __future__ import annotations

from background.context import BotData
from db import routines as store
from ui.guided import level_note

USER = 700001


async def start(data: BotData, routine: str) -> str:
    """Start a session of this routine as /routine does and return its note; then end it."""
    started = await data.sessions.create(
        user_id=USER, chat_id=USER, language="en", routine_id=routine, rating=2
    )
    assert started is not None
    note = level_note(data.content, started.live, started.before)
    async with data.db() as tx:
        await store.save_state(tx, started.live.session_id, status="stopped", progress_applied=True)
        await tx.commit()
    return note


async def test_the_note_compares_the_same_routine_and_names_each_change(app) -> None:  # type: ignore[no-untyped-def]
    data: BotData = app.bot_data
    first = await start(data, "quick")
    assert first == "Today: Quick routine, 4 exercises. We start gently and build up."
    async with data.db() as tx:
        (await store.get_progress(tx, USER)).level = 2  # two steps up since
        await tx.commit()
    # Never done before at this level: nothing to compare it with (it used to say "the same as
    # last time", comparing the full routine with itself after a quick session).
    full = await start(data, "full")
    assert full == (
        "Today: Full routine, 7 exercises, your first time with it, at the doses you have built up."
    )
    quick = await start(data, "quick")  # compared with the quick session at level 0
    assert quick == (
        "Today: Quick routine, a little more than last time: "
        "Cat and cow: 6 repetitions (last time 5 repetitions); "
        "Baby cobra: 4 repetitions (last time 3 repetitions); "
        "Lying twist: 21 seconds each side (last time 15 seconds each side)."
    )
    again = await start(data, "quick")
    assert again == "Today: Quick routine, the same doses as last time."
