"""Run an Application inside an already running event loop (local emulator mode and tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Update
from telegram.ext import Application


async def initialized(application: Application) -> None:
    """`application.initialize()`; if it fails (a rejected token, Telegram unreachable), the
    HTTP clients it opened are closed: `Application.shutdown` closes only what it initialised in
    full, `Bot.shutdown` the bot's HTTP clients whatever became of its first request."""
    try:
        await application.initialize()
    except BaseException:
        await application.bot.shutdown()
        raise


@asynccontextmanager
async def running(application: Application) -> AsyncIterator[Application]:
    """Initialise, run post_init, poll, and on exit stop everything in reverse order.

    `run_polling` owns its loop and calls post_init itself; here we do the same steps by hand.
    """
    await initialized(application)
    try:
        if application.post_init is not None:
            await application.post_init(application)
        assert application.updater is not None
        await application.updater.start_polling(
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
            poll_interval=0.0,
            timeout=10,
        )
        await application.start()
        try:
            yield application
        finally:
            if application.updater.running:
                await application.updater.stop()
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
    finally:
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        await application.shutdown()
