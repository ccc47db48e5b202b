"""What a screen is asked to show of a guided session: the presenter protocol.

The service (guided/service.py) decides, stores and times; a presenter only shows. The chat
(background/presenter.py: the timed messages of a live session in Telegram) shows every session
unless it runs on another screen (`Live.screen`): the audio track (background/listening.py: the
whole session as one track sent at its start). `Screens` hands each session to its screen's
presenter; the engine, the service and the pain path do not change for a screen.

A presenter is called from the timers (`show_beat`, `show_completed`) and from the units of a
session's life: it must not wait on the database, and what it raises is logged by its caller
(a failed beat never stops the clock).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from guided.engine.timeline import Beat
from guided.engine.timers import Live


@dataclass(frozen=True)
class Interrupted:
    """A session a restart interrupted, as the offer to resume it shows it."""

    session_id: int
    chat_id: int
    language: str
    routine_id: str
    item: int  # the exercise of its last checkpoint
    count: int  # exercises in its routine
    live_message_id: int | None  # the live message it left on screen, if any


class Presenter(Protocol):
    """A screen of guided sessions."""

    async def show_beat(self, live: Live, beat: Beat) -> None:
        """A beat as it falls due (the final beat, DONE, closes the live screen with what was
        done)."""
        ...

    async def show_paused(self, live: Live) -> None:
        """The clock is stopped: paused, or asking "End the session?" (`live.asking_to_end`)."""
        ...

    async def show_ended(self, live: Live) -> None:
        """The session ended early (Stop, pain, warning signs, erasure): its live screen closed
        with the exercise's line as it went (the mark its ending left on it)."""
        ...

    async def show_completed(self, live: Live) -> None:
        """The session reached its end: ask how the back feels now."""
        ...

    async def warn(self, chat_id: int, language: str, *, in_session: bool) -> bool:
        """The stop-and-consult warning after a pain report, delivered whatever it takes;
        whether it was delivered. Called before any database work."""
        ...

    async def offer_resume(self, interrupted: Interrupted) -> None:
        """Where an interrupted session was, with Resume and End."""
        ...


class Screens:
    """The presenter the service is given: each session goes to the presenter of its screen
    (`Live.screen`); what concerns a chat without a live session (the warning, the offer to
    resume) goes to the chat's."""

    def __init__(self, chat: Presenter, **others: Presenter) -> None:
        self._chat = chat
        self._screens: dict[str, Presenter] = {"chat": chat, **others}

    def of(self, live: Live) -> Presenter:
        return self._screens.get(live.screen, self._chat)

    async def show_beat(self, live: Live, beat: Beat) -> None:
        await self.of(live).show_beat(live, beat)

    async def show_paused(self, live: Live) -> None:
        await self.of(live).show_paused(live)

    async def show_ended(self, live: Live) -> None:
        await self.of(live).show_ended(live)

    async def show_completed(self, live: Live) -> None:
        await self.of(live).show_completed(live)

    async def warn(self, chat_id: int, language: str, *, in_session: bool) -> bool:
        return await self._chat.warn(chat_id, language, in_session=in_session)

    async def offer_resume(self, interrupted: Interrupted) -> None:
        await self._chat.offer_resume(interrupted)
