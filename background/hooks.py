"""The engine's window on the world: it sends each beat of a guided session to Telegram and
stores the session's end."""

from __future__ import annotations

import logging

from telegram.ext import Application

from background.ending import close_live
from core.context import BotData
from db.models import utcnow
from engine.plan import Beat, Dose, Kind
from engine.routines import routine_doses
from engine.sessions import Live
from ui.guided import (
    beat_text,
    controls,
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
        content, bot = self.data.content, self._app.bot
        doses = self.doses(live.routine_id)
        seconds = round(beat.duration / self.data.settings.routine_time_scale)
        if beat.kind is Kind.DONE:
            minutes, rest = divmod(
                round(live.active_seconds / self.data.settings.routine_time_scale), 60
            )
            await close_live(self.data, bot, live, text_for_done(self.data, live, minutes, rest))
            return
        if beat.kind is Kind.INTRO:
            await close_live(self.data, bot, live)
            caption = intro_caption(content, live, doses, beat.item)
            name, animation = item_picture(content, live.routine_id, beat.item)
            if len(caption) <= CAPTION_LIMIT:
                await self.data.media.send(
                    bot, live.chat_id, name, animation=animation, caption=caption
                )
            else:
                await self.data.media.send(bot, live.chat_id, name, animation=animation)
                await bot.send_message(live.chat_id, caption)
        shown = beat_text(content, live, doses, beat, seconds)
        markup = controls(content, live, intro=beat.kind is Kind.INTRO)
        if live.message_id is None or beat.kind is Kind.INTRO:
            message = await bot.send_message(live.chat_id, shown, reply_markup=markup)
            live.message_id, live.shown = message.message_id, shown
        elif shown != live.shown:
            await bot.edit_message_text(shown, live.chat_id, live.message_id, reply_markup=markup)
            live.shown = shown

    async def on_checkpoint(self, live: Live, position: int) -> None:
        self.data.checkpoints.record(
            live.session_id,
            beat_index=position,
            live_message_id=live.message_id,
            exercises_done=live.exercises_done(),
        )

    async def on_complete(self, live: Live) -> None:
        # Written with the next group commit (db/checkpoints.py), never awaited here: the
        # rating question is timed. The rating and a new session take it first if it is pending.
        self.data.checkpoints.finish(
            live.session_id,
            live.chat_id,
            status="completed",
            ended_at=utcnow(),
            exercises_done=len(live.plan.amounts),
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


def text_for_done(data: BotData, live: Live, minutes: int, seconds: int) -> str:
    return data.content.text(
        live.language,
        "routine.done",
        minutes=minutes,
        seconds=seconds,
        exercises=len(live.plan.amounts),
        count=len(live.plan.amounts),
    )
