"""Typed bot-wide state and the callback context every handler receives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from core.errorlog import ErrorLog
from db.models import utcnow

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine
    from telegram.ext import Job

    from background.media import MediaLibrary
    from background.sweeps import Activity
    from content import Content
    from core.config import Settings
    from core.probe import Probe
    from db.connection import TransactionFactory
    from guided.checkpoints import CheckpointWriter
    from guided.engine.progression import Rule
    from guided.service import GuidedSessions
    from handlers.chats import Pointers
    from ops.metrics import Metrics
    from progress.render import Renderer
    from reminders.dispatcher import Dispatcher
    from safety.painwords import PainLexicon


class BotData:
    """Long-lived resources, created in post_init and shared by all handlers and jobs."""

    settings: Settings
    content: Content
    pain_lexicon: PainLexicon  # what people write about pain, in every language
    db: TransactionFactory
    sessions: GuidedSessions  # every guided session: its whole life (guided/service.py)
    checkpoints: CheckpointWriter  # written by the guided sessions' service only
    media: MediaLibrary
    progression: Rule
    dispatcher: Dispatcher  # the reminder dispatcher, created at start
    metrics: Metrics  # Prometheus counters (ops/metrics.py), served at /metrics

    def __init__(self) -> None:
        self.engine: AsyncEngine | None = None  # closed at shutdown
        self.dispatch_job: Job[Any] | None = None  # the one armed reminder job
        self.starting: set[int] = set()  # chats whose session is being started (double taps)
        self.group_pointers: Pointers | None = None  # when each group last got the pointer
        self.activity: Activity | None = None  # activity marks not yet written
        self.renderer: Renderer | None = None  # chart and report workers, started on first use
        self.probe: Probe | None = None  # per-second timings for benchmarks (PROBE_FILE)
        # Failures of background jobs by job name (logged as they happen; read by /stats).
        self.job_failures: dict[str, int] = {}
        # The HTTP clients to Telegram this process opened (closed by `core.runner.initialized`
        # if start-up fails before PTB owns them).
        self.transports: list[Any] = []
        # Units of work served many at a time, by name (core/batching.py).
        self.batches: dict[str, Any] = {}
        self.dispatch_failure_streak = 0  # consecutive dispatcher failures: its backoff grows
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


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
CONTEXT_TYPES: ContextTypes[Context, dict[Any, Any], dict[Any, Any], BotData] = ContextTypes(
    bot_data=BotData
)
