"""Backcare's entry point: read settings, build the Application, register handlers, run.

python bot.py                 run the bot (no TELEGRAM_BOT_TOKEN: local emulator + terminal chat)
python bot.py check-content   validate content/ without starting
python bot.py health          ask the running bot's /healthz (exit 0 if healthy): HEALTHCHECK
python bot.py new-key         print a fresh data key for DATA_KEY
python bot.py rotate-key      re-encrypt health data under the first key of DATA_KEY
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web
from pydantic import SecretStr
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application, Defaults

import handlers
from background.context import CONTEXT_TYPES, BotData
from background.leases import start_heartbeat
from background.listening import TrackPresenter
from background.presenter import ChatPresenter
from background.reminder_job import new_dispatcher, start_dispatcher
from background.sweeps import schedule_sweeps, sweep
from background.tracks import Tracks
from content import Content, ContentError, TextCheck, load_content
from content.check import main as check_content
from core.activity import Activity
from core.config import ConfigError, Settings, load_settings
from core.logs import secrets_of, setup_logging
from core.media import MediaLibrary
from core.updates import PerChatUpdateProcessor
from db.connection import make_batch_engine, make_engine, make_transaction_factory
from db.crypto import DataKeyError, read_or_create_key_file
from db.keys import check_keys
from db.migrate import upgrade_to_head
from guided.engine.progression import Rule
from guided.engine.timers import TRACK, Live
from guided.presenter import Screens
from guided.service import GuidedSessions
from handlers.menu import set_command_menus
from handlers.pain import report_pain
from handlers.safety import ask_signs
from ops.commands import health_command, new_key_command, rotate_key_command
from ops.metrics import Metrics
from ops.serve import mounted, serve
from ops.web import start_site
from perf.freeze import collect_young_less_often, freeze_what_is_loaded
from perf.probe import maybe_start
from perf.transport import AiohttpRequest, BoundedHTTPXRequest
from progress.render import Renderer
from safety.painwords import MAY_BE_EMPTY, PainLexicon, lexicon_problems
from safety.rules import Origin, Source
from services.safety import batched_safety_reads
from throttle import TelegramRateLimiter, replying_to
from ui.keyboards import app_menu_button
from webapp.auth import launch_data, launch_fragment
from webapp.bot_backend import BotBackend
from webapp.server import AppConfig, create_app

logger = logging.getLogger("backcare")

# A syntactically valid token for the local emulator; it never leaves this machine.
LOCAL_TOKEN = "1000000001:LOCAL-EMULATOR-TOKEN-NOT-SECRET"
# The checks of content/ whose rules live in another room: the pain words (safety/painwords.py).
CONTENT_CHECKS = (TextCheck(lexicon_problems, may_be_empty=MAY_BE_EMPTY),)


def build_application(
    settings: Settings,
    content: Content,
    *,
    token: str,
    base_url: str | None = None,
    base_file_url: str | None = None,
    metrics: Metrics | None = None,
) -> Application:
    """Wire settings, content and handlers into an Application (nothing runs yet; its state is
    built in `start_services`). `metrics`: counted here, served by ops/serve.py."""
    # The pain words of every language, built once: heard by the handlers and by the update
    # processor (a pain report is never dropped in a flood).
    lexicon = handlers.hearing.lexicon(content)

    async def post_init(application: Application) -> None:
        await start_services(application, settings, content, lexicon)

    builder = (
        Application.builder()
        .token(token)
        .context_types(CONTEXT_TYPES)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(
            TelegramRateLimiter(
                chat_rate=settings.chat_rate_per_second,
                chat_burst=settings.chat_burst,
                bulk_rate=settings.bulk_rate_per_second,
                # Bulk sends leave a few at a time, every tenth of a second, rather than a
                # second's worth at once: fewer requests in flight if the process dies.
                bulk_burst=max(1, math.ceil(settings.bulk_rate_per_second / 10)),
                interactive_deadline=settings.interactive_deadline_seconds,
            )
        )
        .concurrent_updates(
            PerChatUpdateProcessor(
                settings,
                content,
                never_drop=handlers.chats.pain_reports(lexicon),
                observe=metrics.observe_update if metrics is not None else None,
                replying_to=replying_to,
            )
        )
        .post_init(post_init)
        .post_shutdown(stop_services)
    )
    # How long a send waits for Telegram's answer before it counts as timed out (and is
    # retried under its delivery's contract). getUpdates keeps its own: its long poll adds to it.
    read = settings.telegram_read_timeout
    if settings.telegram_http == "aiohttp":
        builder = builder.request(
            AiohttpRequest(settings.telegram_connections, read_timeout=read)
        ).get_updates_request(AiohttpRequest(1))  # getUpdates' long poll
    else:
        builder = builder.request(BoundedHTTPXRequest(settings.telegram_connections, read))
    if base_url:
        builder = builder.base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    application = builder.build()
    if metrics is not None:
        metrics.watch(application)
    handlers.register(application, lexicon)
    return application


async def start_services(
    application: Application, settings: Settings, content: Content, lexicon: PainLexicon
) -> None:
    """Build the bot's state (BotData) from each room's constructor, open the database
    (migrating it, checking the data key), recover what a stop left, start the jobs; runs
    before the first update."""
    data: BotData = application.bot_data
    data.settings = settings
    data.content = content
    data.pain_lexicon = lexicon
    data.progression = Rule(**content.progression.model_dump())
    # The guided sessions and the screens they show on: the chat, and the audio track (a session
    # heard as one track: Listen); another screen, such as a Mini App, is handed over here.
    chat = ChatPresenter(application)
    screens = Screens(chat, **{TRACK: TrackPresenter(application, chat)})
    data.sessions = GuidedSessions(data, screens)
    data.tracks = Tracks(data, settings)
    data.renderer = Renderer(settings.report_workers, settings.report_pool)
    data.activity = Activity()
    data.probe = None
    keys = settings.data_keys()
    engine = make_engine(settings.database_url, settings.sqlite_path(), keys=keys)
    data.engine = engine  # before migrating: stop_services closes it even then
    await upgrade_to_head(engine)
    data.db = make_transaction_factory(engine)
    data.batch_engine = make_batch_engine(settings.database_url, keys=keys)
    data.batch_db = make_transaction_factory(data.batch_engine or engine)
    async with data.db() as tx:  # a missing or wrong DATA_KEY stops the bot here
        key_state = await check_keys(tx, keys)
        await tx.commit()
    if key_state.rotation_due:
        logger.warning("Health data is not yet under the first key of DATA_KEY: run rotate-key")
    data.media = MediaLibrary(data.db, content.media_path)
    data.batched_safety_reads = batched_safety_reads(data)
    data.dispatcher = new_dispatcher(application)
    bot = application.bot
    data.probe = maybe_start(settings.probe_file, engine, bot.rate_limiter, bot.request)
    data.sessions.start()  # its checkpoint writer and its group commit of ratings
    await data.media.load()
    await set_command_menus(application)
    if settings.mini_app_url:  # the menu button of every chat opens the app's home
        label = content.text(settings.default_language, "app.title")
        await application.bot.set_chat_menu_button(
            menu_button=app_menu_button(label, settings.mini_app_url)
        )
    await data.sessions.recover()  # sessions a restart interrupted: Resume or End
    await start_dispatcher(application)
    await start_heartbeat(application)  # leases: several processes may share PostgreSQL
    schedule_sweeps(application)
    logger.info("Backcare is up as @%s", application.bot.username)


def mini_app(application: Application) -> tuple[str, web.Application] | None:
    """The Mini App of the running bot (after start_services) and the path it is served under;
    None without MINI_APP_URL. Its backend is the bot's own (webapp/bot_backend.py); It hurts
    pressed in the app runs the chat's pain path (the follow-up asked in the chat), and I have
    warning signs the chat's warning-sign questions (asked in the chat)."""
    data: BotData = application.bot_data
    settings = data.settings
    if not settings.mini_app_url:
        return None

    async def pain(user_id: int, language: str, live: Live | None) -> None:
        context = application.context_types.context(application, chat_id=user_id, user_id=user_id)
        await report_pain(context, user_id, user_id, language, Source.BUTTON, in_app=live)

    async def signs(user_id: int, language: str) -> None:
        context = application.context_types.context(application, chat_id=user_id, user_id=user_id)
        await ask_signs(context, user_id, language, Origin.ASKED)

    config = AppConfig(
        token=application.bot.token,
        content=data.content,
        max_age=settings.mini_app_auth_max_age,
    )
    page = create_app(BotBackend(data, pain, signs), config)
    return urlsplit(settings.mini_app_url).path.rstrip("/"), page


async def stop_services(application: Application) -> None:
    """Stop the timers (sessions resume after a restart), then close the database.

    Also runs when start_services never ran or failed part-way: only what was opened is closed.
    """
    data: BotData = application.bot_data
    sessions = getattr(data, "sessions", None)
    if sessions is not None:
        await sessions.shutdown()  # the timers stop; the checkpoints are written
    dispatcher = getattr(data, "dispatcher", None)
    if dispatcher is not None:  # this process's claims that never left: sent at the next start
        try:
            await dispatcher.recover([dispatcher.owner], at_start=False)
        except Exception:
            logger.exception("Could not settle reminder claims at shutdown")
    if getattr(data, "db", None) is not None:
        try:
            await sweep(application)  # keep today's activity marks
        except Exception:
            logger.exception("Could not write activity marks at shutdown")
    renderer = getattr(data, "renderer", None)
    if renderer is not None:
        renderer.close()  # the chart and report workers (/progress)
    tracks = getattr(data, "tracks", None)
    if tracks is not None:
        await tracks.close()  # the audio guide's workers
    probe = getattr(data, "probe", None)
    if probe is not None:
        await probe.stop()
    for name in ("batch_engine", "engine"):
        engine = getattr(data, name, None)
        if engine is not None:
            delattr(data, name)
            await engine.dispose()


# Where a terminal names its language, in gettext's order: LANGUAGE (a list), then LC_ALL,
# LC_MESSAGES, LANG.
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def terminal_language(environ: Mapping[str, str], content: Content) -> str:
    """The language of the person at this terminal, as their Telegram app would report it: the
    first language of the locale variables that the content has (ru_RU.UTF-8 -> ru); C, POSIX
    or a language the content lacks -> the content's default."""
    for name in LOCALE_VARIABLES:
        for part in environ.get(name, "").split(":"):
            code = part.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in content.languages:
                return code
    return content.default_language


async def run_local(settings: Settings, content: Content) -> None:
    """No token: start the local Bot API emulator and chat with the bot in this terminal."""
    from core.runner import running
    from emulator import BotApiEmulator
    from emulator.terminal import run_terminal_chat

    database = settings.sqlite_path()
    log_file = (database.parent if database else Path("data")) / "backcare.log"
    setup_logging(settings.log_level, secrets_of(settings), file=log_file)
    emulator = BotApiEmulator(media_dir=database.parent / "emulator-media" if database else None)
    await emulator.start()
    language = terminal_language(os.environ, content)
    user = emulator.add_user(
        user_id=100001,
        first_name=os.environ.get("USER", "friend").title() or "Friend",
        language_code=language,
    )
    if settings.mini_app_url is None:  # the Mini App on this machine, opened from the links
        here = f"http://{settings.mini_app_listen}:{settings.mini_app_port}/"
        settings = settings.model_copy(update={"mini_app_url": here})
    application = build_application(
        settings,
        content,
        token=LOCAL_TOKEN,
        base_url=emulator.base_url,
        base_file_url=emulator.base_file_url,
    )

    def signed(url: str) -> str:  # what Telegram appends when it opens the app for this user
        data = launch_data(
            user.user_id, LOCAL_TOKEN, first_name=user.first_name, language_code=language
        )
        return url + launch_fragment(data, {"bg_color": "#ffffff", "text_color": "#000000"})

    try:
        async with running(application):
            page = await serve_locally(application)
            print("Local Bot API emulator at", emulator.base_url)
            print("You are chatting with Backcare. Type /start; !help lists terminal commands.")
            if page is not None:
                print("The Mini App:", signed(str(settings.mini_app_url)))
            print(f"The bot's log is in {log_file}. Ctrl-C ends the chat.")
            try:
                await run_terminal_chat(emulator, user, web_app_link=signed)
            finally:
                if page is not None:
                    await page.cleanup()
    finally:
        await emulator.stop()


async def serve_locally(application: Application) -> web.AppRunner | None:
    """The Mini App on MINI_APP_LISTEN:MINI_APP_PORT beside the terminal chat (None: the port
    is taken; the chat works without it)."""
    settings = application.bot_data.settings
    app_at = mini_app(application)
    if app_at is None:
        return None
    try:
        return await start_site(mounted(*app_at), settings.mini_app_listen, settings.mini_app_port)
    except OSError as error:
        print(f"The Mini App is not served: port {settings.mini_app_port}: {error.strerror}")
        return None


def main(argv: list[str]) -> int:
    """Parse the command line and run; a failure ends with one clear line, never with a secret."""
    if argv[:1] == ["new-key"]:  # needs no settings: it makes the DATA_KEY they may lack
        return new_key_command()
    try:
        settings = load_settings()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    redact = setup_logging(settings.log_level, secrets_of(settings))
    try:
        return run(argv, settings)
    except DataKeyError as error:  # names DATA_KEY and what to do; nothing else to add
        print(f"Backcare stopped: {redact(str(error))}", file=sys.stderr)
    except InvalidToken:  # Telegram answers 401 or 404: the traceback would add nothing
        print(
            "Telegram rejected the bot token (or TELEGRAM_BASE_URL is wrong): check "
            "TELEGRAM_BOT_TOKEN with @BotFather.",
            file=sys.stderr,
        )
    except NetworkError as error:
        print(
            f"Could not reach Telegram ({redact(str(error))}): check the network and "
            "TELEGRAM_BASE_URL.",
            file=sys.stderr,
        )
    except Exception as error:
        logger.error("Backcare stopped because of an error", exc_info=error)
        print(f"Backcare stopped: {type(error).__name__}: {redact(str(error))}", file=sys.stderr)
    return 1


def run(argv: list[str], settings: Settings) -> int:
    """Check the content, or run an operator's command, or chat on the local emulator, or
    serve Telegram until stopped."""
    command = argv[:1]
    if command == ["check-content"]:
        return check_content(checks=CONTENT_CHECKS)
    if command == ["health"]:
        return health_command(settings)
    if command == ["rotate-key"]:
        return rotate_key_command(settings)
    try:
        content = load_content(checks=CONTENT_CHECKS)
    except ContentError as error:
        print(error, file=sys.stderr)
        return 1
    # What is loaded by now (modules, content) lives as long as the process; the requests of a
    # burst live until they are answered (perf/freeze.py).
    freeze_what_is_loaded()
    collect_young_less_often()
    if settings.local:
        if settings.data_key is None:  # a local key, kept beside the emulator's database
            database = settings.sqlite_path()
            folder = database.parent if database else Path("data")
            key = read_or_create_key_file(folder / "data.key")
            settings = settings.model_copy(update={"data_key": SecretStr(key)})
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_local(settings, content))
        return 0
    metrics = Metrics()
    application = build_application(
        settings,
        content,
        token=settings.token or LOCAL_TOKEN,
        base_url=settings.telegram_base_url,
        base_file_url=settings.telegram_base_file_url,
        metrics=metrics,
    )
    asyncio.run(
        serve(
            application,
            settings,
            handlers.ALLOWED_UPDATES,
            metrics=metrics,
            mini_app=lambda: mini_app(application),
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
