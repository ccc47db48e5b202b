"""`make bench-app`: the Mini App in Debian's Chromium (headless, phone-sized), three runs.

1. Timer accuracy: the quick routine at a short scale, left to run by itself (no Ready pressed,
   so every beat is timed). For each beat, how late it was handled and how late the frame that
   shows it began, against its absolute due time. Goal: p99 <= 30 ms.
2. First load: bytes transferred (headers + bodies) for the page, its JS and CSS, from a cold
   cache, until the home screen shows; the API's answers and the first exercise's picture
   (fetched ahead while home shows) are counted apart. Telegram's own
   script (telegram.org) cannot load here (no internet) and is not counted. Goal: <= 150 KB.
3. Start -> first phase: from the Start tap to the frame after the session's first screen is in
   the DOM (two animation frames: the paint has happened). Goal: <= 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

from content import Content, load_content
from webapp.auth import launch_data, launch_fragment
from webapp.browser import CHROMIUM_ARGS, PHONE, chromium, served
from webapp.fake import FakeBackend
from webapp.server import AppConfig, create_app

TOKEN = "1:bench-mini-app-token"
START_TO_PAINT = """async () => {
  const t0 = performance.now();
  document.querySelector('button.big').click();
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return document.querySelector('.session') ? performance.now() - t0 : -1;
}"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def first_load(page: Page, base: str) -> tuple[int, int, int]:
    """Bytes transferred until home shows: the page's own files (HTML, JS, CSS), the API's
    answers, and pictures (the first exercise's, fetched ahead for Start)."""
    sizes: list[tuple[str, int]] = []

    def finished(request: Any) -> None:
        if request.url.startswith(base):
            measured = request.sizes()
            sizes.append(
                (request.url, measured["responseBodySize"] + measured["responseHeadersSize"])
            )

    page.on("requestfinished", finished)
    page.route("https://telegram.org/**", lambda route: route.abort())
    page.goto(base + launch_fragment(launch_data(7, TOKEN), {"bg_color": "#ffffff"}))
    page.wait_for_selector(".chart")
    page.wait_for_timeout(200)
    page.remove_listener("requestfinished", finished)
    api = sum(size for url, size in sizes if "/api/" in url)
    media = sum(size for url, size in sizes if "/media/" in url)
    own = sum(size for _url, size in sizes) - api - media
    return own, api, media


def one_run(browser: Browser, content: Content, scale: float) -> dict[str, float]:
    backend = FakeBackend(content, scale=scale)
    with served(create_app(backend, AppConfig(token=TOKEN, content=content))) as base:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        own, api, media = first_load(page, base)
        started = page.evaluate(START_TO_PAINT)
        page.wait_for_selector(".message h2", timeout=600_000)
        page.wait_for_timeout(100)
        trace: list[list[float]] = page.evaluate("() => window.backcareTrace")
        context.close()
    handled = [entry[2] - entry[1] for entry in trace[1:]]  # beat 0 is the Start tap itself
    painted = [entry[3] - entry[1] for entry in trace[1:] if len(entry) > 3]
    return {
        "beats": len(trace),
        "handled_p50": statistics.median(handled),
        "handled_p99": percentile(handled, 0.99),
        "handled_max": max(handled),
        "painted_p50": statistics.median(painted),
        "painted_p99": percentile(painted, 0.99),
        "painted_max": max(painted),
        "first_load_kb": own / 1024,
        "api_kb": api / 1024,
        "media_kb": media / 1024,
        "start_ms": started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", type=float, default=0.05, help="ROUTINE_TIME_SCALE")
    options = parser.parse_args()
    content = load_content()
    print(
        f"Mini App in {chromium()}, {PHONE['width']}x{PHONE['height']}, quick routine at scale {options.scale}"
    )
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        for run in range(1, options.runs + 1):
            result = one_run(browser, content, options.scale)
            results.append(result)
            print(
                f"run {run}: {result['beats']:.0f} beats; phase change late by "
                f"p50 {result['handled_p50']:.1f} / p99 {result['handled_p99']:.1f} / max {result['handled_max']:.1f} ms (handled), "
                f"p50 {result['painted_p50']:.1f} / p99 {result['painted_p99']:.1f} / max {result['painted_max']:.1f} ms (frame); "
                f"first load {result['first_load_kb']:.1f} KB (+ API {result['api_kb']:.1f} KB, "
                f"picture {result['media_kb']:.1f} KB); "
                f"Start -> first phase {result['start_ms']:.1f} ms",
                flush=True,
            )
        browser.close()
    worst = max(result["painted_p99"] for result in results)
    load = max(result["first_load_kb"] for result in results)
    start = max(result["start_ms"] for result in results)
    print(
        f"goals: timer p99 <= 30 ms: {'met' if worst <= 30 else 'MISSED'} (worst run {worst:.1f}); "
        f"first load <= 150 KB: {'met' if load <= 150 else 'MISSED'} ({load:.1f}); "
        f"Start -> first phase <= 100 ms: {'met' if start <= 100 else 'MISSED'} ({start:.1f})"
    )


if __name__ == "__main__":
    main()
