"""The bot's HTTP server (aiohttp): Telegram's webhook, /healthz and /metrics.

The webhook takes an update only with the right `X-Telegram-Bot-Api-Secret-Token` (compared in
constant time; anything else gets 403 and is never parsed) and only at the path of WEBHOOK_URL.
Bodies are never logged. /healthz answers 200 or 503 with no data in the body.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web
from telegram import Update

from ops.health import is_healthy
from ops.metrics import Metrics

if TYPE_CHECKING:
    from telegram.ext import Application

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1 << 20  # an update is a few KB; anything larger is not from Telegram
APPLICATION_KEY: web.AppKey[Application] = web.AppKey("application")
METRICS_KEY: web.AppKey[Metrics] = web.AppKey("metrics")


async def healthz(request: web.Request) -> web.Response:
    """200 when the bot runs and its database answers, 503 otherwise; an empty body."""
    healthy = await is_healthy(request.app[APPLICATION_KEY])
    return web.Response(status=200 if healthy else 503)


async def metrics(request: web.Request) -> web.Response:
    """The Prometheus text exposition of this process's metrics."""
    body, content_type = request.app[METRICS_KEY].render()
    response = web.Response(body=body)
    response.headers["Content-Type"] = content_type
    return response


def webhook_receiver(
    application: Application, secret: str
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The handler of POSTs from Telegram: check the secret, queue the update, answer 200."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            logger.warning("webhook: a request without the right secret token (403)")
            return web.Response(status=403)
        try:
            payload = json.loads(await request.read())
            update = Update.de_json(payload, application.bot)
        except (ValueError, TypeError, KeyError):
            logger.warning("webhook: a body that is not an update (400)")
            return web.Response(status=400)
        await application.update_queue.put(update)
        return web.Response(status=200)

    return receive


def ops_routes(app: web.Application, metrics_of: Metrics | None) -> None:
    """/healthz, and /metrics when given the metrics to serve."""
    app.router.add_get("/healthz", healthz)
    if metrics_of is not None:
        app[METRICS_KEY] = metrics_of
        app.router.add_get("/metrics", metrics)


def webhook_app(
    application: Application, path: str, secret: str, metrics_of: Metrics | None
) -> web.Application:
    """Webhook mode: updates at `path`, /healthz and /metrics, all on one port."""
    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app[APPLICATION_KEY] = application
    app.router.add_post(path, webhook_receiver(application, secret))
    ops_routes(app, metrics_of)
    return app


def ops_app(application: Application, metrics_of: Metrics | None) -> web.Application:
    """Polling mode: /healthz (and /metrics) on a port of their own."""
    app = web.Application()
    app[APPLICATION_KEY] = application
    ops_routes(app, metrics_of)
    return app


async def start_site(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Listen on host:port; the runner's cleanup() stops it."""
    # A webhook request only queues its update: a second is plenty to let it finish.
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
