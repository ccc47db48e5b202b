"""Typed bot-wide state and the callback context every handler receives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from db.models import utcnow

if TYPE_CHECKING:
    from content import Content
    from core.config import Settings
    from db.checkpoints import CheckpointWriter
    from db.session import SessionFactory
    from engine.progression import Rule
    from engine.sessions import Sessions
    from handlers.media import MediaLibrary


class BotData:
    """Long-lived resources, created in post_init and shared by all handlers and jobs."""

    settings: Settings
    content: Content
    db: SessionFactory
    sessions: Sessions
    checkpoints: CheckpointWriter
    media: MediaLibrary
    progression: Rule
    extras: dict[str, Any]

    def __init__(self) -> None:
        self.extras = {}
        # Failures of background jobs by job name (logged as they happen; read by /stats).
        self.job_failures: dict[str, int] = {}
        self.dispatch_failure_streak = 0  # consecutive dispatcher failures: its backoff grows
        # The wall clock used for reminders; tests replace it instead of sleeping.
        self.now: Callable[[], datetime] = utcnow


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
CONTEXT_TYPES: ContextTypes[Context, dict[Any, Any], dict[Any, Any], BotData] = ContextTypes(
    bot_data=BotData
)
