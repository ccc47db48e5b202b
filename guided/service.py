"""The guided sessions' service: the whole life of a session, in one place.

Start (`create`, then `begin`), pause, ask to end, resume, skip, ready, `stop` with a reason,
`hurt` (a pain report), complete (the timers' last beat), `recover` and resume after a restart,
and the rating after the end. It owns the statuses (guided/engine/status.py), the session's
transactions (guided/store.py, guided/rating.py) and the checkpoint writer
(guided/checkpoints.py); what a session shows goes to its presenter (guided/presenter.py).
Handlers, the safety holds, /delete and the retention sweep call it; none of them assembles an
ending. It never imports Telegram, and its timers never wait for the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from core.context import BotState
from db.models import RoutineSession, utcnow
from guided import app, store
from guided.checkpoints import CheckpointWriter
from guided.engine import marks
from guided.engine.clock import Clock
from guided.engine.routines import gentle_ids, routine_exists
from guided.engine.status import OPEN, End, SessionStatus
from guided.engine.timeline import Beat, BeatKind, Timeline
from guided.engine.timers import TRACK, Live, SessionTimers
from guided.presenter import Interrupted, Presenter
from guided.rating import Held, Rated, Rating, rate_many
from guided.store import Ended, PainStored
from perf.batching import Batched
from safety.rules import Source
from services.safety import NOT_STORED

logger = logging.getLogger(__name__)

# A track that ended longer ago than this while the bot was down is not taken as heard to its end
# (no rating question hours later, no session counted as completed): Resume or End is offered.
TRACK_GRACE = timedelta(minutes=30)

# What a caller does as soon as a change is made (a button's answer), before it is stored and shown.
Acknowledge = Callable[[], Awaitable[None]] | None


@dataclass(frozen=True)
class Started:
    """A session stored and ready to run: its live record, and the timeline of the same routine
    at the level of last time (None: the first time, or the gentle plan, which never changes)."""

    live: Live
    before: Timeline | None


@dataclass(frozen=True)
class PainStop:
    """What a pain report did: stored (or not, if the database failed), the session it ended,
    and whether the warning was delivered (nothing more is asked if not)."""

    stored: PainStored
    warned: bool


class GuidedSessions:
    """Every guided session of this process, from its start to its rating."""

    def __init__(self, data: BotState, presenter: Presenter, clock: Clock | None = None) -> None:
        self._data = data  # read at each call: its database opens after start-up
        self._presenter = presenter
        self._timers = SessionTimers(self, clock)

    def start(self) -> None:
        """Once the database is open: the checkpoint writer (the timers' checkpoints and ends,
        written in group commits), the group commits of ratings (guided/rating.rate_many) and
        of the Mini App's checkpoints (guided/app.checkpoints)."""
        self.checkpoints = CheckpointWriter(self._data.db)
        self.checkpoints.start()
        self.ratings = Batched(partial(rate_many, self._data, self.checkpoints))
        # The Mini App's checkpoints: 500 people posting at once share a few transactions.
        self.app_checkpoints = Batched(
            partial(app.checkpoints, self._data), max_size=500, gather=True
        )

    def get(self, chat_id: int) -> Live | None:
        """The chat's live session (its timer runs in this process)."""
        return self._timers.get(chat_id)

    def __len__(self) -> int:
        return len(self._timers)

    # --- starting ---------------------------------------------------------------------------

    async def create(
        self,
        *,
        user_id: int,
        chat_id: int,
        language: str,
        routine_id: str,
        rating: int,
        screen: str = "chat",
    ) -> Started | None:
        """Store a new session and its check-in (progression applied, the routine adapted where
        an exercise hurt lately); None if the chat has an open session already. Its timer runs
        from `begin`, once the start is on screen (`screen`: where it is shown)."""
        data = self._data
        created = await store.create(
            data,
            self.checkpoints,
            user_id=user_id,
            chat_id=chat_id,
            language=language,
            routine_id=routine_id,
            rating=rating,
            gentle=gentle_ids(data.content),
            screen=None if screen == "chat" else screen,
        )
        if created is None:
            return None
        routine_id, level = created.routine_id, created.level
        live = self._live(created.session_id, chat_id, user_id, language, routine_id, level)
        live.checkin, live.alerts, live.screen = rating, created.alerts, screen
        last = None if created.routine_id in gentle_ids(data.content) else created.last_level
        before = None if last is None else store.timeline_of(data, created.routine_id, last)
        return Started(live, before)

    def begin(self, live: Live) -> None:
        """Run the timer of a session `create` stored."""
        self._timers.start(live)
        logger.info(
            "session %s started: %s at level %s", live.session_id, live.routine_id, live.level
        )

    async def record_checkin(self, user_id: int, rating: int) -> None:
        """A check-in that starts nothing (the pain is too strong today)."""
        await store.record_checkin(self._data, user_id, rating)

    async def open_or_last(
        self, user_id: int, chat_id: int, language: str
    ) -> tuple[RoutineSession | None, str | None]:
        """The chat's interrupted session, if any, and the routine the user chose last."""
        return await store.open_or_last(self._data, self.checkpoints, user_id, chat_id, language)

    async def switch_alerts(self, user_id: int, chat_id: int, language: str) -> bool:
        """Change alerts off if on, on if off (a running session follows from its next change);
        the new setting."""
        on = await store.switch_alerts(self._data, user_id, language)
        live = self.get(chat_id)
        if live is not None:
            live.alerts = on
        return on

    # --- the clock --------------------------------------------------------------------------
    # Each returns the session, or None if nothing changed (no session, a double tap, an old
    # button). `acknowledge` is awaited as soon as the change is made, before it is stored and
    # shown: a button's answer comes first.

    async def pause(self, chat_id: int, acknowledge: Acknowledge = None) -> Live | None:
        """Stop the clock (Pause, or "Does it hurt?" asked)."""
        live = await self._timers.pause(chat_id)
        await self._settle(live, acknowledge, SessionStatus.PAUSED)
        return live

    async def ask_to_end(self, chat_id: int, acknowledge: Acknowledge = None) -> Live | None:
        """Stop was pressed: the clock stops and "End the session?" is shown (once: a second tap
        changes nothing)."""
        live = await self._timers.ask_to_end(chat_id)
        await self._settle(live, acknowledge, SessionStatus.PAUSED)
        return live

    async def resume(self, chat_id: int, acknowledge: Acknowledge = None) -> Live | None:
        """Run a paused session's clock again (Resume, Carry on, "I'm fine")."""
        live = await self._timers.resume(chat_id)
        await self._settle(live, acknowledge, SessionStatus.ACTIVE)
        return live

    async def skip(self, chat_id: int, acknowledge: Acknowledge = None) -> Live | None:
        """On to the next exercise (a paused clock runs again)."""
        live = await self._timers.skip(chat_id)
        await self._settle(live, acknowledge, SessionStatus.ACTIVE)
        return live

    async def ready(self, chat_id: int, acknowledge: Acknowledge = None) -> Live | None:
        """Cut the get-ready countdown short."""
        live = await self._timers.ready(chat_id)
        await self._settle(live, acknowledge, None)
        return live

    async def restart(self, chat_id: int) -> Live | None:
        """Run the chat's session again from its first beat, as if it began now: a session
        heard as one track runs from `begin` (so a pain report meanwhile stops it like any
        other) and from the start again once its track is in the chat."""
        return await self._timers.restart(chat_id)

    async def _settle(
        self, live: Live | None, acknowledge: Acknowledge, status: SessionStatus | None
    ) -> None:
        """After a change of the clock: the acknowledgement, the status stored, and a stopped
        clock shown."""
        if live is None:
            return
        if acknowledge is not None:
            await acknowledge()
        if status is not None:
            await store.save_status(self._data, live.session_id, status)
        if status is SessionStatus.PAUSED:
            await self._presenter.show_paused(live)

    # --- endings ----------------------------------------------------------------------------

    async def stop(self, chat_id: int, reason: End) -> Ended | None:
        """The one way a session ends early (Stop, /stop, End after a restart, warning signs,
        /delete, the retention sweep): the timer stops, so no timed message follows; the end
        is stored with the exercise on screen marked; the screen closes. What was done, or None
        if the chat had no session. An erased session stores nothing: its rows go right after."""
        live = await self._timers.stop(chat_id, reason)
        if live is not None:  # what the timer left for the group commit: the end replaces it
            self.checkpoints.discard(live.session_id)
        ended = None
        if reason is not End.ERASED:
            ended = await store.end(self._data, chat_id, reason, live)
        if ended is not None:
            # Why a session ended is health data when it is pain or warning signs: not logged.
            said = "" if reason.private else f": {reason.value}"
            logger.info("session %s ended%s", ended.session_id, said)
        if live is not None:
            await self._presenter.show_ended(live)
        return ended

    async def done(self, chat_id: int, session_id: int) -> Ended | None:
        """Done on a session shown as one track: it ends where it is (stopped, as Stop ends
        it), its screen closes, and the question after a session is asked as if it had
        reached its end. None if that session is not the chat's live one (an old button)."""
        live = self.get(chat_id)
        if live is None or live.session_id != session_id:
            return None
        ended = await self.stop(chat_id, End.STOPPED)
        if ended is not None:
            await self._presenter.show_completed(live)
        return ended

    async def hurt(
        self,
        *,
        chat_id: int,
        user_id: int,
        language: str,
        source: Source,
        said: str | None = None,
        in_app: Live | None = None,
    ) -> PainStop:
        """A pain report (It hurts, /pain, pain in words): the timer stops, so no timed message
        follows; the stop-and-consult warning leaves before any database work; the session's
        end, the report and the exercise on screen are stored in one transaction, whatever
        happens to the warning (an error is logged, never raised); once the warning is
        delivered, the screen closes. `in_app`: the session the Mini App runs (`app_live`),
        its clock already stopped on the phone."""
        live = in_app
        if live is None:
            live = await self._timers.stop(chat_id, End.PAIN)  # no ✓ on the exercise on screen
            if live is not None:
                self.checkpoints.discard(live.session_id)
        warning = asyncio.create_task(
            self._presenter.warn(chat_id, language, in_session=live is not None)
        )
        await asyncio.sleep(0)  # the warning's request starts before any database work
        stored = PainStored(NOT_STORED, None, None)
        try:
            stored = await store.record_pain(
                self._data,
                user_id=user_id,
                chat_id=chat_id,
                language=language,
                live=live,
                source=source,
                said=said,
            )
            if stored.ended is not None:  # why (pain) is health data: not logged
                logger.info("session %s ended", stored.ended.session_id)
        except Exception:
            logger.exception("a pain report could not be stored (the warning is sent regardless)")
        warned = await warning
        if warned and live is not None:
            await self._presenter.show_ended(live)
        return PainStop(stored, warned)

    # --- sessions run in the Mini App (guided/app.py) -------------------------------------
    # The page shows the beats; these record what it posts, each post once (its key).

    async def app_start(
        self, *, user_id: int, language: str, routine_id: str, rating: int, key: str
    ) -> app.Answer:
        """Start a session in the app unless one runs in the chat (`busy`: one at a time)."""
        if self.get(user_id) is not None:  # the chat's clock runs here (a private chat's id)
            return {"session": None, "busy": True}
        answer = await app.start(
            self._data,
            self.checkpoints,
            user_id=user_id,
            chat_id=user_id,
            language=language,
            routine_id=routine_id,
            rating=rating,
            gentle=gentle_ids(self._data.content),
            key=key,
        )
        if answer.get("session") is not None:
            logger.info("session %s started in the app", answer["session"])
        return answer

    async def app_checkpoint(
        self, *, user_id: int, session_id: int, beat: int, item_marks: str, key: str
    ) -> app.Answer | None:
        """A checkpoint the page reached (None: not this user's session); the posts that arrive
        together are stored in one transaction."""
        return await self.app_checkpoints(
            app.Checkpoint(user_id, session_id, beat, item_marks, key)
        )

    async def app_finish(
        self,
        *,
        user_id: int,
        session_id: int,
        beat: int,
        item_marks: str,
        completed: bool,
        language: str,
        key: str,
        checkin: int | None = None,
    ) -> app.Answer | None:
        """The end the page reached or chose; a completed one gets the question after it in
        the chat, as after any session (None: not this user's session)."""
        finished = await app.finish(
            self._data,
            user_id=user_id,
            session_id=session_id,
            beat=beat,
            item_marks=item_marks,
            completed=completed,
            key=key,
        )
        if finished is None:
            return None
        row = finished.ended
        if row is not None:
            logger.info("session %s ended in the app: %s", row.id, row.status)
            if completed:
                live = self._live(row.id, row.chat_id, user_id, language, row.routine_id, row.level)
                live.marks, live.checkin = row.item_marks or "", checkin
                await self._presenter.show_completed(live)
        return finished.answer

    async def app_live(
        self, user_id: int, session_id: int, beat: int, item_marks: str, language: str
    ) -> Live | None:
        """The app's session as a live record at `beat` with the page's marks, for the pain
        path; None if it is not open (it ended already: the report stands alone)."""
        row = await app.own_session(self._data, user_id, session_id)
        if row is None or row.owner != app.APP_OWNER or row.status not in OPEN:
            return None
        live = self._live(row.id, row.chat_id, user_id, language, row.routine_id, row.level)
        live.index = min(beat, len(live.timeline.beats) - 1) + 1  # `current` is the beat on screen
        live.marks = marks.read(item_marks, len(live.timeline.amounts))
        return live

    async def own_session(self, user_id: int, session_id: int) -> bool:
        """Whether the session is this user's."""
        return await app.own_session(self._data, user_id, session_id) is not None

    # --- after a restart --------------------------------------------------------------------

    async def recover(self, lapsed: list[str] | None = None) -> None:
        """Offer Resume or End, once, for every session that was running and is no longer.

        At start (`lapsed` None): the sessions this process (INSTANCE_ID) ran before it stopped.
        Later: those of other processes whose lease has lapsed; never those of a live process.
        """
        claimed = await store.claim_interrupted(self._data, lapsed)
        for session in claimed:
            if self._heard_on(session):
                await self._play_on(session)  # its track is in the chat, playing on
            else:
                await self._offer_resume(session.row, session.language, session.row.live_message_id)
        if claimed:
            logger.info("offered resume for %d interrupted sessions", len(claimed))

    def _heard_on(self, claimed: store.Claimed) -> bool:
        """Whether a session was heard as a track that is in the chat and is playing still, or
        ended lately (TRACK_GRACE): else the bot was down too long to take its end as heard,
        and Resume or End is offered as for any session."""
        row = claimed.row
        if row.screen != TRACK or row.live_message_id is None:
            return False
        if not routine_exists(self._data.content, row.routine_id):
            return False
        beats = store.timeline_of(self._data, row.routine_id, row.level).beats
        left = sum(beat.duration for beat in beats[row.beat_index :])
        since = (utcnow() - claimed.checkpoint_at).total_seconds()
        return since <= left + TRACK_GRACE.total_seconds()

    async def _play_on(self, claimed: store.Claimed) -> None:
        """A session heard as one track: its track played on while the bot was down, so its
        clock runs on from where the track is now (It hurts and Done under it work again; the
        question after it comes as the track ends, or now if it has ended). Nothing is offered:
        the chat guide never starts over a playing track."""
        row, data = claimed.row, self._data
        if not routine_exists(data.content, row.routine_id) or self.get(row.chat_id) is not None:
            return
        taken = await store.take_interrupted(data, row.id, row.chat_id, resume=True)
        if taken is None:
            return
        row, alerts = taken
        live = self._live(
            row.id, row.chat_id, row.user_id, claimed.language, row.routine_id, row.level
        )
        live.screen, live.alerts, live.message_id = TRACK, alerts, row.live_message_id
        live.active_seconds = row.active_seconds * data.settings.routine_time_scale
        since = (utcnow() - claimed.checkpoint_at).total_seconds()
        index, behind = live.timeline.position_after(row.beat_index, since)
        ended = {
            beat.item
            for beat in live.timeline.beats[row.beat_index : index]
            if beat.kind in (BeatKind.NEXT, BeatKind.DONE)
        }
        live.marks = marks.played(row.item_marks, len(live.timeline.amounts), ended)
        self._timers.start(live, index=index, behind=behind)
        logger.info("session %s heard as a track: on at beat %s after a restart", row.id, index)

    async def offer_resume(self, row: RoutineSession, language: str) -> None:
        """Offer Resume or End for the chat's interrupted session (asked for a new one)."""
        await self._offer_resume(row, language, None)

    async def _offer_resume(
        self, row: RoutineSession, language: str, live_message_id: int | None
    ) -> None:
        if not routine_exists(self._data.content, row.routine_id):
            return
        timeline = store.timeline_of(self._data, row.routine_id, row.level)
        item = timeline.beats[min(row.beat_index, len(timeline.beats) - 1)].item
        count = len(timeline.amounts)
        await self._presenter.offer_resume(
            Interrupted(row.id, row.chat_id, language, row.routine_id, item, count, live_message_id)
        )

    async def take_interrupted(
        self, session_id: int, chat_id: int, *, resume: bool
    ) -> tuple[RoutineSession, bool] | None:
        """The chat's interrupted session (stored as active again if it resumes) and whether
        its person wants change alerts; None if it is not one, or a session runs here."""
        if self.get(chat_id) is not None:
            return None
        return await store.take_interrupted(self._data, session_id, chat_id, resume=resume)

    def resume_interrupted(self, taken: tuple[RoutineSession, bool], language: str) -> Live:
        """Run an interrupted session again from its last checkpoint: the start of the exercise,
        side or round that was on screen, so the interrupted breath or timed hold starts again
        whole."""
        row, alerts = taken
        live = self._live(row.id, row.chat_id, row.user_id, language, row.routine_id, row.level)
        live.active_seconds = row.active_seconds * self._data.settings.routine_time_scale
        live.alerts = alerts
        start = live.timeline.checkpoint_before(row.beat_index)
        item = live.timeline.beats[start].item
        live.marks = marks.resumed(row.item_marks, len(live.timeline.amounts), item)
        self._timers.start(live, index=start)
        logger.info("session %s resumed at beat %s", row.id, row.beat_index)
        return live

    # --- after the end ----------------------------------------------------------------------

    async def rate(
        self, *, user_id: int, chat_id: int, session_id: int, checkin: int | None, rating: int
    ) -> Rated | Held | None:
        """The answer to "How does your back feel now?": stored, judged, the level moved
        (guided/rating.py); None for an old button; Held on an emergency hold (nothing stored:
        the advice is shown instead).

        A rating of 7 or more, or 2 or more above the check-in, gets no step up and a morning
        check the next day. The check-in rating travels in the button, so the verdict holds
        without consent to storing ratings. Ratings that arrive together are written together
        (one transaction: perf/batching.py).
        """
        gentle = frozenset(gentle_ids(self._data.content))
        rated: Rated | Held | None = await self.ratings(
            Rating(user_id, chat_id, session_id, checkin, rating, gentle)
        )
        return rated

    async def shutdown(self) -> None:
        """Cancel every timer (process exit), then write the pending checkpoints; the stored
        state lets sessions resume later."""
        await self._timers.shutdown()
        if hasattr(self, "checkpoints"):  # started (start-up may fail before the database opens)
            await self.checkpoints.stop()

    # --- what the timers ask (guided/engine/timers.TimerHooks) ------------------------------

    async def on_beat(self, live: Live, beat: Beat) -> None:
        await self._presenter.show_beat(live, beat)

    async def on_checkpoint(self, live: Live, position: int) -> None:
        self.checkpoints.record(
            live.session_id,
            beat_index=position,
            live_message_id=live.message_id,
            exercises_done=live.exercises_done(),
            item_marks=live.marks,
            updated_at=utcnow(),  # when the beat began, not when the group commit wrote it
        )

    async def on_complete(self, live: Live) -> None:
        # Written with the next group commit (guided/checkpoints.py), never awaited here: the
        # rating question is timed. The rating and a new session take it first if it is pending.
        self.checkpoints.finish(
            live.session_id,
            live.chat_id,
            status=SessionStatus.COMPLETED,
            ended_at=utcnow(),
            exercises_done=live.exercises_done(),
            item_marks=live.marks,
            active_seconds=live.active_seconds / self._data.settings.routine_time_scale,
            live_message_id=None,
        )
        logger.info("session %s completed", live.session_id)
        await self._presenter.show_completed(live)

    def _live(
        self,
        session_id: int,
        chat_id: int,
        user_id: int,
        language: str,
        routine_id: str,
        level: int,
    ) -> Live:
        """A live record with the timeline of its routine and level (shared between sessions)."""
        timeline = store.timeline_of(self._data, routine_id, level)
        return Live(session_id, chat_id, user_id, language, routine_id, level, timeline)
