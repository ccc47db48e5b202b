"""Updates run concurrently across chats but one at a time within a chat, and fairly in a flood.

PTB's `concurrent_updates(True)` runs every update at once; then a reply typed right after a
question can overtake the handler that asked it (a ConversationHandler has not yet entered its
next state), and a double tap can race itself. Serialising per chat keeps each conversation in
order while a thousand chats still proceed in parallel.

A chat waits for its own turn before it takes one of the shared handler slots, so one chat's
backlog never holds the slots other chats need. A chat has at most `max_pending_per_chat` updates
waiting, and a person may send `user_burst` updates, then `user_rate_per_second`: the excess is
dropped, with one calm notice a minute at most. A pain report is never dropped and goes ahead of
the updates its chat has waiting.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor

from perf.slots import Slots

if TYPE_CHECKING:
    from content import Content
    from core.config import Settings

logger = logging.getLogger(__name__)

# PTB takes its own semaphore before `do_process_update` (`process_update` is final), so that one
# can only bound how many updates are inside the processor, waiting or running; the handler slots
# are ours, taken after the chat's turn. The per-chat cap and the per-user rate keep far below it.
ADMITTED = 4096
NOTICE_EVERY = 60.0  # seconds: one slow-down notice, and one log line of drops, per person
SWEEP_EVERY = 60.0  # seconds between two passes that forget idle people
SLOW_DOWN_KEY = "fallback.slow_down"


class ChatTurns:
    """Whose turn it is in one chat: first come, first served, except that urgent updates (pain
    reports) go ahead of the ordinary ones still waiting (a gate of one: perf/slots.Slots)."""

    def __init__(self) -> None:
        self.pending = 0  # this chat's updates waiting or running
        self._turn = Slots(1)

    @property
    def busy(self) -> bool:
        return self._turn.free == 0

    async def acquire(self, *, urgent: bool) -> None:
        """Wait for this chat's turn."""
        await self._turn.acquire(first=urgent)

    def release(self) -> None:
        """Hand the turn to the next waiting update, urgent ones first."""
        self._turn.release()


@dataclass(slots=True)
class Sender:
    """One person's token bucket, their last notice, and their drops not yet logged."""

    tokens: float
    refilled: float
    noticed: float = -NOTICE_EVERY
    logged: float = -NOTICE_EVERY
    over_rate: int = 0
    over_backlog: int = 0


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """At most one update per chat in flight; different chats in parallel; floods trimmed."""

    # At most `settings.update_slots` handlers at once (perf/slots.py: what that buys, and how
    # a handler parked in a group commit lends its slot out meanwhile).
    def __init__(
        self,
        settings: Settings,
        content: Content,
        *,
        never_drop: Callable[[Update], bool],
        max_concurrent_updates: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        observe: Callable[[object, float], None] | None = None,
        replying_to: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(ADMITTED)
        self._slots = Slots(max_concurrent_updates or settings.update_slots)
        self._content = content
        self._default_language = settings.default_language
        self._burst = float(settings.user_burst)
        self._rate = settings.user_rate_per_second
        self._max_pending = settings.max_pending_per_chat
        self._never_drop = never_drop
        self._clock = clock
        # Told each update and the seconds from its arrival to its handlers' end (for metrics).
        self._observe = observe
        # Told the chat an update's handlers are about to answer, in their task (the rate
        # limiter lets the first reply go at once: throttle/replies.py).
        self._replying_to = replying_to
        self._chats: dict[int, ChatTurns] = {}
        self._senders: dict[int, Sender] = {}
        self._swept = clock()

    def tracked(self) -> tuple[int, int]:
        """How many chats have updates pending and how many people are remembered."""
        return len(self._chats), len(self._senders)

    @staticmethod
    def _key(update: object) -> int | None:
        """The chat whose turn an update waits for (a person's own, for an inline query)."""
        if not isinstance(update, Update):
            return None
        if update.effective_chat is not None:
            return update.effective_chat.id
        return update.effective_user.id if update.effective_user is not None else None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self._observe is None:
            await self._process(update, coroutine)
            return
        arrived = time.monotonic()
        try:
            await self._process(update, coroutine)
        finally:
            self._observe(update, time.monotonic() - arrived)

    async def _process(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = self._key(update)
        if key is None or not isinstance(update, Update):
            async with self._slots.occupy():  # nobody to keep in order or to limit (a poll's state)
                await coroutine
            return
        user = update.effective_user
        now = self._clock()
        self._sweep(now)
        turns = self._chats.get(key)
        over_backlog = turns is not None and turns.pending >= self._max_pending
        over_rate = not over_backlog and user is not None and not self._take_token(user.id, now)
        # Matching pain words is the costliest check: only where the answer changes something.
        waiting = turns is not None and turns.busy
        urgent = (waiting or over_backlog or over_rate) and self._never_drop(update)
        if (over_backlog or over_rate) and not urgent:
            await self._drop(update, coroutine, over_backlog, now)
            return
        if turns is None:
            turns = self._chats[key] = ChatTurns()
        turns.pending += 1
        try:
            await turns.acquire(urgent=urgent)
            try:
                async with self._slots.occupy():
                    if self._replying_to is not None:
                        self._replying_to(key)
                    await coroutine
            finally:
                turns.release()
        finally:
            turns.pending -= 1
            if not turns.pending:  # forget idle chats: memory stays flat
                del self._chats[key]

    def _sender(self, sender_id: int, now: float) -> Sender:
        sender = self._senders.get(sender_id)
        if sender is None:
            sender = self._senders[sender_id] = Sender(self._burst, now)
        return sender

    def _take_token(self, user_id: int, now: float) -> bool:
        sender = self._sender(user_id, now)
        sender.tokens = min(self._burst, sender.tokens + (now - sender.refilled) * self._rate)
        sender.refilled = now
        if sender.tokens < 1:
            return False
        sender.tokens -= 1
        return True

    async def _drop(
        self, update: Update, coroutine: Awaitable[Any], over_backlog: bool, now: float
    ) -> None:
        """Never run the update; count it, and tell the person once a minute at most."""
        if inspect.iscoroutine(coroutine):
            coroutine.close()  # not awaited on purpose: no "never awaited" warning
        chat, user = update.effective_chat, update.effective_user
        sender_id = user.id if user else chat.id if chat else 0
        sender = self._sender(sender_id, now)
        if over_backlog:
            sender.over_backlog += 1
        else:
            sender.over_rate += 1
        if now - sender.logged >= NOTICE_EVERY:
            self._log_drops(sender_id, sender, now)
        # Only a private chat hears it, never a group. It is sent from this update's own task
        # (PTB waits for that when it stops), outside the chat's turn and the shared slots.
        private = chat is not None and chat.type == ChatType.PRIVATE
        if private and user is not None and now - sender.noticed >= NOTICE_EVERY:
            sender.noticed = now
            await self._send_notice(update, user.id, user.language_code)

    @staticmethod
    def _log_drops(sender_id: int, sender: Sender, now: float) -> None:
        if sender.over_rate or sender.over_backlog:
            logger.warning(
                "Dropped updates from %s: %d over the rate, %d over the chat's backlog",
                sender_id,
                sender.over_rate,
                sender.over_backlog,
            )
            sender.logged, sender.over_rate, sender.over_backlog = now, 0, 0

    async def _send_notice(self, update: Update, chat_id: int, language_code: str | None) -> None:
        # The Telegram language: the processor runs before any handler could look up a choice.
        language = (language_code or "").split("-")[0].lower()
        if language not in self._content.languages:
            language = self._default_language
        try:
            await update.get_bot().send_message(
                chat_id, self._content.text(language, SLOW_DOWN_KEY)
            )
        except TelegramError as error:
            logger.warning("Slow-down notice not sent: %s", type(error).__name__)
        except Exception:
            logger.exception("Slow-down notice failed")

    def _sweep(self, now: float) -> None:
        """Log drops still unlogged after a minute; forget people whose bucket is full again and
        who are owed no quiet minute (for notices or log lines): memory stays flat."""
        if now - self._swept < SWEEP_EVERY:
            return
        self._swept = now
        refill = self._burst / self._rate
        for sender_id, sender in list(self._senders.items()):
            if now - sender.logged >= NOTICE_EVERY:
                self._log_drops(sender_id, sender, now)
            quiet = min(now - sender.noticed, now - sender.logged) >= NOTICE_EVERY
            if quiet and now - sender.refilled >= refill:
                del self._senders[sender_id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Log the drops not yet logged."""
        now = self._clock()
        for sender_id, sender in self._senders.items():
            self._log_drops(sender_id, sender, now)
        self._senders.clear()
