"""Shared pieces of the benchmarks: a bot subprocess, and resource sampling."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:BENCH-TOKEN-abcdefghijklmnopqrstuvwxyz"


BENCH_DATA_KEY = "bLzBeUKw6kVFu4IobApJLvIXrTDt8dmcxBBNw8zBsV4="


def start_bot(
    base_url: str, file_url: str, database_url: str, workdir: Path, **env: str
) -> subprocess.Popen[bytes]:
    """`python bot.py` against the emulator, as an operator would run it, on `database_url`.

    Its log goes to `bot.log` in `workdir` (a pipe nobody reads would fill up and stall the bot
    mid-run).
    """
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": base_url,
        "TELEGRAM_BASE_FILE_URL": file_url,
        "DATABASE_URL": database_url,
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
        stderr=log_path(workdir).open("ab"),
    )


def start_echo(
    base_url: str, file_url: str, log: Path, http: str = "httpx"
) -> subprocess.Popen[bytes]:
    """The bare PTB bot (bench/echo_bot.py): the floor the framework sets; `http` its
    transport: httpx (PTB's default) or aiohttp (Backcare's)."""
    environment = {
        **os.environ,
        "ECHO_HTTP": http,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": base_url,
        "TELEGRAM_BASE_FILE_URL": file_url,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bench.echo_bot"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
    )


async def stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it has not ended within 30 s; waited for in a thread (a
    blocking wait here would show as the benchmark loop's lag)."""
    process.terminate()
    try:
        await asyncio.to_thread(process.wait, 30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def log_path(workdir: Path) -> Path:
    """Where start_bot writes the bot's log."""
    return workdir / "bot.log"


def log_tail(workdir: Path, size: int = 2000) -> str:
    """The end of the bot's log, for an error message."""
    try:
        return log_path(workdir).read_bytes()[-size:].decode(errors="replace")
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


def machine_ms(repeats: int = 5) -> float:
    """A fixed piece of pure-Python work, timed, best of `repeats` (about 10 ms on a quiet
    day): how fast this shared machine runs now, printed beside a figure so that runs can be
    told apart by the machine's speed (its other tenants are invisible from inside: no steal
    time is reported, and an idle load average has seen this loop 30% slower)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        total = 0
        for number in range(100_000):
            total += number * number
        best = min(best, time.perf_counter() - started)
    return 1000 * best


def cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def system_seconds(pid: int) -> float:
    """The process's CPU time in the kernel (page faults, system calls)."""
    return float(psutil.Process(pid).cpu_times().system)


def minor_faults(pid: int) -> int:
    """Page faults the process took without disk (/proc/PID/stat's minflt; 0 off Linux): on a VM
    each one that maps memory the host has not backed yet costs the host's fault too."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[7])
    except OSError:
        return 0


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


@dataclass
class SelfProbe:
    """This (benchmark) process's CPU and event-loop lag, second by second: the emulator and
    the simulated users live here, so a late message may be late on this side."""

    lines: list[dict[str, float]] = field(default_factory=list)
    served: list[float] = field(default_factory=list)  # the emulator's handling times

    def on_served(self, seconds: float) -> None:
        self.served.append(seconds)

    async def run(self, stop: asyncio.Event, tick: float = 0.05) -> None:
        loop = asyncio.get_running_loop()
        process = psutil.Process()
        cpu = sum(process.cpu_times()[:2])
        next_line, worst = loop.time() + 1.0, 0.0
        while not stop.is_set():
            before = loop.time()
            await asyncio.sleep(tick)
            worst = max(worst, loop.time() - before - tick)
            if loop.time() >= next_line:
                now_cpu = sum(process.cpu_times()[:2])
                served, self.served = self.served, []
                self.lines.append(
                    {
                        "t": time.time(),
                        "cpu": now_cpu - cpu,
                        "lag": worst,
                        "served_n": len(served),
                        "served_sum": sum(served),
                        "served_max": max(served, default=0.0),
                    }
                )
                cpu, next_line, worst = now_cpu, next_line + 1.0, 0.0


TCP_COUNTERS = ("ListenOverflows", "ListenDrops", "TCPSynRetrans", "TCPTimeouts")


def tcp_counters() -> dict[str, int]:
    """This machine's TCP counters that show lost connection set-ups (/proc/net/netstat)."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return {}
    counters: dict[str, int] = {}
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            counters.update(zip(names.split()[1:], map(int, values.split()[1:]), strict=False))
    return {name: counters.get(name, 0) for name in TCP_COUNTERS}


def tcp_delta(before: dict[str, int], after: dict[str, int]) -> str:
    return ", ".join(f"{name} {after.get(name, 0) - before.get(name, 0)}" for name in TCP_COUNTERS)


def read_probe(path: Path) -> list[dict[str, Any]]:
    """The bot's per-second probe lines (perf/probe.py)."""
    try:
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    except OSError:
        return []


def probe_table(
    bot_lines: list[dict[str, Any]],
    bench_lines: list[dict[str, float]],
    started_wall: float,
    lateness: dict[int, list[float]],
    bucket: int = 30,
) -> list[str]:
    """One row per `bucket` seconds of the run: lateness p99 beside the bot's and the
    benchmark's CPU and loop lag, database waits and holds, GC, pace waits and round trips."""

    def slot(t: float) -> int:
        return int((t - started_wall) // bucket) * bucket

    rows: dict[int, dict[str, float]] = {}
    for line in bot_lines:
        row = rows.setdefault(slot(line["t"]), {})
        row["cpu"] = row.get("cpu", 0.0) + line["cpu"]
        row["n"] = row.get("n", 0) + 1
        row["chat_wait_s"] = row.get("chat_wait_s", 0.0) + line.get("chat_wait_s", 0.0)
        for name in (
            "lag",
            "db_wait",
            "db_hold",
            "db_in_use",
            "gc1",
            "gc2",
            "send",
            "in_flight",
        ):
            count, total, worst = line.get(name, (0, 0.0, 0.0))
            row[f"{name}_n"] = row.get(f"{name}_n", 0) + count
            row[f"{name}_sum"] = row.get(f"{name}_sum", 0.0) + total
            row[f"{name}_max"] = max(row.get(f"{name}_max", 0.0), worst)
    for line in bench_lines:
        row = rows.setdefault(slot(line["t"]), {})
        row["bench_cpu"] = row.get("bench_cpu", 0.0) + line["cpu"]
        row["bench_n"] = row.get("bench_n", 0) + 1
        row["bench_lag"] = max(row.get("bench_lag", 0.0), line["lag"])
        row["served_n"] = row.get("served_n", 0) + line.get("served_n", 0)
        row["served_sum"] = row.get("served_sum", 0.0) + line.get("served_sum", 0.0)
        row["served_max"] = max(row.get("served_max", 0.0), line.get("served_max", 0.0))
    out = [
        "   window  late p99  bot cpu  bot lag max  db wait max/sum   db hold max  db in use max  "
        "gc2 max  "
        "pace wait  send rtt avg/max  in flight max  bench cpu  bench lag max  "
        "emulator avg/max"
    ]
    for start in sorted(rows):
        row = rows[start]
        n, bn = max(1.0, row.get("n", 0)), max(1.0, row.get("bench_n", 0))
        sends = max(1.0, row.get("send_n", 0))
        out.append(
            f"  {start:>5}s  {percentile(lateness.get(start, []), 0.99):>7.0f}ms"
            f"  {100 * row.get('cpu', 0) / n:>6.0f}%"
            f"  {1000 * row.get('lag_max', 0):>9.0f}ms"
            f"  {1000 * row.get('db_wait_max', 0):>7.0f}/{row.get('db_wait_sum', 0):>5.1f}s"
            f"  {1000 * row.get('db_hold_max', 0):>9.0f}ms"
            f"  {row.get('db_in_use_max', 0):>13.0f}"
            f"  {1000 * row.get('gc2_max', 0):>5.0f}ms"
            f"  {row.get('chat_wait_s', 0):>7.0f}s"
            f"  {1000 * row.get('send_sum', 0) / sends:>6.1f}/{1000 * row.get('send_max', 0):>5.0f}ms"
            f"  {row.get('in_flight_max', 0):>6.0f}"
            f"  {100 * row.get('bench_cpu', 0) / bn:>7.0f}%"
            f"  {1000 * row.get('bench_lag', 0):>10.0f}ms"
            f"  {1000 * row.get('served_sum', 0) / max(1.0, row.get('served_n', 0)):>5.1f}"
            f"/{1000 * row.get('served_max', 0):>4.0f}ms"
        )
    return out
