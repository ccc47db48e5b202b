"""Serve Telegram until SIGTERM or SIGINT: by webhook (with /healthz and /metrics on its port) or
by polling (with /healthz on HEALTH_PORT and /metrics on METRICS_PORT, if set). The Mini App,
when bot.py hands one in (MINI_APP_URL set), is served at its URL's path: on the webhook's
port in webhook mode, on MINI_APP_LISTEN:MINI_APP_PORT in polling mode.

Stopping is bounded by SHUTDOWN_TIMEOUT_SECONDS: first no new updates are taken (the listener
closes, polling stops), then the updates in hand finish, the running jobs end, session timers stop
with their checkpoints written and this process's reminder claims are settled (post_shutdown),
and the database closes. What the bound cuts short is settled at the next start, as after a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Sequence

from aiohttp import web
from telegram.ext import Application

from core.config import Settings
from core.runner import initialized
from ops.metrics import Metrics
from ops.web import ops_app, start_site, webhook_app

logger = logging.getLogger(__name__)

# The Mini App of the running bot (built once its state is), and the path it is served under
# ("" for the root); None when it is not served.
MiniApp = Callable[[], tuple[str, web.Application] | None]


async def serve(
    application: Application,
    settings: Settings,
    allowed_updates: Sequence[str],
    metrics: Metrics | None = None,
    mini_app: MiniApp | None = None,
) -> None:
    """Run the bot until a stop signal; then stop within the shutdown bound. `metrics`: what
    /metrics serves (bot.py counts them); `mini_app`: the Mini App to serve beside the bot."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, stop.set)
    sites: list[web.AppRunner] = []
    await initialized(application)
    try:
        if application.post_init is not None:
            await application.post_init(application)
        app_at = mini_app() if mini_app is not None else None
        if settings.webhook_url:
            assert settings.webhook_secret is not None  # required by load_settings
            secret = settings.webhook_secret.get_secret_value()
            app = webhook_app(application, settings.webhook_path, secret, metrics)
            if app_at is not None:
                prefix, page = app_at
                if not prefix:
                    raise ValueError(
                        "MINI_APP_URL needs a path in webhook mode (e.g. https://host/app/): "
                        "the webhook's server serves both"
                    )
                app.add_subapp(prefix, page)
            sites.append(await start_site(app, settings.webhook_listen, settings.webhook_port))
            await application.start()
            await application.bot.set_webhook(
                url=settings.webhook_url,
                allowed_updates=list(allowed_updates),
                secret_token=secret,
            )
            logger.info(
                "Webhook mode: listening on %s:%s at %s",
                settings.webhook_listen,
                settings.webhook_port,
                settings.webhook_path,
            )
        else:
            if settings.health_port is not None:
                health = ops_app(application, None)
                sites.append(await start_site(health, "127.0.0.1", settings.health_port))
            if settings.metrics_port is not None:
                exposed = ops_app(application, metrics)
                sites.append(
                    await start_site(exposed, settings.metrics_listen, settings.metrics_port)
                )
            if app_at is not None:
                site = await start_site(
                    mounted(*app_at), settings.mini_app_listen, settings.mini_app_port
                )
                sites.append(site)
                logger.info("Mini App on %s:%s", settings.mini_app_listen, settings.mini_app_port)
            assert application.updater is not None
            await application.updater.start_polling(allowed_updates=list(allowed_updates))
            await application.start()
            logger.info("Polling mode")
        await stop.wait()
        logger.info("Stopping (at most %s s)", settings.shutdown_timeout_seconds)
    finally:
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(stop_signal)
        try:
            async with asyncio.timeout(settings.shutdown_timeout_seconds):
                await _stop(application, sites)
        except TimeoutError:
            logger.error(
                "Stopping took longer than %s s: exiting now; what was left is settled at the "
                "next start",
                settings.shutdown_timeout_seconds,
            )


def mounted(prefix: str, page: web.Application) -> web.Application:
    """The Mini App at its path on a server of its own."""
    if not prefix:
        return page
    root = web.Application()
    root.add_subapp(prefix, page)
    return root


async def _stop(application: Application, sites: list[web.AppRunner]) -> None:
    """No new updates, then finish what is in hand, then close (each step only if started)."""
    updater = application.updater
    if updater is not None and updater.running:
        await updater.stop()
    for site in sites:
        with contextlib.suppress(Exception):
            await site.cleanup()
    if application.running:
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
    try:
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
    finally:
        await application.shutdown()
