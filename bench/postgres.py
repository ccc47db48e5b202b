"""A throwaway PostgreSQL server from the machine's PostgreSQL binaries, for the PostgreSQL tests
(tests/postgres) and the benchmarks: started in a temporary folder, then stopped and deleted.

Trust authentication on 127.0.0.1 and a free port; the unix socket in the same folder. As root
the server runs as the `postgres` user (PostgreSQL refuses root).
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
from sqlalchemy.ext.asyncio import create_async_engine

INSTALL_HINT = "apt-get install postgresql"

# For tests: nothing on the server needs to survive a crash of the machine.
THROWAWAY: Mapping[str, str] = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}
# For benchmarks beside SQLite (WAL, synchronous=NORMAL): commits are not flushed one by one,
# checkpoints are; a machine crash may lose the last commits, never the database.
LIKE_SQLITE: Mapping[str, str] = {"synchronous_commit": "off"}


def postgres_bin() -> Path | None:
    """The folder holding initdb and postgres, if PostgreSQL is installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the `postgres` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@dataclass
class PostgresServer:
    """A running throwaway server; `url` reaches its `postgres` database as the superuser."""

    url: str
    version: str
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        """CPU used so far by the server's processes, ended backends included."""
        total = 0.0
        try:
            tree = [psutil.Process(self.process.pid)]
            tree += tree[0].children(recursive=True)
        except psutil.NoSuchProcess:
            return total
        for process in tree:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            # A parent's children_* count its children that have ended (backends, reaped).
            total += times.user + times.system + times.children_user + times.children_system
        return total


@contextmanager
def throwaway_server(options: Mapping[str, str] = THROWAWAY) -> Iterator[PostgresServer]:
    """Start a server (RuntimeError if it does not start); stop it and delete its files after.

    Check postgres_bin() first: without PostgreSQL installed this raises FileNotFoundError.
    """
    binaries = postgres_bin()
    if binaries is None:
        raise FileNotFoundError(f"PostgreSQL is not installed ({INSTALL_HINT})")
    root = Path(tempfile.mkdtemp(prefix="backcare-pg-"))
    data, sockets, log = root / "data", root / "sockets", root / "server.log"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    server: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(
            as_server_user(
                [
                    str(binaries / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port = free_port()
        settings = [part for name, value in options.items() for part in ("-c", f"{name}={value}")]
        with log.open("ab") as output:
            server = subprocess.Popen(
                as_server_user(
                    [
                        str(binaries / "postgres"),
                        "-D", str(data),
                        "-p", str(port),
                        "-k", str(sockets),
                        "-c", "listen_addresses=127.0.0.1",
                        *settings,
                    ]
                ),
                stdout=subprocess.DEVNULL,
                stderr=output,
            )  # fmt: skip
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.05)
        else:
            raise RuntimeError("PostgreSQL did not start within 10 s:\n" + tail(log))
        if server.poll() is not None:
            raise RuntimeError("PostgreSQL did not start:\n" + tail(log))
        version = (data / "PG_VERSION").read_text().strip()
        yield PostgresServer(
            f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres", version, server
        )
    finally:
        if server is not None:
            stop(server, data)
        shutil.rmtree(root, ignore_errors=True)


def stop(server: subprocess.Popen[bytes], data: Path) -> None:
    """A fast shutdown (clients disconnected, then a clean stop), sent to the postmaster itself:
    as root, `server` is runuser, its parent."""
    try:
        postmaster = int((data / "postmaster.pid").read_text().split()[0])
        os.kill(postmaster, signal.SIGINT)
    except (OSError, ValueError, IndexError):
        server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def tail(path: Path, size: int = 2000) -> str:
    try:
        return path.read_bytes()[-size:].decode(errors="replace")
    except OSError:
        return ""


def database_url(server_url: str, name: str) -> str:
    """The URL of database `name` on the server at `server_url`."""
    return server_url.rsplit("/", 1)[0] + "/" + name


async def create_database(server_url: str, name: str) -> str:
    """A new, empty database on the server; its URL."""
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        await admin.dispose()
    return database_url(server_url, name)


async def drop_database(server_url: str, name: str) -> None:
    """Drop database `name`, disconnecting whoever is still connected to it."""
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.dispose()
