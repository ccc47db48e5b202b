"""Try the Mini App alone: `make app` serves it with the in-memory backend and prints a link
with signed launch data in its hash (as Telegram passes it), to open in a desktop browser."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import secrets

from content import load_content
from webapp.auth import launch_data, launch_fragment
from webapp.fake import FakeBackend
from webapp.server import AppConfig, create_app, serve

DEMO_USER = 1


async def main(host: str, port: int, scale: float, language: str, dark: bool) -> None:
    content = load_content()
    token = f"0:{secrets.token_urlsafe(24)}"  # a throwaway token: only this process signs
    backend = FakeBackend(content, scale=scale, languages={DEMO_USER: language})
    runner = await serve(create_app(backend, AppConfig(token=token, content=content)), host, port)
    theme = {"bg_color": "#17212b", "text_color": "#f5f5f5"} if dark else {"bg_color": "#ffffff"}
    link = launch_fragment(launch_data(DEMO_USER, token, language_code=language), theme)
    print(f"Open http://{host}:{port}/{link}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--scale", type=float, default=1.0, help="ROUTINE_TIME_SCALE (0-1]")
    parser.add_argument("--language", default="en")
    parser.add_argument("--dark", action="store_true")
    options = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(options.host, options.port, options.scale, options.language, options.dark))
