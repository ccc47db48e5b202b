"""How requests reach Telegram: python-telegram-bot's requests over aiohttp, and PTB's own
httpx transport with the same bound on requests in flight.

PTB's default transport is httpx; aiohttp is already a dependency (the webhook server). Both
send at most `TELEGRAM_CONNECTIONS` requests at once, one per pooled connection: the rest wait
here, in order, with no time-out, never inside the pool, where a burst would meet the pool's
time-out (aiohttp) or make httpcore rescan every connection for every queued request
(encode/httpcore#1035). `TELEGRAM_HTTP=httpx` chooses PTB's own (`BoundedHTTPXRequest`).

PTB's timeouts map onto aiohttp's: `pool_timeout` + `connect_timeout` bound getting a
connection (`connect`), `connect_timeout` opening one (`sock_connect`), `read_timeout` each
wait for the answer (`sock_read`); the sum of all four bounds the whole request, since aiohttp
has no write timeout. Failures become PTB's `TimedOut` and `NetworkError` with the aiohttp
error as `__cause__`, as PTB's own transport does with httpx's (throttle/delivery.py's
`never_left` reads it).

Buys: about a sixth of httpx's CPU per request, the bot's largest cost when 1,000 live sessions
send ~200 messages a second. Shown by `make bench-ratings` and `make bench-load`, which run a
bare PTB bot on each transport beside Backcare.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData


class AiohttpRequest(BaseRequest):
    """A `telegram.request.BaseRequest` on one aiohttp session with a pool of `connections`."""

    __slots__ = ("_connections", "_defaults", "_free", "_session", "in_flight", "on_round_trip")

    def __init__(
        self,
        connections: int = 1,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._connections = connections
        self._defaults = {
            "read": read_timeout,
            "write": write_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
            "media_write": media_write_timeout,
        }
        self._session: aiohttp.ClientSession | None = None
        self._free = asyncio.Semaphore(connections)  # a connection for each request in flight
        self.in_flight = 0  # requests sent and not yet answered (read by perf/probe.py)
        # Told each request's round trip, in seconds (perf/probe.py sets it when it runs).
        self.on_round_trip: Callable[[float], None] | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._defaults["read"]

    async def initialize(self) -> None:
        """Open the session (inside the running loop; again after a shutdown)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        files = request_data is not None and request_data.contains_files
        read = self._chosen(read_timeout, "read")
        write = self._chosen(write_timeout, "media_write" if files else "write")
        connect = self._chosen(connect_timeout, "connect")
        pool = self._chosen(pool_timeout, "pool")
        parts = (read, write, connect, pool)
        timeout = aiohttp.ClientTimeout(
            total=None if None in parts else sum(p for p in parts if p is not None),
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect,
            sock_read=read,
        )
        body, headers = self._body(request_data)
        async with self._free:
            return await self._send(method, url, body, headers, timeout)

    async def _send(
        self, method: str, url: str, body: Any, headers: dict[str, str], timeout: Any
    ) -> tuple[int, bytes]:
        assert self._session is not None
        sent = time.monotonic()
        self.in_flight += 1
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            if isinstance(error, aiohttp.ConnectionTimeoutError):
                raise TimedOut("Pool or connect timeout: the request was not sent") from error
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
        finally:
            self.in_flight -= 1
            if self.on_round_trip is not None:
                self.on_round_trip(time.monotonic() - sent)

    def _chosen(self, given: Any, name: str) -> float | None:
        """The timeout a call gave, or this transport's default for it (PTB passes
        `BaseRequest.DEFAULT_NONE` for a timeout the caller did not set)."""
        if given is BaseRequest.DEFAULT_NONE:
            return self._defaults[name]
        return given

    @staticmethod
    def _body(request_data: RequestData | None) -> tuple[Any, dict[str, str]]:
        """JSON for plain calls; multipart form data when the call uploads files."""
        if request_data is None:
            return None, {}
        if not request_data.contains_files:
            return request_data.json_payload, {"Content-Type": "application/json"}
        form = aiohttp.FormData(quote_fields=False)
        for name, value in (request_data.json_parameters or {}).items():
            form.add_field(name, value)
        for name, upload in request_data.multipart_data.items():
            filename, content, *rest = upload
            form.add_field(
                name,
                content,
                filename=filename,
                content_type=rest[0] if rest else "application/octet-stream",
            )
        return form, {}


class BoundedHTTPXRequest(HTTPXRequest):
    """PTB's own transport, with at most `connection_pool_size` requests in flight: the rest
    wait here, in order, not in httpcore's pool."""

    __slots__ = ("_in_flight",)

    def __init__(
        self, connection_pool_size: int, read_timeout: float | None, pool_timeout: float = 1.0
    ) -> None:
        super().__init__(
            connection_pool_size=connection_pool_size,
            read_timeout=read_timeout,
            pool_timeout=pool_timeout,
        )
        self._in_flight = asyncio.Semaphore(connection_pool_size)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        async with self._in_flight:
            return await super().do_request(
                url,
                method,
                request_data,
                read_timeout,
                write_timeout,
                connect_timeout,
                pool_timeout,
            )
