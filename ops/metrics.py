"""Prometheus metrics of one bot process, served at /metrics (ops/web.py).

Counted as they happen: updates by kind and the reply latency (from an update's arrival to the
end of its handlers). Read when scraped, from the counters the bot keeps anyway: sends by kind
and outcome (the rate limiter), live sessions (the guided sessions), reminders by outcome (the
dispatcher), errors and background-job failures. No label ever carries a user id or any text.
Each Application has its own registry (tests run several in one process).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client import Histogram as PromHistogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from telegram import Update

if TYPE_CHECKING:
    from telegram.ext import Application

    from core.context import BotState

# Reply latency buckets, seconds: a reply is expected well under a second.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def update_kind(update: object) -> str:
    """A label for an update: message, callback_query, or other."""
    if isinstance(update, Update):
        if update.callback_query is not None:
            return "callback_query"
        if update.message is not None:
            return "message"
    return "other"


class Metrics:
    """The metrics of one Application."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "backcare_updates",
            "Updates handled, by kind",
            ["kind"],
            registry=self.registry,
        )
        self.latency = PromHistogram(
            "backcare_reply_latency_seconds",
            "Seconds from an update's arrival to the end of its handlers (replies included)",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        for kind in ("message", "callback_query", "other"):
            self.updates.labels(kind=kind)

    def watch(self, application: Application) -> None:
        """Expose the counters the Application's bot keeps (read at each scrape)."""
        self.registry.register(BotCollector(application))

    def observe_update(self, update: object, seconds: float) -> None:
        """Count one handled update and how long it took."""
        self.updates.labels(kind=update_kind(update)).inc()
        self.latency.observe(seconds)

    def render(self) -> tuple[bytes, str]:
        """The text exposition format and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class BotCollector(Collector):
    """Reads the bot's own counters when Prometheus scrapes."""

    def __init__(self, application: Application) -> None:
        self._application = application

    def collect(self) -> Iterator[Metric]:
        data: BotState = self._application.bot_data
        sends = CounterMetricFamily(
            "backcare_sends",
            "Requests to Telegram by delivery kind (interactive, warning, bulk) and outcome",
            labels=["kind", "outcome"],
        )
        limiter = getattr(self._application.bot, "rate_limiter", None)
        stats = getattr(limiter, "stats", None)
        if stats is not None:
            for (kind, outcome), count in sorted(stats.outcomes.items()):
                sends.add_metric([kind, outcome], count)
            dropped = CounterMetricFamily(
                "backcare_sends_dropped",
                "Requests given up at their kind's deadline",
                labels=["kind"],
            )
            for kind, count in sorted(stats.dropped.items()):
                dropped.add_metric([kind], count)
            yield dropped
        yield sends
        sessions = getattr(data, "sessions", None)
        yield GaugeMetricFamily(
            "backcare_live_sessions",
            "Guided sessions running in this process",
            value=len(sessions) if sessions is not None else 0,
        )
        reminders = CounterMetricFamily(
            "backcare_reminders",
            "Reminder occurrences by outcome since the process started",
            labels=["outcome"],
        )
        dispatcher = getattr(data, "dispatcher", None)
        if dispatcher is not None:
            counts = dispatcher.stats
            for outcome, count in (
                ("sent", counts.sent),
                ("blocked", counts.blocked),
                ("failed", counts.failed),
                ("uncertain", counts.uncertain),
                ("skipped_stale", counts.missed_stale),
                ("skipped_paused", counts.skipped_paused),
                ("withdrawn", counts.withdrawn),
            ):
                reminders.add_metric([outcome], count)
        yield reminders
        yield CounterMetricFamily(
            "backcare_errors",
            "Errors in handlers and background jobs since the process started",
            value=data.errors.total,
        )
        jobs = CounterMetricFamily(
            "backcare_job_failures",
            "Failures of background jobs by job",
            labels=["job"],
        )
        for job, count in sorted(data.job_failures.items()):
            jobs.add_metric([job], count)
        yield jobs
