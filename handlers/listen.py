"""The audio guide in the chat: Listen on the check-in (the session as one audio track:
background/listening.py), Done under the track, and Listen on an exercise of the library (a voice
note of it at the person's dose)."""

from __future__ import annotations

from telegram import Message

from guided.engine.routines import is_gentle, routine_exists, single
from guided.engine.timers import TRACK
from handlers.common import STALE, Press, on_press, press_handlers
from handlers.routine import start
from handlers.safety import offer_session
from safety.rules import Gate, gate
from services.audio import dose_level
from services.safety import load_state
from ui.listen import checkin_markup, note_caption
from ui.payloads import BrowseListen, ListenCheckIn, ListenDone, ListenMode


@on_press(ListenMode, text_only=True)
async def switch_mode(press: Press, routine_id: str, mode: str) -> None:
    """Listen (or back to the chat guide) on the check-in: the same question, its 0-10 buttons
    now starting that kind of session."""
    content = press.data.content
    if not routine_exists(content, routine_id):
        await press.toast(STALE)
        return
    await press.toast()
    listen = mode == "listen"
    await press.edit(
        press.text("listen.checkin" if listen else "routine.checkin"),
        checkin_markup(content, press.language, routine_id, listen=listen),
    )


# text_only: the check-in message becomes the note on today's dose.
@on_press(ListenCheckIn, text_only=True)
async def start_listening(press: Press, routine_id: str, rating: int) -> None:
    """The check-in before a session heard as one track: started like any session."""
    await start(press, routine_id, rating, TRACK)


@on_press(ListenDone)
async def done(press: Press, session_id: int) -> None:
    """Done under the track: the session ends there and the rating is asked."""
    if await press.data.sessions.done(press.chat_id, session_id) is None:
        await press.toast("routine.toast_old")
        return
    await press.toast()


@on_press(BrowseListen)
async def listen_to_exercise(press: Press, index: int, _view: str) -> None:
    """A voice note of a library exercise at the person's dose. Under a safety hold, before the
    first check or after a pain report it takes the way into a session instead (the gate
    decides what comes first), as Try it does: no voice guides an exercise the gate holds."""
    data = press.data
    exercises = list(data.content.exercises)
    if index >= len(exercises):
        await press.toast(STALE)
        return
    await press.toast()
    exercise_id = exercises[index]
    state, _ = await load_state(data, press.user_id)
    if gate(state, is_gentle(data.content, single(exercise_id))) is not Gate.CHECK_IN:
        await offer_session(
            press.context, press.chat_id, press.user_id, press.language, single(exercise_id)
        )
        return
    level = await dose_level(data, press.user_id)
    rendered = data.tracks.note(exercise_id, level, press.language)
    title = data.content.localize(data.content.exercises[exercise_id].title, press.language)
    bot = press.context.bot

    async def send(voice: str | bytes, name: str | None) -> Message:
        return await bot.send_voice(
            press.chat_id,
            voice,
            duration=round(rendered.seconds),
            caption=note_caption(data.content, press.language, title),
            filename=name,
        )

    await data.tracks.send(bot, rendered, send)


HANDLERS = [*press_handlers(switch_mode, start_listening, done, listen_to_exercise)]
