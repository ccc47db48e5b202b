"""Is the bot healthy: its event loop runs (it answers at all) and its database answers.

`python bot.py health` asks the running process over HTTP on 127.0.0.1 (the webhook port in
webhook mode, HEALTH_PORT in polling mode) and exits 0 or 1: a container's HEALTHCHECK.
"""

from __future__ import annotations

import asyncio
import logging
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from telegram.ext import Application

    from core.config import Settings

logger = logging.getLogger(__name__)

DATABASE_TIMEOUT = 3.0  # seconds the database may take to answer SELECT 1
PROBE_TIMEOUT = 5.0  # seconds `bot.py health` waits for the answer


async def is_healthy(application: Application) -> bool:
    """True if the Application runs and the database answers within DATABASE_TIMEOUT."""
    factory = getattr(application.bot_data, "db", None)
    if factory is None or not application.running:
        return False
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT):
            async with factory() as tx:
                await tx.execute(text("SELECT 1"))
    except Exception as error:  # any failure is "unhealthy"; the reason goes to the log
        logger.warning("health check: the database did not answer (%s)", type(error).__name__)
        return False
    return True


def health_url(settings: Settings) -> str | None:
    """Where the running process answers /healthz on this machine, or None if nowhere."""
    if settings.webhook_url:
        host, port = settings.webhook_listen, settings.webhook_port
    elif settings.health_port is not None:
        host, port = "127.0.0.1", settings.health_port
    else:
        return None
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/healthz"


def probe(settings: Settings) -> tuple[int, str]:
    """Ask the running bot whether it is healthy: (exit code, one line to print)."""
    url = health_url(settings)
    if url is None:
        return 2, "No health endpoint: set HEALTH_PORT (polling mode) or WEBHOOK_URL."
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT) as answer:
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (OSError, TimeoutError) as error:
        return 1, f"unhealthy: no answer from {url} ({type(error).__name__})"
    if status == 200:
        return 0, "healthy"
    return 1, f"unhealthy: {url} answered {status}"
