"""A light HTTP/1.1 client for bursts of posts: one kept-alive connection per simulated person
and server (as each phone holds its own), every request made as bytes before the burst and
written in one pass, answers read by a bare protocol (Content-Length bodies only).

aiohttp's client spends about as much CPU per post as the server that answers it: on a 2-core
machine whose cores it shares with the servers it measures, its own work is in every figure.
"""

from __future__ import annotations

import asyncio
import gc
import gzip
import json
import time
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

CONNECT_AT_ONCE = 100  # connections opened together (a listen backlog is 128 by default)


@dataclass
class Answer:
    status: int  # 0: no answer (closed, malformed or timed out)
    done: float  # perf_counter() when the answer's last byte was read
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body) if self.status == 200 else None


class Connection(asyncio.Protocol):
    """One kept-alive connection: one request in flight at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiting: asyncio.Future[Answer] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end_of_head = self.buffer.find(b"\r\n\r\n")
        if end_of_head < 0:
            return
        lines = bytes(self.buffer[:end_of_head]).decode("latin-1").split("\r\n")
        fields = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:])
        }
        if "content-length" not in fields:  # chunked: not what these servers send
            self._answer(Answer(0, time.perf_counter()))
            return
        end = end_of_head + 4 + int(fields["content-length"])
        if len(self.buffer) < end:
            return
        body = bytes(self.buffer[end_of_head + 4 : end])
        del self.buffer[:end]
        coding = fields.get("content-encoding")
        if coding in ("gzip", "deflate"):  # aiohttp answers deflate first when both are asked
            body = gzip.decompress(body) if coding == "gzip" else zlib.decompress(body)
        self._answer(Answer(int(lines[0].split(" ", 2)[1]), time.perf_counter(), body))

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self._answer(Answer(0, time.perf_counter()))

    def _answer(self, answer: Answer) -> None:
        if self.waiting is not None and not self.waiting.done():
            self.waiting.set_result(answer)

    def send(self, request: bytes) -> asyncio.Future[Answer]:
        self.waiting = asyncio.get_running_loop().create_future()
        if self.transport is None:
            self.waiting.set_result(Answer(0, time.perf_counter()))
        else:
            self.transport.write(request)
        return self.waiting


def post_bytes(url: str, auth: str, body: dict[str, Any]) -> bytes:
    """A POST of a JSON body with Mini App launch data, as raw bytes (accepting gzip, as the
    page's browser does)."""
    parts = urlsplit(url)
    payload = json.dumps(body).encode()
    head = (
        f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Authorization: tma {auth}\r\nContent-Type: application/json\r\n"
        "Accept-Encoding: gzip, deflate, br\r\n"  # as a browser asks
        f"Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


Slot = tuple[int, str, bool]  # a person, a server's URL, and whether it is the person's retry


class Pool:
    """Connections by slot, opened before a burst and kept for the next: a retry has its own (a
    phone whose first answer was lost opens a new one), even to the same server."""

    def __init__(self) -> None:
        self.connections: dict[Slot, Connection] = {}

    async def open(self, slots: list[Slot]) -> None:
        """Open what is missing (or was closed), a hundred at a time, and collect this process's
        garbage: not part of a burst."""
        loop = asyncio.get_running_loop()
        missing = [
            slot
            for slot in dict.fromkeys(slots)
            if slot not in self.connections or self.connections[slot].transport is None
        ]

        async def connect(slot: Slot) -> None:
            parts = urlsplit(slot[1])
            host, port = parts.hostname or "127.0.0.1", parts.port or 80
            _, protocol = await loop.create_connection(Connection, host, port)
            self.connections[slot] = protocol

        for at in range(0, len(missing), CONNECT_AT_ONCE):
            await asyncio.gather(*(connect(slot) for slot in missing[at : at + CONNECT_AT_ONCE]))
        gc.collect()  # the burst that follows runs without the collector

    async def burst(
        self, posts: list[tuple[Slot, bytes]], timeout: float = 60.0
    ) -> list[tuple[float, Answer]]:
        """Every post (its slot, opened by `open` first) written at once; (latency ms, answer) each, in
        order. The latency runs from the post's own write to its answer's last byte."""
        # The client's garbage is collected before the burst (`open`, called first), never during
        # it: a pause of this process (it holds a thousand connections; 100 ms seen) is not the
        # servers'.
        gc.disable()
        sent: list[tuple[float, asyncio.Future[Answer]]] = []
        try:
            for slot, request in posts:
                started = time.perf_counter()
                sent.append((started, self.connections[slot].send(request)))
            await asyncio.wait([future for _, future in sent], timeout=timeout)
        finally:
            gc.enable()
        results = []
        for started, future in sent:
            answer = future.result() if future.done() else Answer(0, time.perf_counter())
            results.append((1000 * (answer.done - started), answer))
        return results

    def close(self) -> None:
        for connection in self.connections.values():
            if connection.transport is not None:
                connection.transport.close()
        self.connections.clear()
