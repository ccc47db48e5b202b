"""The one owner of every live guided session: starts, advances, pauses, skips and cancels.

Each session is a small `Live` record and at most one asyncio task (its timer). Cancelling that task
cancels every pending timed message of the chat at once. Beats are scheduled against absolute due
times, so a slow network never makes the plan drift.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from engine import marks
from engine.clock import Clock, RealClock
from engine.marks import Mark
from engine.plan import Beat, Kind, Plan

logger = logging.getLogger(__name__)


class End(StrEnum):
    """Why a session ended; the value is the status stored for it."""

    COMPLETED = "completed"
    STOPPED = "stopped"  # the user pressed Stop, typed /stop, or ended an interrupted session
    PAIN = "pain"  # a pain report (It hurts, /pain, typed pain words)
    WARNING_SIGNS = "warning_signs"  # warning signs reported: the routine is on hold
    ERASED = "erased"  # /delete or the retention sweep: the rows go right after

    @property
    def mark(self) -> Mark:
        """The mark left on the exercise where a session ended for this reason."""
        if self in (End.PAIN, End.WARNING_SIGNS):
            return Mark.HURT
        return Mark.DONE if self is End.COMPLETED else Mark.STOPPED


@dataclass(slots=True, eq=False)
class Live:
    """A running session: identity, the shared plan, and where it is."""

    session_id: int
    chat_id: int
    user_id: int
    language: str
    routine_id: str
    level: int
    plan: Plan
    checkin: int | None = None  # the check-in rating (0-10), kept for the after-session verdict
    index: int = 0  # the next beat to show
    due: float = 0.0  # monotonic time the next beat is due
    paused_left: float | None = None  # time left in the current beat while paused
    marks: str = ""  # one letter per exercise (engine/marks.py); set by `start` when empty
    alerts: bool = True  # a new (notifying) message at each new exercise and side switch
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
        return self.plan.beats[max(0, self.index - 1)]

    @property
    def paused(self) -> bool:
        return self.paused_left is not None

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


class Hooks(Protocol):
    """What the engine asks of the outside world (Telegram and storage)."""

    async def on_beat(self, live: Live, beat: Beat) -> None: ...

    async def on_checkpoint(self, live: Live, position: int) -> None: ...

    async def on_complete(self, live: Live) -> None: ...


class Sessions:
    """All live sessions of this process, one per chat."""

    def __init__(self, hooks: Hooks, clock: Clock | None = None) -> None:
        self._hooks = hooks
        self._clock = clock or RealClock()
        self._live: dict[int, Live] = {}
        self.lateness: list[float] | None = None  # set to [] to record (benchmarks)

    def get(self, chat_id: int) -> Live | None:
        """The chat's live session."""
        return self._live.get(chat_id)

    def __len__(self) -> int:
        return len(self._live)

    def start(self, live: Live, index: int = 0) -> None:
        """Begin (or, after a restart, resume at a checkpoint) a session for its chat."""
        if live.chat_id in self._live:
            raise RuntimeError(f"chat {live.chat_id} already has a live session")
        now = self._clock.monotonic()
        live.index, live.due, live.resumed_at = index, now, now
        live.marks = marks.read(live.marks, len(live.plan.amounts))
        self._live[live.chat_id] = live
        self._spawn(live)

    async def pause(self, chat_id: int) -> Live | None:
        """Hold the clock; returns the session if it was running."""
        live = self._live.get(chat_id)
        if live is None:
            return None
        async with live.lock:
            if live.paused or live.stopping:
                return None
            await self._hold(live)
            return live

    async def ask_to_end(self, chat_id: int) -> Live | None:
        """Stop was pressed: hold the clock until the person answers "End the session?".

        None if there is no session or the question is already asked (a double tap).
        """
        live = self._live.get(chat_id)
        if live is None:
            return None
        async with live.lock:
            if live.asking_to_end or live.stopping:
                return None
            if not live.paused:
                await self._hold(live)
            live.asking_to_end = True
            return live

    async def _hold(self, live: Live) -> None:
        await self._halt(live)
        now = self._clock.monotonic()
        live.paused_left = max(0.0, live.due - now)
        live.active_seconds += now - live.resumed_at

    async def resume(self, chat_id: int) -> Live | None:
        """Continue a paused session: the interrupted breath, hold or countdown starts again,
        whole (nothing is cut short by the pause)."""
        live = self._live.get(chat_id)
        if live is None:
            return None
        async with live.lock:
            if not live.paused or live.stopping:
                return None
            now = self._clock.monotonic()
            live.index = live.plan.restart_point(live.index - 1) if live.index else 0
            live.due = now
            live.paused_left = None
            live.asking_to_end = False
            live.resumed_at = now
            self._spawn(live)
            return live

    async def skip(self, chat_id: int) -> Live | None:
        """Jump to the next exercise (or the end), resuming if paused."""
        live = self._live.get(chat_id)
        if live is None:
            return None
        async with live.lock:
            if live.stopping:
                return None
            await self._halt(live)
            now = self._clock.monotonic()
            if live.paused:
                live.paused_left = None
                live.resumed_at = now
            live.asking_to_end = False
            if live.marks[live.current.item] == Mark.NOT_REACHED:
                live.marks = marks.put(live.marks, live.current.item, Mark.SKIPPED)
            live.index = live.plan.next_item_start(max(0, live.index - 1))
            live.due = now
            self._spawn(live)
            return live

    async def ready(self, chat_id: int) -> Live | None:
        """Cut the get-ready countdown short."""
        live = self._live.get(chat_id)
        if live is None:
            return None
        async with live.lock:
            if live.stopping or live.paused or live.current.kind is not Kind.INTRO:
                return None
            await self._halt(live)
            live.due = self._clock.monotonic()
            self._spawn(live)
            return live

    async def stop(self, chat_id: int) -> Live | None:
        """End the session now: no timed message of this chat is sent after this returns."""
        live = self._live.get(chat_id)
        if live is None:
            return None
        async with live.lock:
            if live.stopping:
                return None
            live.stopping = True
            await self._halt(live)
            if not live.paused:
                live.active_seconds += self._clock.monotonic() - live.resumed_at
            self._live.pop(chat_id, None)
            return live

    async def shutdown(self) -> None:
        """Cancel every timer (process exit); stored state lets sessions resume later."""
        for live in list(self._live.values()):
            live.stopping = True
            await self._halt(live)
        self._live.clear()

    def _spawn(self, live: Live) -> None:
        # A context of its own, not the handler's that started it: the beats are timed by the
        # plan, not replies to the update (throttle/replies.py) nor inside its transaction.
        live.task = asyncio.get_running_loop().create_task(
            self._run(live), name=f"routine:{live.chat_id}", context=contextvars.Context()
        )

    async def _halt(self, live: Live) -> None:
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
        beats = live.plan.beats
        while live.index < len(beats) and not live.stopping:
            delay = live.due - self._clock.monotonic()
            if delay > 0:
                await self._clock.sleep(delay)
            position = live.index
            beat = beats[position]
            if self.lateness is not None:
                self.lateness.append(self._clock.monotonic() - live.due)
            if beat.kind in (Kind.NEXT, Kind.DONE) and live.marks[beat.item] == Mark.NOT_REACHED:
                live.marks = marks.put(live.marks, beat.item, Mark.DONE)  # its last hold is over
            if beat.kind is Kind.DONE:  # the time spent is part of the final message
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
            if beat.kind is Kind.DONE and not live.stopping:
                self._live.pop(live.chat_id, None)
                live.stopping = True
                try:
                    await self._hooks.on_complete(live)
                except Exception:
                    logger.exception("finishing session %s failed", live.session_id)
                return
