"""The timers of live guided sessions, one per chat: they start, advance, pause, skip and stop.

Each session is a small `Live` record and at most one asyncio task (its timer). Cancelling that task
cancels every pending timed message of the chat at once. Beats are scheduled against absolute due
times, so a slow network never makes the timeline drift. What a beat shows and what is stored is
asked of the hooks (`TimerHooks`: the service, guided/service.py); the timers never wait for the
database.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from guided.engine import marks
from guided.engine.clock import Clock, RealClock
from guided.engine.marks import Mark
from guided.engine.status import End
from guided.engine.timeline import Beat, BeatKind, Timeline

logger = logging.getLogger(__name__)

TRACK = "track"  # Live.screen of a session heard as one audio track (background/listening.py)


@dataclass(slots=True, eq=False)
class Live:
    """A running session: identity, the shared timeline, and where it is."""

    session_id: int
    chat_id: int
    user_id: int
    language: str
    routine_id: str
    level: int
    timeline: Timeline
    checkin: int | None = None  # the check-in rating (0-10), kept for the after-session verdict
    index: int = 0  # the next beat to show
    due: float = 0.0  # monotonic time the next beat is due
    paused_left: float | None = None  # time left in the current beat while paused
    marks: str = ""  # one letter per exercise (guided/engine/marks.py); set by `start` when empty
    alerts: bool = True  # a new (notifying) message at each new exercise and side switch
    screen: str = "chat"  # where it is shown: "chat" (live messages) or TRACK (one audio track)
    asking_to_end: bool = False  # Stop was pressed: paused, "End the session?" on screen
    message_id: int | None = None  # the live message being edited
    opened_at: int = -1  # the beat that sent the live message (shown again after a pause)
    shown: str = ""  # its current text: an unchanged edit is never sent
    active_seconds: float = 0.0
    resumed_at: float = 0.0
    task: asyncio.Task[None] | None = field(default=None, repr=False)
    busy: bool = False  # inside a hook: a stop waits for it instead of cancelling mid-request
    stopping: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    @property
    def current(self) -> Beat:
        """The beat on screen now."""
        return self.timeline.beats[max(0, self.index - 1)]

    @property
    def paused(self) -> bool:
        return self.paused_left is not None

    @property
    def keeps_time(self) -> bool:
        """Its screen keeps its own time (an audio track plays on, whatever the bot does): the
        clock follows it, never pauses for it, and after a restart runs on from where the track
        is now."""
        return self.screen == TRACK

    def exercises_done(self) -> int:
        """Exercises done to the end (not skipped, not stopped in, not the one that hurt)."""
        return marks.count(self.marks, Mark.DONE)

    def showing_again(self) -> bool:
        """Whether the beat about to be shown is the one that sent the live message (a
        paused session started again): its message is edited, not sent anew."""
        return self.message_id is not None and self.index == self.opened_at

    def end_here(self, reason: End) -> None:
        """Mark the exercise on screen with how the session ended there (idempotent)."""
        if reason is not End.COMPLETED:
            self.marks = marks.ended_here(self.marks, self.current.item, reason.mark)


class TimerHooks(Protocol):
    """What the timers ask of the service: show a beat, store a checkpoint, finish."""

    async def on_beat(self, live: Live, beat: Beat) -> None: ...

    async def on_checkpoint(self, live: Live, position: int) -> None: ...

    async def on_complete(self, live: Live) -> None: ...


class SessionTimers:
    """The timers of this process's live sessions, one per chat."""

    def __init__(self, hooks: TimerHooks, clock: Clock | None = None) -> None:
        self._hooks = hooks
        self._clock = clock or RealClock()
        self._live: dict[int, Live] = {}

    def get(self, chat_id: int) -> Live | None:
        """The chat's live session."""
        return self._live.get(chat_id)

    def __len__(self) -> int:
        return len(self._live)

    def start(self, live: Live, index: int = 0, behind: float = 0.0) -> None:
        """Begin (or, after a restart, resume at a checkpoint) a session for its chat; `behind`:
        beat `index` began that many seconds ago (a track that played on through a restart)."""
        if live.chat_id in self._live:
            raise RuntimeError(f"chat {live.chat_id} already has a live session")
        now = self._clock.monotonic()
        live.index, live.due, live.resumed_at = index, now - behind, now
        live.marks = marks.read(live.marks, len(live.timeline.amounts))
        self._live[live.chat_id] = live
        self._spawn(live)

    # A session whose screen keeps its own time (`Live.keeps_time`: a track plays on) is moved
    # only by that time: pause, Stop's question, skip and ready change nothing (None), so the
    # question after it comes as its track ends.

    async def pause(self, chat_id: int) -> Live | None:
        """Stop the clock; the session if it was running."""
        return await self._change(
            chat_id, lambda live: not live.paused and not live.keeps_time, self._stop_clock
        )

    async def ask_to_end(self, chat_id: int) -> Live | None:
        """Stop was pressed: the clock stops until the person answers "End the session?".

        None if there is no session or the question is already asked (a double tap).
        """
        return await self._change(
            chat_id, lambda live: not live.asking_to_end and not live.keeps_time, self._ask
        )

    async def resume(self, chat_id: int) -> Live | None:
        """Continue a paused session: the interrupted breath, timed hold or countdown starts
        again, whole (nothing is cut short by the pause)."""
        return await self._change(chat_id, lambda live: live.paused, self._resume)

    async def skip(self, chat_id: int) -> Live | None:
        """Jump to the next exercise (or the end), resuming if paused."""
        return await self._change(chat_id, lambda live: not live.keeps_time, self._skip)

    async def ready(self, chat_id: int) -> Live | None:
        """Cut the get-ready countdown short."""
        return await self._change(
            chat_id,
            lambda live: (
                not live.paused and not live.keeps_time and live.current.kind is BeatKind.INTRO
            ),
            self._ready,
        )

    async def restart(self, chat_id: int) -> Live | None:
        """Run a running session again from its first beat, as if it began now (the clock of a
        session heard as one track starts once its track is in the chat); None if it is paused,
        stopping or gone."""
        return await self._change(chat_id, lambda live: not live.paused, self._restart)

    async def stop(self, chat_id: int, reason: End) -> Live | None:
        """End the session now, marking the exercise on screen with the reason: no timed
        message of this chat is sent after this returns."""

        async def end(live: Live) -> None:
            await self._end(live)
            live.end_here(reason)

        return await self._change(chat_id, lambda live: True, end)

    async def shutdown(self) -> None:
        """Cancel every timer (process exit); stored state lets sessions resume later."""
        for live in list(self._live.values()):
            live.stopping = True
            await self._cancel_timer(live)
        self._live.clear()

    async def _change(
        self,
        chat_id: int,
        allowed: Callable[[Live], bool],
        change: Callable[[Live], Awaitable[None]],
    ) -> Live | None:
        """Change the chat's session under its lock, unless it is stopping or the change is not
        `allowed` now (a double tap, an old button); the session, or None if nothing changed."""
        live = self._live.get(chat_id)
        if live is None:
            return None
        async with live.lock:
            if live.stopping or not allowed(live):
                return None
            await change(live)
            return live

    async def _stop_clock(self, live: Live) -> None:
        await self._cancel_timer(live)
        now = self._clock.monotonic()
        live.paused_left = max(0.0, live.due - now)
        live.active_seconds += now - live.resumed_at

    async def _ask(self, live: Live) -> None:
        if not live.paused:
            await self._stop_clock(live)
        live.asking_to_end = True

    async def _resume(self, live: Live) -> None:
        self._run_from(live, live.timeline.restart_point(live.index - 1) if live.index else 0)

    async def _skip(self, live: Live) -> None:
        await self._cancel_timer(live)
        if live.marks[live.current.item] == Mark.NOT_REACHED:
            live.marks = marks.put(live.marks, live.current.item, Mark.SKIPPED)
        self._run_from(live, live.timeline.next_item_start(max(0, live.index - 1)))

    async def _ready(self, live: Live) -> None:
        await self._cancel_timer(live)
        self._run_from(live, live.index)

    async def _restart(self, live: Live) -> None:
        await self._cancel_timer(live)
        live.marks = marks.read("", len(live.timeline.amounts))
        live.active_seconds = 0.0
        self._run_from(live, 0)
        live.resumed_at = live.due

    async def _end(self, live: Live) -> None:
        live.stopping = True
        await self._cancel_timer(live)
        if not live.paused:
            live.active_seconds += self._clock.monotonic() - live.resumed_at
        self._live.pop(live.chat_id, None)

    def _run_from(self, live: Live, index: int) -> None:
        """Run the timer from beat `index`, due now (a stopped clock runs again)."""
        now = self._clock.monotonic()
        if live.paused:
            live.paused_left = None
            live.resumed_at = now
        live.asking_to_end = False
        live.index, live.due = index, now
        self._spawn(live)

    def _spawn(self, live: Live) -> None:
        # A context of its own, not the handler's that started it: the beats are timed by the
        # timeline, not replies to the update (throttle/replies.py) nor inside its transaction.
        live.task = asyncio.get_running_loop().create_task(
            self._run(live), name=f"routine:{live.chat_id}", context=contextvars.Context()
        )

    async def _cancel_timer(self, live: Live) -> None:
        """Stop the timer task; a hook in flight finishes first, so nothing arrives after us."""
        task, live.task = live.task, None
        if task is None or task.done():
            return
        if task is asyncio.current_task():
            return
        if live.busy:
            live.stopping, was_stopping = True, live.stopping
            await asyncio.wait({task})
            live.stopping = was_stopping
        else:
            task.cancel()
            await asyncio.wait({task})

    async def _run(self, live: Live) -> None:
        beats = live.timeline.beats
        while live.index < len(beats) and not live.stopping:
            delay = live.due - self._clock.monotonic()
            if delay > 0:
                await self._clock.sleep(delay)
            position = live.index
            beat = beats[position]
            if (
                beat.kind in (BeatKind.NEXT, BeatKind.DONE)
                and live.marks[beat.item] == Mark.NOT_REACHED
            ):
                live.marks = marks.put(live.marks, beat.item, Mark.DONE)  # its last round is over
            if beat.kind is BeatKind.DONE:  # the time spent is part of the final message
                now = self._clock.monotonic()
                live.active_seconds += now - live.resumed_at
                live.resumed_at = now
            live.busy = True
            try:
                await self._hooks.on_beat(live, beat)
                live.index = position + 1
                live.due += beat.duration
                if beat.checkpoint:
                    await self._hooks.on_checkpoint(live, position)
            except Exception:
                # One failed message must not kill the session's clock; the next beat retries.
                logger.exception("beat %s of session %s failed", position, live.session_id)
                live.index = position + 1
                live.due += beat.duration
            finally:
                live.busy = False
            if beat.kind is BeatKind.DONE and not live.stopping:
                self._live.pop(live.chat_id, None)
                live.stopping = True
                try:
                    await self._hooks.on_complete(live)
                except Exception:
                    logger.exception("finishing session %s failed", live.session_id)
                return
