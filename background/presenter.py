"""The chat presenter: a guided session shown as Telegram messages (guided/presenter.py says what
a presenter is asked to show).

At an intro the exercise's picture (it notifies) and a new live message; at a side switch, with
change alerts on, a new live message that notifies, the old one deleted; otherwise a silent edit
of the live message (an unchanged text is never sent again). The texts and buttons come from
ui/guided.py; the pain warning leaves under the warning's delivery contract (throttle/).
"""

from __future__ import annotations

import contextlib
import logging

from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ExtBot

from background.context import BotData
from guided.engine.routines import routine_doses
from guided.engine.timeline import Beat, BeatKind, Dose
from guided.engine.timers import Live
from guided.presenter import Interrupted
from throttle import Delivery
from ui.guided import (
    beat_text,
    closed_line,
    controls,
    done_text,
    interrupted_text,
    intro_caption,
    item_picture,
    paused_text,
    rating_keyboard,
    resume_markup,
)
from ui.payloads import After

logger = logging.getLogger(__name__)

CAPTION_LIMIT = 1024


class ChatPresenter:
    """Guided sessions in their Telegram chat."""

    def __init__(self, application: Application) -> None:
        self._app = application
        self._doses: dict[str, tuple[Dose, ...]] = {}

    @property
    def data(self) -> BotData:
        return self._app.bot_data

    @property
    def bot(self) -> ExtBot[None]:
        return self._app.bot

    def doses(self, routine_id: str) -> tuple[Dose, ...]:
        if routine_id not in self._doses:
            self._doses[routine_id] = routine_doses(self.data.content, routine_id)
        return self._doses[routine_id]

    async def show_beat(self, live: Live, beat: Beat) -> None:
        """A new live message at each new exercise (and, with change alerts on, at each side
        switch, replacing the old one), a silent edit for every other beat."""
        data, content, bot = self.data, self.data.content, self.bot
        scale = data.settings.routine_time_scale
        if beat.kind is BeatKind.DONE:
            await self._close(live, done_text(content, live, live.active_seconds / scale))
            return
        again = live.showing_again()  # a paused beat started again: its message is edited
        doses = self.doses(live.routine_id)
        if beat.kind is BeatKind.INTRO and not again:
            await self._close(live)
            await self._send_intro(live, doses, beat.item)
        shown = beat_text(content, live, doses, beat, round(beat.duration / scale))
        markup = controls(content, live, intro=beat.kind is BeatKind.INTRO)
        opens = beat.kind is BeatKind.INTRO or (beat.kind is BeatKind.SWITCH and live.alerts)
        if live.message_id is None or (opens and not again):
            replaced = live.message_id
            # At a side switch this message is the one that sounds; at a new exercise the
            # picture just did.
            silent = beat.kind is BeatKind.INTRO or not live.alerts
            message = await bot.send_message(
                live.chat_id, shown, reply_markup=markup, disable_notification=silent
            )
            live.message_id, live.shown, live.opened_at = message.message_id, shown, live.index
            if replaced is not None:
                await self._drop(live, replaced)
        elif shown != live.shown:
            await bot.edit_message_text(shown, live.chat_id, live.message_id, reply_markup=markup)
            live.shown = shown

    async def _send_intro(self, live: Live, doses: tuple[Dose, ...], item: int) -> None:
        """The exercise's picture with its steps (the message that sounds, if alerts are on)."""
        content, bot, media = self.data.content, self.bot, self.data.media
        caption = intro_caption(content, live, doses, item)
        name, animation = item_picture(content, live.routine_id, item)
        silent = not live.alerts
        if len(caption) <= CAPTION_LIMIT:
            await media.send(
                bot,
                live.chat_id,
                name,
                animation=animation,
                caption=caption,
                disable_notification=silent,
            )
        else:
            await media.send(
                bot, live.chat_id, name, animation=animation, disable_notification=silent
            )
            await bot.send_message(live.chat_id, caption, disable_notification=True)

    async def show_paused(self, live: Live) -> None:
        """The stopped clock on the live message: paused with Resume, or "End the session?"."""
        if live.message_id is None:
            return
        paused = paused_text(self.data.content, live)
        try:
            await self.bot.edit_message_text(
                paused,
                live.chat_id,
                live.message_id,
                reply_markup=controls(self.data.content, live),
            )
            live.shown = paused
        except BadRequest as error:
            logger.info("could not show pause for session %s: %s", live.session_id, error)

    async def show_ended(self, live: Live) -> None:
        """The live message closed with its exercise's line as it went (✓ done, skipped,
        stopped or hurt: the mark its ending left)."""
        await self._close(live)

    async def show_completed(self, live: Live) -> None:
        """The question after the session, its 0-10 buttons carrying the check-in rating."""
        await self.bot.send_message(
            live.chat_id,
            self.data.content.text(live.language, "routine.after_question"),
            reply_markup=rating_keyboard(lambda n: After(live.session_id, live.checkin, n)),
        )

    async def warn(self, chat_id: int, language: str, *, in_session: bool) -> bool:
        """The stop-and-consult warning, retried through 429s, 5xx and time-outs for two
        minutes, in the chat's order (the warning's delivery contract, throttle/)."""
        key = "pain.stop_warning" if in_session else "pain.no_session"
        try:
            await self.bot.send_message(
                chat_id,
                self.data.content.text(language, key),
                rate_limit_args={"delivery": Delivery.WARNING},  # type: ignore[arg-type]  # ExtBot[None]
            )
        except TelegramError as error:
            logger.error("the stop warning was not delivered: %s", type(error).__name__)
            return False
        return True

    async def offer_resume(self, interrupted: Interrupted) -> None:
        """The interrupted session's old buttons taken off; where it was, with Resume and End.
        One chat's failure (blocked, deleted, Telegram down) is logged: the others go on."""
        content, bot, chat_id = self.data.content, self.bot, interrupted.chat_id
        try:
            if interrupted.live_message_id is not None:
                with contextlib.suppress(BadRequest):
                    await bot.edit_message_reply_markup(
                        chat_id, interrupted.live_message_id, reply_markup=None
                    )
            language = interrupted.language
            await bot.send_message(
                chat_id,
                interrupted_text(
                    content, language, interrupted.routine_id, interrupted.item, interrupted.count
                ),
                reply_markup=resume_markup(content, language, interrupted.session_id),
            )
        except TelegramError as error:
            logger.info(
                "session %s left interrupted: %s", interrupted.session_id, type(error).__name__
            )

    async def _close(self, live: Live, final: str | None = None) -> None:
        """Take the buttons off the live message, leaving the line of its exercise as it went
        (the mark the ending left), ignoring a lost message."""
        if live.message_id is None:
            return
        if final is None:
            final = closed_line(self.data.content, live, live.current.item)
        try:
            await self.bot.edit_message_text(final, live.chat_id, live.message_id)
        except (BadRequest, Forbidden) as error:
            logger.info("could not close live message of session %s: %s", live.session_id, error)
        live.message_id, live.shown = None, ""

    async def _drop(self, live: Live, message_id: int) -> None:
        """Delete a live message that a new one replaced (its buttons only, if it cannot go)."""
        try:
            await self.bot.delete_message(live.chat_id, message_id)
        except (BadRequest, Forbidden) as error:
            logger.info("could not delete a live message of session %s: %s", live.session_id, error)
            with contextlib.suppress(BadRequest, Forbidden):
                await self.bot.edit_message_reply_markup(
                    live.chat_id, message_id, reply_markup=None
                )
