"""What handlers and jobs receive as `context.bot_data`: the shared state (core/context.py's
`BotState`) plus the guided sessions' service, which is built above core and so cannot be named
there. bot.py fills both once, in post_init."""

from __future__ import annotations

from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from background.tracks import Tracks
from core.context import BotState
from guided.service import GuidedSessions


class BotData(BotState):
    """The bot's state, its guided sessions (every session's whole life: guided/service.py) and
    the audio guide's tracks (background/tracks.py)."""

    __slots__ = ("sessions", "tracks")

    sessions: GuidedSessions
    tracks: Tracks


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
CONTEXT_TYPES: ContextTypes[Context, dict[Any, Any], dict[Any, Any], BotData] = ContextTypes(
    bot_data=BotData
)
