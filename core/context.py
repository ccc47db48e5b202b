"""The state every room shares, built once: `BotState`.

`BotState` names only rooms below this one (content, db, perf and the rules): the state of a
higher room that one module alone uses stays with that module (the groups' pointers live in the
handler that gives them, handlers/chats.py; the Prometheus metrics in ops/, handed over by
bot.py), and what several rooms share is a type from below (the picture cache, core/media.py;
the activity marks, core/activity.py). The guided sessions' service, built above core, is added
above it: background/context.py's `BotData` is what handlers and jobs receive.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Job

from content import Content
from core.activity import Activity
from core.config import Settings
from core.errorlog import ErrorLog
from core.media import MediaLibrary
from db.connection import TransactionFactory
from db.models import utcnow
from guided.engine.progression import Rule
from perf.batching import Batched
from perf.probe import Probe
from progress.render import Renderer
from reminders.dispatcher import Dispatcher
from safety.painwords import PainLexicon


class BotState:
    """Long-lived state shared by handlers, services and jobs, one per Application.

    python-telegram-bot makes it, empty, when the Application is built; bot.py's
    `start_services` (post_init) fills it once, before the first update, each part from its own
    room's constructor. `__slots__`: nothing can add state to it later, and nothing is made on
    first use.
    """

    __slots__ = (
        "activity",
        "batch_db",
        "batch_engine",
        "batched_safety_reads",
        "content",
        "db",
        "dispatch_failure_streak",
        "dispatch_job",
        "dispatcher",
        "engine",
        "errors",
        "job_failures",
        "media",
        "now",
        "pain_lexicon",
        "probe",
        "progression",
        "renderer",
        "settings",
        "started_at",
        "starting",
    )

    settings: Settings
    content: Content
    pain_lexicon: PainLexicon  # what people write about pain, in every language
    engine: AsyncEngine  # closed at shutdown
    db: TransactionFactory
    # The Mini App's checkpoint batches (guided/app.checkpoints): on PostgreSQL a connection of
    # their own (db/connection.make_batch_engine, closed at shutdown); on SQLite `db` itself.
    batch_engine: AsyncEngine | None
    batch_db: TransactionFactory
    media: MediaLibrary
    progression: Rule
    dispatcher: Dispatcher  # the reminder dispatcher
    renderer: Renderer  # chart and report workers (their pool starts on first use)
    activity: Activity  # people seen today, not yet written
    # The safety facts read for many presses in one transaction (perf/batching.py):
    # services/safety.load_states.
    batched_safety_reads: Batched[int, Any]
    probe: Probe | None  # per-second timings, only with PROBE_FILE (benchmarks)

    def __init__(self) -> None:
        self.dispatch_job: Job[Any] | None = None  # the one armed reminder job
        self.dispatch_failure_streak = 0  # consecutive dispatcher failures: its backoff grows
        self.starting: set[int] = set()  # chats whose session is being started (double taps)
        # Failures of background jobs by job name (logged as they happen; read by /stats).
        self.job_failures: dict[str, int] = {}
        # Errors of handlers and jobs in the last day (for /stats, /metrics and admin alerts).
        self.errors = ErrorLog()
        self.started_at = utcnow()
        # The wall clock used for reminders; tests replace it instead of sleeping.
        self.now: Callable[[], datetime] = utcnow

    def job_failed(self, job: str) -> int:
        """Count a failure of a background job; how many it has had so far."""
        self.job_failures[job] = self.job_failures.get(job, 0) + 1
        self.errors.record(utcnow())
        return self.job_failures[job]
