"""An in-memory `AppBackend` that keeps the contract (webapp/backend.py): for tests, the
benchmarks and trying the page without the bot. It counts what each post changed, so a test
can prove that nothing was lost and nothing applied twice."""

from __future__ import annotations

import asyncio
import copy
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from content import Content
from guided.engine.routines import routine_timeline
from webapp.backend import (
    Ack,
    Finished,
    Gate,
    GateKind,
    Home,
    Hurt,
    Outcome,
    PainPoint,
    Progress,
    SessionLine,
    SignsAsked,
    Started,
    Status,
    UnknownSession,
)
from webapp.plan import plan_json


@dataclass
class FakeSession:
    user_id: int
    beat: int = 0
    marks: str = ""
    status: str = "running"


@dataclass
class FakeBackend:
    """Sessions, answers by idempotency key, and counts of what changed, all in memory."""

    content: Content
    routine: str = "quick"
    scale: float = 1.0
    level: int = 1
    today: date = date(2026, 12, 5)
    languages: dict[int, str] = field(default_factory=dict)  # user -> language (default: en)
    gates: dict[int, GateKind] = field(default_factory=dict)  # user -> decision (default: READY)
    sessions: dict[int, FakeSession] = field(default_factory=dict)
    answers: dict[tuple[int, str], Any] = field(default_factory=dict)
    applied: Counter[str] = field(default_factory=Counter)  # posts that changed something
    repeated: Counter[str] = field(default_factory=Counter)  # posts answered from a key
    delay: float = 0.0  # seconds each answer takes (benchmarks, slow-network tests)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def language(self, user_id: int) -> str:
        return self.languages.get(user_id, self.content.default_language)

    def _gate(self, user_id: int) -> Gate:
        kind = self.gates.get(user_id, GateKind.READY)
        language = self.language(user_id)
        if kind is GateKind.READY:
            timeline = routine_timeline(
                self.content, self.routine, self.level, self.content.progression.levels, self.scale
            )
            plan = plan_json(self.content, self.routine, timeline, language, self.scale)
            return Gate(kind=kind.value, advice="", plan=plan, checkin=False, high=7)
        advice = {GateKind.HOLD: "routine.too_much", GateKind.BUSY: "app.busy"}.get(kind)
        text = self.content.text(language, advice) if advice else ""
        return Gate(kind=kind.value, advice=text, plan=None, checkin=False, high=7)

    async def _once(self, user_id: int, key: str, kind: str, change: Any) -> Any:
        """The first answer for (user, key); `change()` runs at most once per key."""
        if self.delay:
            await asyncio.sleep(self.delay)
        async with self._lock:
            stored = self.answers.get((user_id, key))
            if stored is not None:
                self.repeated[kind] += 1
                return copy.deepcopy(stored)
            answer = change()
            self.answers[(user_id, key)] = answer
            return copy.deepcopy(answer)

    def _own(self, user_id: int, session: int) -> FakeSession:
        found = self.sessions.get(session)
        if found is None or found.user_id != user_id:
            raise UnknownSession(session)
        return found

    async def home(self, user_id: int) -> Home:
        ended = [
            s for s in self.sessions.values() if s.user_id == user_id and s.status != "running"
        ]
        title = self.content.text(self.language(user_id), "app.title")
        last = [
            SessionLine(
                date=self.today.isoformat(),
                title=title,
                done=session.marks.count("d"),
                count=len(session.marks),
                status=session.status,
            )
            for session in reversed(ended[-5:])
        ]
        return Home(
            language=self.language(user_id),
            gate=self._gate(user_id),
            last=last,
            progress=await self.progress(user_id, 7),
        )

    async def plan(self, user_id: int) -> Gate:
        return self._gate(user_id)

    async def start(self, user_id: int, key: str, rating: int | None = None) -> Started:
        def change() -> Started:
            gate = self._gate(user_id)
            if gate["kind"] != GateKind.READY:
                return Started(gate=gate, session=None, resume_at=0)
            session = len(self.sessions) + 1
            self.sessions[session] = FakeSession(user_id, marks="-" * len(gate["plan"]["items"]))  # type: ignore[index]
            self.applied["start"] += 1
            return Started(gate=gate, session=session, resume_at=0)

        answer: Started = await self._once(user_id, key, "start", change)
        return answer

    async def checkpoint(self, user_id: int, session: int, beat: int, marks: str, key: str) -> Ack:
        found = self._own(user_id, session)

        def change() -> Ack:
            if found.status == "running" and beat > found.beat:
                found.beat, found.marks = beat, marks
                self.applied["checkpoint"] += 1
            return Ack(session=session, beat=found.beat, status=found.status)

        answer: Ack = await self._once(user_id, key, "checkpoint", change)
        return answer

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
        found = self._own(user_id, session)

        def change() -> Finished:
            if found.status == "running":
                found.beat, found.marks, found.status = max(beat, found.beat), marks, outcome
                self.applied["finish"] += 1
            return Finished(
                session=session,
                status=found.status,
                done=found.marks.count("d"),
                count=len(found.marks),
                rating_in_chat=found.status == "completed",
            )

        answer: Finished = await self._once(user_id, key, "finish", change)
        return answer

    async def hurt(
        self, user_id: int, session: int | None, beat: int, marks: str, key: str
    ) -> Hurt:
        found = self._own(user_id, session) if session is not None else None

        def change() -> Hurt:
            self.applied["hurt"] += 1
            if found is not None and found.status == "running":
                found.beat, found.status, found.marks = max(beat, found.beat), "hurt", marks
            return Hurt(session=session, follow_up="chat")

        answer: Hurt = await self._once(user_id, key, "hurt", change)
        return answer

    async def signs(self, user_id: int, key: str) -> SignsAsked:
        def change() -> SignsAsked:
            self.applied["signs"] += 1
            return SignsAsked(asked="chat")

        answer: SignsAsked = await self._once(user_id, key, "signs", change)
        return answer

    async def status(self, user_id: int, session: int) -> Status:
        found = self._own(user_id, session)
        return Status(session=session, status=found.status)

    async def progress(self, user_id: int, days: int) -> Progress:
        points = [
            PainPoint(
                date=(self.today - timedelta(days=back)).isoformat(),
                rating=float((user_id + back * 7) % 5 + (3 if back % 9 == 0 else 1)),
                reports=1 if back % 13 == 4 else 0,
            )
            for back in range(days - 1, -1, -1)
            if back % 3 != 1  # not every day has a rating
        ]
        done = [s for s in self.sessions.values() if s.user_id == user_id and "d" in s.marks]
        return Progress(
            days=days,
            numbers={
                "sessions": len(done) + len(points) // 2,
                "minutes": 5 * (len(done) + len(points) // 2),
                "streak": 3,
                "adherence": round(100 * len(points) / days),
            },
            points=points,
        )
