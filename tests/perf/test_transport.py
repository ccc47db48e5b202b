"""perf/transport.py: at most `connections` requests in flight on either transport; the rest
wait in the transport, in the order they came, and none meets the pool's time-out. (This bound
was the rate limiter's until the transports took it over: the same assertions.)"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram.request import BaseRequest

from perf.transport import AiohttpRequest, BoundedHTTPXRequest

# Seconds each answer takes: the last of five calls on two connections waits 1.2 s, past the
# pool time-out of either transport (0.2 s here) if it waited in the pool.
SLOW = 0.6


class SlowTelegram:
    """Answers every call after SLOW seconds; notes the order calls arrive in and the most
    in flight at once."""

    def __init__(self) -> None:
        self.arrived: list[int] = []
        self.in_flight = 0
        self.most = 0

    async def answer(self, request: web.Request) -> web.Response:
        # aiohttp's transport posts JSON, PTB's own a form of the same parameters.
        form = await request.json() if request.content_type == "application/json" else None
        self.arrived.append(int((form or await request.post())["tag"]))
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            await asyncio.sleep(SLOW)
        finally:
            self.in_flight -= 1
        return web.json_response({"ok": True, "result": True})


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[SlowTelegram, str]]:
    slow = SlowTelegram()
    app = web.Application()
    app.router.add_post("/{method}", slow.answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield slow, f"http://127.0.0.1:{port}"
    await runner.cleanup()


def transports() -> list[BaseRequest]:
    return [
        AiohttpRequest(2, pool_timeout=0.1, connect_timeout=0.1, read_timeout=5.0),
        BoundedHTTPXRequest(2, read_timeout=5.0, pool_timeout=0.2),
    ]


@pytest.mark.parametrize("transport", transports(), ids=["aiohttp", "httpx"])
async def test_no_more_requests_in_flight_than_the_connections(
    telegram: tuple[SlowTelegram, str], transport: BaseRequest
) -> None:
    """Requests beyond the pool wait here, in order, not in the pool (httpcore's assignment
    pass is quadratic in queued requests; aiohttp's pool would time them out)."""
    slow, url = telegram
    await transport.initialize()
    try:

        async def call(tag: int, method: str = "sendMessage") -> object:
            await asyncio.sleep(0.01 * tag)
            return await transport.do_request(f"{url}/{method}", "POST", request_data=_Tag(tag))

        results = await asyncio.gather(*(call(n) for n in range(4)), call(4, "answerCallbackQuery"))
        assert [status for status, _ in results] == [200] * 5  # type: ignore[index]
        assert slow.most == 2
        assert slow.arrived == [0, 1, 2, 3, 4]
    finally:
        await transport.shutdown()


class _Tag:
    """The part of PTB's RequestData a transport reads, for a call with one parameter."""

    contains_files = False

    def __init__(self, tag: int) -> None:
        self.multipart_data: dict[str, object] = {}
        self.json_parameters = {"tag": str(tag)}
        self.json_payload = json.dumps(self.json_parameters).encode()
