"""A guided session heard as one audio track (`Live.screen == "track"`): Listen on the check-in.

The session is a guided session like any other (the safety gate, one open session per chat,
It hurts, the rating, the stats): `GuidedSessions` stores and times it, and this presenter shows
it. Its beats show nothing: the track, mixed from the same timeline at the same time scale,
says and plays every beat itself. So the presenter has three things to do: send the track when
the session starts (`start_track`), close the track's message at the end (its caption says it is
done, or that it stopped; its buttons go), and ask the question after the session (the chat's).

The session's timer runs from `begin`, before the track is rendered, so a pain report meanwhile
stops it like any other and no track follows; once the track is in the chat the timer runs again
from the first beat (`GuidedSessions.restart`), so the rating question comes as the track ends.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Message
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application

from background.context import BotData
from background.presenter import ChatPresenter
from guided.engine.status import End
from guided.engine.timeline import Beat, BeatKind
from guided.engine.timers import Live
from guided.presenter import Interrupted
from ui.guided import routine_title
from ui.listen import closed_caption, track_caption, track_markup

logger = logging.getLogger(__name__)


class TrackPresenter:
    """Sessions heard as one track, in their Telegram chat."""

    def __init__(self, application: Application, chat: ChatPresenter) -> None:
        self._app = application
        self._chat = chat

    async def show_beat(self, live: Live, beat: Beat) -> None:
        """Nothing while it runs (the track says each beat); the last closes the track."""
        if beat.kind is BeatKind.DONE:
            await self._close(live, finished=True)

    async def show_paused(self, live: Live) -> None:
        """The track has no clock on screen to stop (a session heard has no Pause)."""

    async def show_ended(self, live: Live) -> None:
        """The track's message closed: its caption says the session stopped, its buttons go."""
        await self._close(live, finished=False)

    async def show_completed(self, live: Live) -> None:
        await self._chat.show_completed(live)

    async def warn(self, chat_id: int, language: str, *, in_session: bool) -> bool:
        return await self._chat.warn(chat_id, language, in_session=in_session)

    async def offer_resume(self, interrupted: Interrupted) -> None:
        await self._chat.offer_resume(interrupted)

    async def _close(self, live: Live, *, finished: bool) -> None:
        await close_track(self._app, live, finished=finished)


async def close_track(application: Application, live: Live, *, finished: bool) -> None:
    """The track's message closed: done or stopped in its caption, no buttons under it."""
    if live.message_id is None:
        return
    content = application.bot_data.content
    title = routine_title(content, live.routine_id, live.language)
    caption = closed_caption(content, live.language, title, finished=finished)
    try:
        await application.bot.edit_message_caption(live.chat_id, live.message_id, caption=caption)
    except (BadRequest, Forbidden) as error:
        logger.info("could not close the track of session %s: %s", live.session_id, error)
    live.message_id = None


def start_track(application: Application, live: Live) -> None:
    """Send a started session's track, beside the handler that started it: the chat's next
    update (It hurts) never waits for a render. If it cannot be sent, the session ends and the
    person is told."""
    data: BotData = application.bot_data
    data.tracks.spawn(_sent_or_ended(application, live), f"track:{live.chat_id}")


async def _sent_or_ended(application: Application, live: Live) -> None:
    data: BotData = application.bot_data
    try:
        await send_track(application, live)
    except Exception:
        logger.exception("the track of session %s could not be sent", live.session_id)
        if await data.sessions.stop(live.chat_id, End.STOPPED) is not None:
            with contextlib.suppress(TelegramError):
                await application.bot.send_message(
                    live.chat_id, data.content.text(live.language, "listen.failed")
                )


async def send_track(application: Application, live: Live) -> None:
    """Send a started session's track (rendered if need be, else by file_id) with its chapters,
    It hurts and Done, and run the session's clock from the track's start. If the session ended
    meanwhile (a pain report), nothing is sent; if it ends while the track is on its way, the
    track's message is closed at once."""
    data: BotData = application.bot_data
    bot, content, language = application.bot, data.content, live.language
    tracks = data.tracks
    rendered = tracks.track(live.routine_id, live.level, language)
    title = routine_title(content, live.routine_id, language)
    caption = track_caption(content, language, title, rendered.seconds, rendered.chapters)
    markup = track_markup(content, language, live.session_id)
    try:
        await bot.send_chat_action(live.chat_id, ChatAction.UPLOAD_VOICE)
    except TelegramError as error:  # only a hint: the track matters
        logger.info("no chat action for session %s: %s", live.session_id, error)
    thumbnail = await tracks.thumbnail(live.routine_id)

    async def send(audio: str | bytes, name: str | None) -> Message:
        return await bot.send_audio(
            live.chat_id,
            audio,
            duration=round(rendered.seconds),
            performer=content.text(language, "listen.performer"),
            title=title,
            caption=caption,
            reply_markup=markup,
            filename=name,
            thumbnail=thumbnail if name is not None else None,
        )

    message = await tracks.send(bot, rendered, send, wanted=lambda: not live.stopping)
    if message is None:  # the session ended (It hurts) while its track was being made
        return
    live.message_id = message.message_id
    if await data.sessions.restart(live.chat_id) is None and live.stopping:
        await close_track(application, live, finished=False)  # it ended on the way
