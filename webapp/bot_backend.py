"""The Mini App's backend on the bot itself: `BotBackend` keeps the contract of webapp/backend.py
with the guided sessions' service (`data.sessions`: the app's session is one of its sessions,
recorded through guided/app.py), the chat's safety gate (safety.rules.gate on the stored state),
the chat's pain path (handed in by bot.py: handlers cannot be imported from here) and the
numbers of /progress (services/outcomes.gather, progress/stats). Its state is in the database
(idempotency keys included), so any process answers any request.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import date, tzinfo

from background.context import BotData
from content.adapted import base_id
from guided import app
from guided.engine.routines import gentle_routine, is_gentle
from guided.engine.timers import Live
from places.zones import zone_info
from progress import stats
from safety.rules import HIGH_PAIN, Gate, gate
from services.outcomes import gather
from services.safety import load_state
from webapp.backend import (
    Ack,
    Finished,
    GateKind,
    Home,
    Hurt,
    Numbers,
    Outcome,
    PainPoint,
    Progress,
    SessionLine,
    SignsAsked,
    Started,
    Status,
    UnknownSession,
)
from webapp.backend import Gate as AppGate
from webapp.plan import Plan, plan_json

logger = logging.getLogger(__name__)

# The chat's pain path for a report made in the app (bot.py: handlers/pain.report_pain with the
# app's session, the follow-up asked in the chat): user id, language, the session if one runs.
PainPath = Callable[[int, str, Live | None], Awaitable[None]]
# The chat's warning-sign questions (bot.py: handlers/safety.ask_signs, as the chat's check-in
# button asks them): user id, language.
SignsPath = Callable[[int, str], Awaitable[None]]
LAST_SESSIONS = 5
PLANS_KEPT = 256  # plans made (routine, level, language): a few dozen in practice
STATUS_SHOWN = {"completed": "completed", "pain": "hurt", "warning_signs": "hurt"}


class BotBackend:
    """The AppBackend of the running bot."""

    def __init__(self, data: BotData, pain: PainPath, signs: SignsPath) -> None:
        self._data = data
        self._pain = pain
        self._signs = signs
        self._plans: dict[tuple[str, int, str], Plan] = {}

    async def _language(self, user_id: int) -> str:
        _state, user = await load_state(self._data, user_id)
        return user.language if user else self._data.settings.default_language

    async def _gate(self, user_id: int) -> tuple[AppGate, str, str | None, tzinfo]:
        """The chat's gate for today's plan: the decision, the language, the routine to start
        (None: no session now; the start adapts it as the plan shows), the person's time zone."""
        data = self._data
        content = data.content
        state, user = await load_state(data, user_id)
        language = user.language if user else data.settings.default_language
        zone = zone_info((user.timezone if user else None) or data.settings.default_timezone)
        normal = [routine.id for routine in content.routines.values() if not routine.gentle]
        today = await app.today(data, user_id, user_id, normal)
        chosen = today.routine_id
        if chosen is None or chosen not in normal:
            chosen = normal[0]  # the first routine offered in the chat
        step = gate(state, is_gentle(content, chosen))
        if step is Gate.URGENT_ADVICE:
            return self._refuse(GateKind.HOLD, language, "app.hold_advice"), language, None, zone
        if step is Gate.SCREEN:
            return self._refuse(GateKind.FIRST_CHECK, language, None), language, None, zone
        busy = data.sessions.get(user_id) is not None
        if busy or (today.open_owner is not None and today.open_owner != app.APP_OWNER):
            return self._refuse(GateKind.BUSY, language, "app.busy"), language, None, zone
        level, shown = today.level, today.adapted.get(chosen, chosen)  # what hurt: easier or out
        gentle = gentle_routine(content)
        if step in (Gate.DOCTOR_FIRST, Gate.FLARE) and gentle is not None:
            chosen = shown = gentle  # the gentle plan only, at its lowest doses
            level = 0
        plan = self._plan(shown, level, language)
        ready = AppGate(
            kind=GateKind.READY.value, advice="", plan=plan, checkin=True, high=HIGH_PAIN
        )
        return ready, language, chosen, zone

    def _plan(self, routine_id: str, level: int, language: str) -> Plan:
        """A session's plan: the same for everyone at this routine, level and language (the
        content and the pace are the process's), so made once and shared (500 starts at once in
        one process: 14.2-18.4 ms of CPU a start, 12.6-13.1 ms with plans shared)."""
        key = (routine_id, level, language)
        plan = self._plans.get(key)
        if plan is None:
            data = self._data
            timeline = app.timeline_of(data, routine_id, level)
            scale = data.settings.routine_time_scale
            plan = plan_json(data.content, routine_id, timeline, language, scale)
            if len(self._plans) >= PLANS_KEPT:
                self._plans.clear()
            self._plans[key] = plan
        return plan

    def _refuse(self, kind: GateKind, language: str, key: str | None) -> AppGate:
        advice = self._data.content.text(language, key) if key else ""
        return AppGate(kind=kind.value, advice=advice, plan=None, checkin=False, high=HIGH_PAIN)

    async def home(self, user_id: int) -> Home:
        decided, language, _routine, zone = await self._gate(user_id)
        rows = await app.last_sessions(self._data, user_id, LAST_SESSIONS)
        last = [
            SessionLine(
                date=(row.ended_at or row.started_at).astimezone(zone).date().isoformat(),
                title=self._title(row.routine_id, language),
                done=row.exercises_done,
                count=len(row.item_marks or "") or row.exercises_done,
                status=STATUS_SHOWN.get(row.status, "stopped"),
            )
            for row in rows
        ]
        return Home(
            language=language,
            gate=decided,
            last=last,
            progress=await self.progress(user_id, 7),
        )

    def _title(self, routine_id: str, language: str) -> str:
        routine = self._data.content.routines.get(base_id(routine_id))
        return self._data.content.localize(routine.title, language) if routine else routine_id

    async def plan(self, user_id: int) -> AppGate:
        decided, _language, _routine, _zone = await self._gate(user_id)
        return decided

    async def start(self, user_id: int, key: str, rating: int | None = None) -> Started:
        data = self._data
        stored = await app.answered(data, user_id, key)
        decided, language, routine, _zone = await self._gate(user_id)
        if stored is None:
            if routine is None or rating is None:  # no session now, or today's rating first
                return Started(gate=decided, session=None, resume_at=0)
            if rating >= HIGH_PAIN:  # as in the chat: the check-in kept, no session today
                await data.sessions.record_checkin(user_id, rating)
                stored = await app.keep(data, user_id, key, {"session": None, "high": True})
            else:
                stored = await data.sessions.app_start(
                    user_id=user_id, language=language, routine_id=routine, rating=rating, key=key
                )
        if stored.get("high"):
            decided = self._refuse(GateKind.HOLD, language, "routine.too_much")
        elif stored.get("busy"):
            decided = self._refuse(GateKind.BUSY, language, "app.busy")
        return Started(gate=decided, session=stored.get("session"), resume_at=0)

    async def checkpoint(self, user_id: int, session: int, beat: int, marks: str, key: str) -> Ack:
        answer = await self._data.sessions.app_checkpoint(
            user_id=user_id, session_id=session, beat=beat, item_marks=marks, key=key
        )
        if answer is None:
            raise UnknownSession(session)
        return Ack(session=answer["session"], beat=answer["beat"], status=answer["status"])

    async def finish(
        self,
        user_id: int,
        session: int,
        beat: int,
        marks: str,
        outcome: Outcome,
        key: str,
        checkin: int | None = None,
    ) -> Finished:
        answer = await self._data.sessions.app_finish(
            user_id=user_id,
            session_id=session,
            beat=beat,
            item_marks=marks,
            completed=outcome == "completed",
            checkin=checkin,
            language=await self._language(user_id),
            key=key,
        )
        if answer is None:
            raise UnknownSession(session)
        return Finished(
            session=answer["session"],
            status=answer["status"],
            done=answer["done"],
            count=answer["count"],
            rating_in_chat=answer["rating_in_chat"],
        )

    async def hurt(
        self, user_id: int, session: int | None, beat: int, marks: str, key: str
    ) -> Hurt:
        stored = await app.answered(self._data, user_id, key)
        if stored is not None:
            return Hurt(session=stored["session"], follow_up="chat")
        sessions = self._data.sessions
        if session is not None and not await sessions.own_session(user_id, session):
            raise UnknownSession(session)
        language = await self._language(user_id)
        live = None
        if session is not None:
            live = await sessions.app_live(user_id, session, beat, marks, language)
        # The key is taken first: a retry sent at once (to this process or another) finds it
        # and sends no second warning.
        if not await app.claim(self._data, user_id, key, {"session": session}):
            stored = await app.answered(self._data, user_id, key)
            return Hurt(session=stored["session"] if stored else session, follow_up="chat")
        # The chat's pain path: the warning in the chat (the warning's delivery rule), the
        # report, step-back, flare-up mode, the morning check, the follow-up in the chat.
        await self._once(user_id, key, self._pain(user_id, language, live))
        return Hurt(session=session, follow_up="chat")

    async def _once(self, user_id: int, key: str, work: Awaitable[None]) -> None:
        """Work under a claimed key; if it fails, the key is given back for a retry."""
        try:
            await work
        except BaseException:
            await app.release(self._data, user_id, key)
            raise

    async def signs(self, user_id: int, key: str) -> SignsAsked:
        if await app.claim(self._data, user_id, key, {"asked": "chat"}):
            language = await self._language(user_id)
            await self._once(user_id, key, self._signs(user_id, language))
        return SignsAsked(asked="chat")

    async def status(self, user_id: int, session: int) -> Status:
        row = await app.own_session(self._data, user_id, session)
        if row is None:
            raise UnknownSession(session)
        return Status(session=row.id, status=app.shown(row.status))

    async def progress(self, user_id: int, days: int) -> Progress:
        """The numbers of /progress over the last `days` days, and the day's check-in ratings."""
        data = self._data
        gathered = await gather(data, user_id, lambda rid: is_gentle(data.content, rid))
        facts = gathered.facts
        if facts is None:
            return Progress(
                days=days,
                numbers=Numbers(sessions=0, minutes=0, streak=0, adherence=0),
                points=[],
            )
        window = stats.last_days(facts.today, days, facts.since)
        summary = stats.summarize(facts, window)
        ratings: dict[date, list[int]] = defaultdict(list)
        reports: dict[date, int] = defaultdict(int)
        for fact in facts.ratings:
            day = stats.local_day(fact.at, facts.tzinfo)
            if day not in window:
                continue
            if fact.kind == "checkin" and fact.value is not None:
                ratings[day].append(fact.value)
            elif fact.kind == "report":
                reports[day] += 1
        points = [
            PainPoint(
                date=day.isoformat(),
                rating=round(sum(values) / len(values), 1),
                reports=reports.get(day, 0),
            )
            for day, values in sorted(ratings.items())
        ]
        return Progress(
            days=days,
            numbers=Numbers(
                sessions=summary.done,
                minutes=summary.minutes,
                streak=stats.current_streak(facts),
                adherence=summary.adherence or 0,
            ),
            points=points,
        )
