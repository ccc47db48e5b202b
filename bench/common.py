"""Shared pieces of the benchmarks: a bot subprocess, and resource sampling."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:BENCH-TOKEN-abcdefghijklmnopqrstuvwxyz"


BENCH_DATA_KEY = "bLzBeUKw6kVFu4IobApJLvIXrTDt8dmcxBBNw8zBsV4="


def start_bot(base_url: str, file_url: str, database: Path, **env: str) -> subprocess.Popen[bytes]:
    """`python bot.py` against the emulator, as an operator would run it.

    Its log goes to `bot.log` beside the database (a pipe nobody reads would fill up and stall
    the bot mid-run).
    """
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": base_url,
        "TELEGRAM_BASE_FILE_URL": file_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "LOG_LEVEL": "WARNING",
        # Health data is encrypted at rest; a fixed key for benchmark databases, not a secret.
        "DATA_KEY": os.environ.get("DATA_KEY") or BENCH_DATA_KEY,
        **env,
    }
    return subprocess.Popen(
        [sys.executable, str(ROOT / "bot.py")],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log_path(database).open("ab"),
    )


def log_path(database: Path) -> Path:
    """Where start_bot writes the bot's log."""
    return database.parent / "bot.log"


def log_tail(database: Path, size: int = 2000) -> str:
    """The end of the bot's log, for an error message."""
    try:
        return log_path(database).read_bytes()[-size:].decode(errors="replace")
    except OSError:
        return ""


@dataclass
class Sampler:
    """Samples a process's resident memory while a run goes on."""

    pid: int
    samples: list[tuple[float, int]] = field(default_factory=list)

    async def run(self, stop: asyncio.Event, every: float = 0.25) -> None:
        process = psutil.Process(self.pid)
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            try:
                self.samples.append((loop.time(), process.memory_info().rss))
            except psutil.NoSuchProcess:
                return
            await asyncio.sleep(every)

    @property
    def peak(self) -> int:
        return max((rss for _, rss in self.samples), default=0)


def cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


def mib(value: float) -> str:
    return f"{value / 1024 / 1024:.1f} MiB"
