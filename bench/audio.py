"""`make bench-audio`: how long a whole quick-routine track takes to make, and how much the
event loop lags while 20 tracks render at once.

1. The quick routine at its top level (the longest track), in English and Russian: the script,
   the mix (voice and tones placed, loudness-normalised, true peaks limited) and each encoding
   (MP3, what sendAudio sends; Ogg Opus; the voice note's Opus) timed apart, median and worst of
   `--runs` runs, in this process.
2. 20 different tracks asked for at once through `Guide.render_async` (worker processes, the
   bot's way), while a ticker measures how late the event loop wakes it every 10 ms: the worst
   lag and the count of lags above 50 ms.
3. With `--profile`: where an Ogg Opus encode spends its time (cProfile, then libsndfile's
   compression levels, the frames handed over per write and the input rate, each timed).

Goals: a whole track mixed and encoded in under 2 s; no lag above 50 ms while 20 render.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import pstats
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

from audio import codec  # before soundfile is imported: codec picks the system's libsndfile
from audio.clips import RATE
from audio.mix import mix
from audio.tracks import ENCODINGS, Guide, Recipe, workers
from bench.reports import timed
from content import load_content
from perf.freeze import freeze_what_is_loaded

TICK = 0.010
STALL = 0.050
GOAL_TRACK = 2.0
TOP_LEVEL = 5  # progression.yaml's levels: 0..5
CONCURRENT = 20


def line(label: str, times: list[float], goal: str = "") -> str:
    median, worst = statistics.median(times), max(times)
    return f"  {label:<34} median {median:6.2f} s  worst {worst:6.2f} s  {goal}"


def one_track(guide: Guide, language: str, runs: int, folder: Path) -> None:
    """The quick routine's track at the top level in `language`, each stage timed."""
    recipe = Recipe("quick", TOP_LEVEL, language, format="mp3")
    script = guide.script(recipe)
    samples = mix(script, guide._clip, ENCODINGS["mp3"].ceiling_db)
    print(f"{language}: quick routine, level {TOP_LEVEL}, {script.duration:.0f} s of sound")
    print(line("script", timed(lambda: guide.script(recipe), runs)))
    mixing = timed(lambda: mix(script, guide._clip, ENCODINGS["mp3"].ceiling_db), runs)
    print(line("mix (place, normalise, limit)", mixing))
    for name in ("mp3", "ogg", "note"):
        encoding = ENCODINGS[name]
        path = folder / f"{language}-{name}.{encoding.kind}"

        def encode(
            path: Path = path, kind: codec.Kind = encoding.kind, level: float = encoding.level
        ) -> None:
            codec.write(path, samples, RATE, kind, level)

        coding = timed(encode, runs)
        whole = [m + c for m, c in zip(mixing, coding, strict=True)]
        kib = path.stat().st_size / 1024
        print(line(f"encode {name} ({kib:,.0f} KiB)", coding))
        print(line(f"  mix + encode {name}", whole, f"goal < {GOAL_TRACK:.0f} s"))


async def lag_while_rendering(guide: Guide, count: int) -> None:
    """`count` different tracks asked for at once, while a ticker measures the loop's lag."""
    recipes = [
        Recipe(routine, level, language, format="mp3")
        for routine in ("quick", "office")
        for level in range(TOP_LEVEL + 1)
        for language in ("en", "ru")
    ][:count]
    lags: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            started = time.perf_counter()
            await asyncio.sleep(TICK)
            lags.append(time.perf_counter() - started - TICK)

    # The bot's process freezes what it loaded before its first update (perf/freeze.py); this
    # one has just mixed tracks itself, so the same is done here, and each full collection
    # meanwhile is timed: a stall of the loop is then either one of them or something else.
    freeze_what_is_loaded()
    collections: list[float] = []
    began: list[float] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            began.append(time.perf_counter())
        elif began:
            collections.append(time.perf_counter() - began.pop())

    gc.callbacks.append(on_gc)
    pool = await workers(guide)
    ticking = asyncio.create_task(ticker())
    started = time.perf_counter()
    try:
        await asyncio.gather(*(guide.render_async(recipe, pool) for recipe in recipes))
    finally:
        took = time.perf_counter() - started
        done.set()
        await ticking
        gc.callbacks.remove(on_gc)
        await asyncio.to_thread(pool.shutdown)
    stalls = sum(1 for lag in lags if lag > STALL)
    print(f"{len(recipes)} tracks at once through render_async (2 worker processes):")
    print(f"  all done in {took:.1f} s")
    print(
        f"  loop lag: max {max(lags) * 1000:.0f} ms, p99 "
        f"{np.percentile(lags, 99) * 1000:.1f} ms, {stalls} stalls above "
        f"{STALL * 1000:.0f} ms (goal: 0)"
    )
    longest = max(collections, default=0.0) * 1000
    print(f"  full collections meanwhile: {len(collections)}, the longest {longest:.0f} ms")


def profile(guide: Guide, folder: Path) -> None:
    """Where an Ogg Opus encode of the English track spends its time, and what settings do."""
    recipe = Recipe("quick", TOP_LEVEL, "en", format="ogg")
    samples = mix(guide.script(recipe), guide._clip, ENCODINGS["ogg"].ceiling_db)
    path = folder / "profile.ogg"
    profiler = cProfile.Profile()
    profiler.enable()
    codec.write(path, samples, RATE, "ogg", ENCODINGS["ogg"].level)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(6)
    print("cProfile of one Ogg Opus encode (tottime):")
    print("\n".join("  " + row for row in out.getvalue().splitlines() if row.strip())[:2000])
    print(f"libsndfile {codec.LIBRARY}; compression level -> time, size:")
    for level in (0.0, 0.5, 0.85, 1.0):
        took = timed(lambda level=level: codec.write(path, samples, RATE, "ogg", level), 2)
        print(f"  level {level:.2f}: {min(took):5.2f} s  {path.stat().st_size / 1024:7,.0f} KiB")
    print("frames handed to libsndfile per write -> time:")
    for frames in (960, 48_000, len(samples)):

        def blocks(frames: int = frames) -> None:
            with codec.soundfile.SoundFile(
                path, "w", RATE, 1, format="OGG", subtype="OPUS", compression_level=0.85
            ) as sink:
                for first in range(0, len(samples), frames):
                    sink.write(samples[first : first + frames])

        print(f"  {frames:>9,} frames: {min(timed(blocks, 2)):5.2f} s")
    # libsndfile fixes Opus's complexity at 10 (src/ogg_opus.c: "TODO: Make configurable?");
    # what it does take is the rate: fewer samples to code (the voice is rolled off at 7.5 kHz).
    print("input rate -> time, size (resampled from 48 kHz, timed with the resampling):")
    for rate in (48_000, 24_000, 16_000):

        def at_rate(rate: int = rate) -> None:
            lower = resample_poly(samples, rate, RATE).astype(np.float32)
            codec.write(path, lower, rate, "ogg", 0.85)

        took = min(timed(at_rate, 2))
        print(f"  {rate:>6,} Hz: {took:5.2f} s  {path.stat().st_size / 1024:7,.0f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="where an Opus encode goes")
    arguments = parser.parse_args()
    content = load_content()
    with tempfile.TemporaryDirectory(prefix="bench-audio-") as temporary:
        folder = Path(temporary)
        guide = Guide(content, folder / "cache")
        which = "the system's" if codec.SYSTEM_LIBRARY else "soundfile's bundled copy, ~3x slower"
        print(f"libsndfile {codec.LIBRARY} ({which}), {RATE} Hz mono")
        for language in ("en", "ru"):
            one_track(guide, language, arguments.runs, folder)
        asyncio.run(lag_while_rendering(guide, CONCURRENT))
        if arguments.profile:
            profile(guide, folder)


if __name__ == "__main__":
    main()
