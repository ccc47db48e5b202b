"""The engine's window on the world: it sends each beat of a guided session to Telegram and
stores the session's end."""

from __future__ import annotations

import logging

from telegram.ext import Application

from background.ending import close_live, drop_message
from core.context import BotData
from db.models import utcnow
from engine.plan import Beat, Dose, Kind
from engine.routines import routine_doses
from engine.sessions import Live
from ui.guided import (
    beat_text,
    controls,
    done_text,
    intro_caption,
    item_picture,
    rating_keyboard,
)
from ui.payloads import Action

logger = logging.getLogger(__name__)


CAPTION_LIMIT = 1024


class RoutineHooks:
    """The engine's window on the world: Telegram messages and stored progress."""

    def __init__(self, application: Application) -> None:
        self._app = application
        self._doses: dict[str, tuple[Dose, ...]] = {}

    @property
    def data(self) -> BotData:
        return self._app.bot_data

    def doses(self, routine_id: str) -> tuple[Dose, ...]:
        if routine_id not in self._doses:
            self._doses[routine_id] = routine_doses(self.data.content, routine_id)
        return self._doses[routine_id]

    async def on_beat(self, live: Live, beat: Beat) -> None:
        """Show a beat: a new live message at each new exercise (and, with change alerts on,
        at each side switch, replacing the old one), a silent edit for every other beat."""
        data, content, bot = self.data, self.data.content, self._app.bot
        scale = data.settings.routine_time_scale
        if beat.kind is Kind.DONE:
            final = done_text(content, live, live.active_seconds / scale)
            await close_live(data, bot, live, final)
            return
        again = live.showing_again()  # a paused beat started again: its message is edited
        doses = self.doses(live.routine_id)
        if beat.kind is Kind.INTRO and not again:
            await close_live(data, bot, live)
            await self._send_intro(live, doses, beat.item)
        shown = beat_text(content, live, doses, beat, round(beat.duration / scale))
        markup = controls(content, live, intro=beat.kind is Kind.INTRO)
        opens = beat.kind is Kind.INTRO or (beat.kind is Kind.SWITCH and live.alerts)
        if live.message_id is None or (opens and not again):
            replaced = live.message_id
            # At a side switch this message is the one that sounds; at a new exercise the
            # picture just did.
            silent = beat.kind is Kind.INTRO or not live.alerts
            message = await bot.send_message(
                live.chat_id, shown, reply_markup=markup, disable_notification=silent
            )
            live.message_id, live.shown, live.opened_at = message.message_id, shown, live.index
            if replaced is not None:
                await drop_message(bot, live, replaced)
        elif shown != live.shown:
            await bot.edit_message_text(shown, live.chat_id, live.message_id, reply_markup=markup)
            live.shown = shown

    async def _send_intro(self, live: Live, doses: tuple[Dose, ...], item: int) -> None:
        """The exercise's picture with its steps (the message that sounds, if alerts are on)."""
        content, bot = self.data.content, self._app.bot
        caption = intro_caption(content, live, doses, item)
        name, animation = item_picture(content, live.routine_id, item)
        silent = not live.alerts
        if len(caption) <= CAPTION_LIMIT:
            await self.data.media.send(
                bot,
                live.chat_id,
                name,
                animation=animation,
                caption=caption,
                disable_notification=silent,
            )
        else:
            await self.data.media.send(
                bot, live.chat_id, name, animation=animation, disable_notification=silent
            )
            await bot.send_message(live.chat_id, caption, disable_notification=True)

    async def on_checkpoint(self, live: Live, position: int) -> None:
        self.data.checkpoints.record(
            live.session_id,
            beat_index=position,
            live_message_id=live.message_id,
            exercises_done=live.exercises_done(),
            item_marks=live.marks,
        )

    async def on_complete(self, live: Live) -> None:
        # Written with the next group commit (db/checkpoints.py), never awaited here: the
        # rating question is timed. The rating and a new session take it first if it is pending.
        self.data.checkpoints.finish(
            live.session_id,
            live.chat_id,
            status="completed",
            ended_at=utcnow(),
            exercises_done=live.exercises_done(),
            item_marks=live.marks,
            active_seconds=live.active_seconds / self.data.settings.routine_time_scale,
            live_message_id=None,
        )
        logger.info("session %s completed", live.session_id)
        checkin = "n" if live.checkin is None else live.checkin
        await self._app.bot.send_message(
            live.chat_id,
            self.data.content.text(live.language, "routine.after_question"),
            reply_markup=rating_keyboard(Action.AFTER, live.session_id, checkin),
        )
