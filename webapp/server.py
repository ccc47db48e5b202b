"""The Mini App's aiohttp application: the page, its static files and pictures, and the API.

`create_app()` builds a `web.Application` with every path relative to where it is mounted:
webhook mode adds it to the webhook's server (`add_subapp`), polling mode serves it alone with
`serve()` on MINI_APP_LISTEN:MINI_APP_PORT. Every response carries a Content-Security-Policy that
allows only the app's own origin and Telegram's script. API routes (`api/…`) require
`Authorization: tma <initData>`; anything else gets 401 with no detail, logged without the data.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from content import Content
from perf.freeze import freeze_what_is_loaded
from webapp.auth import DEFAULT_MAX_AGE_SECONDS, AuthError, Clock, validate
from webapp.backend import AppBackend, UnknownSession
from webapp.sounds import MEDIA_TYPES as SOUND_TYPES
from webapp.sounds import SoundFiles, phrases_of

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
CSP = (
    "default-src 'self'; script-src 'self' https://telegram.org; style-src 'self'; "
    "img-src 'self'; connect-src 'self'; font-src 'self'; media-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
}
MEDIA_TYPES = {".png": "image/png", ".gif": "image/gif"}
MEDIA_NAME = re.compile(r"^[a-z0-9_]{1,64}\.(png|gif)$")
KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MARKS = re.compile(r"^[dsxh-]{0,64}$")
MAX_BODY = 4096
# Answers shorter than this go as they are: a checkpoint's answer is ~50 bytes, and compressing
# it cost more CPU than sending it (bench-app-api, with the browser's Accept-Encoding: 183-208
# against 146-165 us of server CPU a post).
COMPRESS_FROM = 1024
MAX_RATING = 10
PROGRESS_DAYS = (7, 30, 90)
TEXTS_PLACE = "<!--texts-->"
# The chat's own words the page shows, shipped with it (never waiting for the network): the
# stop-and-consult warning, today's rating question, its warning-signs button and the advice
# for a rating too high.
CHAT_TEXTS = {
    "stop_warning": "pain.stop_warning",
    "checkin": "routine.checkin",
    "warning_signs_button": "routine.warning_signs_button",
    "too_much": "routine.too_much",
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class AppConfig:
    """What the app needs besides the backend: the bot token (to check launch data) and the
    content (the page's words in every language, the pictures)."""

    token: str
    content: Content
    max_age: float = DEFAULT_MAX_AGE_SECONDS
    clock: Clock = field(default=time.time)


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    content_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes, content_type: str) -> Asset:
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        return cls(body, gzip.compress(body, 9, mtime=0), content_type, etag)


BACKEND: web.AppKey[AppBackend] = web.AppKey("backend")
CONFIG: web.AppKey[AppConfig] = web.AppKey("config")
ASSETS: web.AppKey[dict[str, Asset]] = web.AppKey("assets")
SOUNDS: web.AppKey[SoundFiles] = web.AppKey("sounds")
USER: web.RequestKey[int] = web.RequestKey("user_id")  # the validated launch data's user id


def page_texts(content: Content) -> dict[str, Any]:
    """Every language's `app.` texts (plural ones as their forms), embedded in the page so that
    it never waits for the network to show them (the stop-and-consult warning above all)."""
    texts: dict[str, Any] = {"default": content.default_language, "languages": {}}
    for language, flat in content.texts.items():
        plurals = content.plurals.get(language, {})
        texts["languages"][language] = {
            key.removeprefix("app."): plurals.get(key, value)
            for key, value in flat.items()
            if key.startswith("app.")
        }
        for name, key in CHAT_TEXTS.items():
            texts["languages"][language][name] = flat[key]
    return texts


def _assets(content: Content) -> dict[str, Asset]:
    assets: dict[str, Asset] = {}
    for path in sorted(STATIC.iterdir()):
        if path.suffix not in TYPES or not path.is_file():
            continue
        body = path.read_bytes()
        if path.name == "index.html":
            embedded = json.dumps(page_texts(content), ensure_ascii=False).replace("</", "<\\/")
            block = f'<script type="application/json" id="texts">{embedded}</script>'
            body = body.replace(TEXTS_PLACE.encode(), block.encode())
        assets[path.name] = Asset.of(body, TYPES[path.suffix] + "; charset=utf-8")
    return assets


def _send(request: web.Request, asset: Asset) -> web.Response:
    if request.headers.get("If-None-Match") == asset.etag:
        return web.Response(status=304, headers={"ETag": asset.etag})
    headers = {"ETag": asset.etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        headers["Content-Encoding"] = "gzip"
        body = asset.gzipped
    else:
        body = asset.body
    response = web.Response(body=body, headers=headers)
    response.content_type = asset.content_type.split(";")[0]
    response.charset = "utf-8"
    return response


async def index(request: web.Request) -> web.Response:
    return _send(request, request.app[ASSETS]["index.html"])


async def static(request: web.Request) -> web.Response:
    asset = request.app[ASSETS].get(request.match_info["name"])
    if asset is None:
        raise web.HTTPNotFound()
    return _send(request, asset)


async def media(request: web.Request) -> web.StreamResponse:
    """Pictures of content/media/, loaded per exercise (never part of the first load)."""
    name = request.match_info["name"]
    path = request.app[CONFIG].content.media_path(name)
    if not MEDIA_NAME.match(name) or not path.is_file():
        raise web.HTTPNotFound()
    response = web.FileResponse(path, headers={"Cache-Control": "max-age=86400"})
    response.content_type = MEDIA_TYPES[path.suffix]
    return response


async def sound(request: web.Request) -> web.StreamResponse:
    """The audio guide's clips and tones (webapp/sounds.py), loaded per session: immutable
    names, kept by the browser for a year."""
    name = request.match_info["name"]
    sounds = request.app[SOUNDS]
    headers = {"Cache-Control": "public, max-age=31536000, immutable"}
    content_type = SOUND_TYPES.get(name.rsplit(".", 1)[-1], "")
    path = sounds.clip_path(name)
    if path is not None:
        response = web.FileResponse(path, headers=headers)
        response.content_type = content_type
        return response
    body = await sounds.made(name)
    if body is None:
        raise web.HTTPNotFound()
    return web.Response(body=body, headers=headers, content_type=content_type)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        error.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    return response


@web.middleware
async def launch_data(request: web.Request, handler: Handler) -> web.StreamResponse:
    """API calls need valid launch data: the user id in it is the only identity."""
    if "/api/" not in request.path:
        return await handler(request)
    config = request.app[CONFIG]
    scheme, _, data = request.headers.get("Authorization", "").partition(" ")
    try:
        if scheme != "tma":
            raise AuthError("no tma authorization")
        request[USER] = validate(data, config.token, max_age=config.max_age, clock=config.clock)
    except AuthError as refused:
        logger.warning("mini app: launch data refused (%s)", refused)
        return web.Response(status=401)
    return await handler(request)


def _json(answer: Any) -> web.Response:
    response = web.json_response(answer, headers={"Cache-Control": "no-store"})
    body = response.body
    if isinstance(body, bytes) and len(body) >= COMPRESS_FROM:
        response.enable_compression()  # when asked: a plan with its figures is ~27 KB raw
    return response


async def _body(request: web.Request, *required: str) -> dict[str, Any]:
    """A post's JSON body with a valid idempotency key and the fields asked for (400 if not)."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise web.HTTPBadRequest()
    try:
        body = json.loads(await request.text())
    except ValueError:
        raise web.HTTPBadRequest() from None
    if not isinstance(body, dict) or not KEY.match(str(body.get("key", ""))):
        raise web.HTTPBadRequest()
    for name in required:
        value = body.get(name)
        valid = {
            "session": isinstance(value, int) and not isinstance(value, bool),
            "beat": isinstance(value, int) and not isinstance(value, bool) and value >= 0,
            "marks": isinstance(value, str) and MARKS.match(value) is not None,
            "outcome": value in ("completed", "stopped"),
        }[name]
        if not valid:
            raise web.HTTPBadRequest()
    return body


def _rating(value: Any) -> int | None:
    """An optional 0-10 rating of a post (400 if it is anything else)."""
    if value is not None and (
        not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_RATING
    ):
        raise web.HTTPBadRequest()
    return None if value is None else int(value)


def _backend(request: web.Request) -> tuple[AppBackend, int]:
    return request.app[BACKEND], request[USER]


async def api_home(request: web.Request) -> web.Response:
    backend, user = _backend(request)
    return _json(await backend.home(user))


async def api_plan(request: web.Request) -> web.Response:
    backend, user = _backend(request)
    return _json(await backend.plan(user))


async def api_progress(request: web.Request) -> web.Response:
    backend, user = _backend(request)
    days = request.query.get("days", "7")
    if not days.isdigit() or int(days) not in PROGRESS_DAYS:
        raise web.HTTPBadRequest()
    return _json(await backend.progress(user, int(days)))


async def api_start(request: web.Request) -> web.Response:
    backend, user = _backend(request)
    body = await _body(request)
    return _json(await backend.start(user, body["key"], _rating(body.get("rating"))))


async def api_checkpoint(request: web.Request) -> web.Response:
    backend, user = _backend(request)
    body = await _body(request, "session", "beat", "marks")
    try:
        answer = await backend.checkpoint(
            user, body["session"], body["beat"], body["marks"], body["key"]
        )
    except UnknownSession:
        raise web.HTTPNotFound() from None
    return _json(answer)


async def api_finish(request: web.Request) -> web.Response:
    backend, user = _backend(request)
    body = await _body(request, "session", "beat", "marks", "outcome")
    checkin = _rating(body.get("checkin"))
    try:
        answer = await backend.finish(
            user,
            body["session"],
            body["beat"],
            body["marks"],
            body["outcome"],
            body["key"],
            checkin,
        )
    except UnknownSession:
        raise web.HTTPNotFound() from None
    return _json(answer)


async def api_hurt(request: web.Request) -> web.Response:
    backend, user = _backend(request)
    body = await _body(request, "beat", "marks")
    session = body.get("session")
    if session is not None and (not isinstance(session, int) or isinstance(session, bool)):
        raise web.HTTPBadRequest()
    try:
        answer = await backend.hurt(user, session, body["beat"], body["marks"], body["key"])
    except UnknownSession:
        raise web.HTTPNotFound() from None
    return _json(answer)


async def api_signs(request: web.Request) -> web.Response:
    backend, user = _backend(request)
    body = await _body(request)
    return _json(await backend.signs(user, body["key"]))


async def api_status(request: web.Request) -> web.Response:
    backend, user = _backend(request)
    session = request.query.get("session", "")
    if not session.isdigit():
        raise web.HTTPBadRequest()
    try:
        return _json(await backend.status(user, int(session)))
    except UnknownSession:
        raise web.HTTPNotFound() from None


async def _warm_sounds(app: web.Application) -> AsyncIterator[None]:
    """The sound files' codec loaded beside the server's start, not in the first session."""

    async def warm() -> None:
        try:
            await app[SOUNDS].warm()
        except Exception:
            logger.exception("mini app: the opening chime could not be made ahead")
        # numpy, scipy and the codec it loaded live as long as the process: out of the
        # collector's sight too (about 48,000 objects a full collection would rescan).
        freeze_what_is_loaded()

    warming = asyncio.create_task(warm())
    yield
    await warming


def create_app(backend: AppBackend, config: AppConfig) -> web.Application:
    """The Mini App, ready to serve alone or to mount under a prefix of another app."""
    app = web.Application(middlewares=[security_headers, launch_data], client_max_size=MAX_BODY)
    app[BACKEND] = backend
    app[CONFIG] = config
    app[ASSETS] = _assets(config.content)
    app[SOUNDS] = SoundFiles(phrases_of(config.content).clips)
    app.cleanup_ctx.append(_warm_sounds)
    app.router.add_get("/", index)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/media/{name}", media)
    app.router.add_get("/audio/{name}", sound)
    app.router.add_get("/api/home", api_home)
    app.router.add_get("/api/plan", api_plan)
    app.router.add_get("/api/progress", api_progress)
    app.router.add_post("/api/start", api_start)
    app.router.add_post("/api/checkpoint", api_checkpoint)
    app.router.add_post("/api/finish", api_finish)
    app.router.add_post("/api/hurt", api_hurt)
    app.router.add_post("/api/signs", api_signs)
    app.router.add_get("/api/status", api_status)
    return app


async def serve(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Polling mode: serve the app on host:port; the caller awaits `runner.cleanup()` at the end."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    logger.info("mini app: serving on %s:%s", host, port)
    return runner
