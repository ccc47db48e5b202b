"""The narrow contract between the Mini App's API and the bot: `AppBackend`.

The lead backs it with the guided sessions' service; tests and `bench/` use `webapp.fake`.
Every answer is plain JSON data (TypedDicts), returned as is to the page.

Rules every implementation keeps:
- `user_id` is the validated Telegram user id (webapp/auth.py), the only identity. A session id
  that is not this user's raises `UnknownSession` (the API answers 404, as for no session).
- Every post carries an idempotency `key` (8-64 characters of A-Z a-z 0-9 _ -, made by the
  page). The first answer for (user_id, key) is stored; a post repeated with the same key
  returns that answer and changes nothing, even if its other arguments differ.
- Checkpoints never move a session backwards: a `beat` lower than the one stored is answered
  (the stored state) and changes nothing. A post for a session that has ended is answered with
  its ended state, never an error: the page sends what it queued offline in any order.
- Nothing here waits on Telegram: a message the chat must show (the rating question, the pain
  warning under the warning delivery rule) is sent by the implementation after it answers.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, Protocol, TypedDict

from webapp.plan import Plan


class GateKind(StrEnum):
    """The safety gate's decision before a session in the app (the chat's gate, the same rules)."""

    READY = "ready"  # a session may start: `plan` is the plan (the gentle one after pain)
    FIRST_CHECK = "first_check"  # the warning-sign check is not done: it is done in the chat
    CHECK_IN = "check_in"  # today's rating is asked in the chat first (the rules of the chat)
    HOLD = "hold"  # a safety hold or a rating too high: `advice`, and no session
    BUSY = "busy"  # a session is live in the chat: one runs at a time; `advice` says so


class Gate(TypedDict):
    kind: str  # a GateKind value
    advice: str  # what to read (HOLD, BUSY), plain text in the person's language; "" otherwise
    plan: Plan | None  # READY only
    checkin: bool  # READY: today's rating (0-10) is asked before Start, as in the chat
    high: int  # a rating at or above this starts nothing today (safety.rules.HIGH_PAIN)


class SessionLine(TypedDict):
    """One of the last sessions, for the home screen."""

    date: str  # ISO date, in the person's time zone
    title: str  # the routine's title in the person's language
    done: int  # exercises done
    count: int  # exercises in the routine
    status: str  # completed, stopped, hurt (guided.engine.status.End values where ended)


class Numbers(TypedDict):
    """The numbers of /progress over the chosen days."""

    sessions: int  # sessions with at least one exercise done
    minutes: int  # minutes exercised
    streak: int  # days in a row (frozen on gentle and hold days, as /progress counts it)
    adherence: int  # percent of days with a session


class PainPoint(TypedDict):
    date: str  # ISO date
    rating: float  # 0-10: the day's check-in rating (the mean when several)
    reports: int  # pain reports that day


class Progress(TypedDict):
    days: int  # 7, 30 or 90
    numbers: Numbers
    points: list[PainPoint]  # one per day with a rating, oldest first


class Home(TypedDict):
    language: str  # the person's language code (content/languages.yaml)
    gate: Gate
    last: list[SessionLine]  # newest first, at most 5
    progress: Progress  # over 7 days


class Started(TypedDict):
    gate: Gate  # decided again at the moment of starting
    session: int | None  # the new session's id (None unless the gate said READY)
    resume_at: int  # the beat to start from (0 for a new session)


class Ack(TypedDict):
    session: int
    beat: int  # the checkpoint stored (the highest reached)
    status: str  # running, or how it ended (completed, stopped, hurt)


class Finished(TypedDict):
    session: int
    status: str  # completed or stopped (hurt if a pain report ended it first)
    done: int  # exercises done (marks "d")
    count: int
    rating_in_chat: bool  # the rating question and summary follow in the chat


class Hurt(TypedDict):
    session: int | None  # the session it ended, if any
    # Where the follow-up questions (how strong, where, warning signs) are asked: in the chat;
    # the page asks none, so they are never asked twice.
    follow_up: Literal["chat"]


class SignsAsked(TypedDict):
    # The warning-sign questions (the chat's check-in button "I have warning signs") are asked
    # in the chat, by the chat's safety code: the page only sends people there.
    asked: Literal["chat"]


class Status(TypedDict):
    session: int
    status: str  # running, or how it ended (completed, stopped, pain, warning_signs)


Outcome = Literal["completed", "stopped"]


class UnknownSession(Exception):
    """No session with this id belongs to this user (the API answers 404)."""


class AppBackend(Protocol):
    """What the Mini App's API asks of the bot. Every method is one short unit of work."""

    async def home(self, user_id: int) -> Home:
        """The home screen: language, the gate's decision, the last sessions, 7 days' numbers."""
        ...

    async def plan(self, user_id: int) -> Gate:
        """The gate's decision now, with today's plan when a session may start."""
        ...

    async def start(self, user_id: int, key: str, rating: int | None = None) -> Started:
        """Start today's session if the gate allows (the same rules as /routine's start), with
        today's rating when the gate asks for it (`checkin`)."""
        ...

    async def checkpoint(self, user_id: int, session: int, beat: int, marks: str, key: str) -> Ack:
        """The session reached beat index `beat`; `marks`: one letter per exercise
        (guided/engine/marks.py: d done, s skipped, - not reached)."""
        ...

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
        """The session ended in the app: completed (its last beat) or stopped (Stop).
        `checkin`: today's rating given at Start, carried as the chat's rating buttons carry it
        (the verdict after the session holds without consent to storing ratings)."""
        ...

    async def hurt(
        self, user_id: int, session: int | None, beat: int, marks: str, key: str
    ) -> Hurt:
        """It hurts: the chat's pain path (the report, step-back, flare-up mode, morning check,
        the warning in the chat under its delivery rule); ends the session if one runs, with
        `marks` (the exercise on screen marked h). `session` is None when the page had no
        session id yet (its start was still queued, or refused): a pain report all the same."""
        ...

    async def signs(self, user_id: int, key: str) -> SignsAsked:
        """I have warning signs, pressed at the app's check-in: the chat's warning-sign
        questions are asked in the chat, once per key."""
        ...

    async def status(self, user_id: int, session: int) -> Status:
        """The session's status now (the page asks every few seconds while it runs: /stop in
        the chat ends it there)."""
        ...

    async def progress(self, user_id: int, days: int) -> Progress:
        """The numbers and the pain chart's points of /progress over 7, 30 or 90 days."""
        ...
