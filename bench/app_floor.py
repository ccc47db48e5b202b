"""The floor for bench/app_api.py: a bare aiohttp app answering the same checkpoint posts (the
launch data checked, the body read, a small JSON answer), no database and no Backcare.

    python -m bench.app_floor PORT      # run by bench/app_api.py, two processes
"""

from __future__ import annotations

import sys

from aiohttp import web

from bench.common import TOKEN
from webapp.auth import validate


async def checkpoint(request: web.Request) -> web.Response:
    _scheme, _, data = request.headers.get("Authorization", "").partition(" ")
    validate(data, TOKEN)
    body = await request.json()
    return web.json_response(
        {"session": body["session"], "beat": body["beat"], "status": "running"}
    )


async def start(request: web.Request) -> web.Response:
    _scheme, _, data = request.headers.get("Authorization", "").partition(" ")
    return web.json_response({"session": validate(data, TOKEN), "busy": False})


async def page(_request: web.Request) -> web.Response:
    return web.Response(text="floor")


if __name__ == "__main__":
    app = web.Application()
    app.router.add_get("/", page)
    app.router.add_post("/api/start", start)
    app.router.add_post("/api/checkpoint", checkpoint)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
