"""The audio guide in the Mini App, in a real browser: voice clips and tones scheduled with Web
Audio on the session's clock, the voice and tones switches, and silence after It hurts."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Page, Route

from tests.webapp import test_browser
from tests.webapp.test_browser import DARK, App, shot, start, wait_for

browser = test_browser.browser  # the same fixtures: one Chromium, the app on the fake backend
app = test_browser.app

SLOW = 0.05  # the quick routine in about 25 s: beats long enough for a few voice cues


def records(page: Page) -> list[dict[str, Any]]:
    return page.evaluate("() => window.backcareAudio")  # type: ignore[no-any-return]


# A device whose browser plays no Ogg (canPlayType answers "" for it).
NO_OGG = """const can = HTMLMediaElement.prototype.canPlayType;
HTMLMediaElement.prototype.canPlayType = function (type) {
  return type.includes("ogg") ? "" : can.call(this, type); };"""


def test_the_guide_starts_on_start_and_sounds_at_each_phase_change_on_time(app: App) -> None:
    app.backend.scale = SLOW
    page = app.open()
    page.wait_for_selector(".today")
    assert page.evaluate("() => window.backcareAudioClock()") is None  # nothing before Start
    start(page)
    page.wait_for_function("() => window.backcareTrace.length > 30", timeout=20_000)
    plan: Any = app.backend._gate(7)["plan"]
    trace = page.evaluate("() => window.backcareTrace")
    assert page.evaluate("() => window.backcareAudioClock()[2]") == "running"

    def heard_ms(record: dict[str, Any]) -> float:
        """When a source is heard, in performance.now() ms: its AudioContext time against the
        two clocks as they stood when it was scheduled, a second or so ahead (the output's
        timestamp: the context's time heard at a performance.now() moment)."""
        context_then, performance_then = record["clock"]
        return float(performance_then + (record["when"] - context_then) * 1000)

    sounds = records(page)
    said = [r for r in sounds if r["kind"] == "voice"]
    assert said[0]["at"] == 0  # the first words: "If anything hurts, stop and tell me"
    assert said[0]["name"] == plan["sound"]["voice"][0]["clip"]
    starts = {item["at"] for item in plan["sound"]["voice"] + plan["sound"]["tones"]}
    beats = plan["beats"]
    checked = 0
    for index, due, _handled, *_ in trace[1:]:
        beat, previous = beats[index], beats[index - 1]
        if beat["kind"] == previous["kind"] and beat["kind"] != "intro":
            continue  # no phase change (a timed hold's next second, say)
        assert beat["at"] in starts, beat  # the plan has a sound at every phase change
        at_beat = [r for r in sounds if abs(r["at"] - beat["at"]) < 1e-6]
        assert at_beat, (index, beat)
        # Scheduled on the context's clock at the moment the beat is due (the page's own clock).
        for record in at_beat:
            assert abs(heard_ms(record) - due) < 5, (index, record, due)
        checked += 1
    assert checked >= 12


def _first_voice(page: Page) -> dict[str, Any]:
    return next(r for r in records(page) if r["kind"] == "voice")


def test_the_opening_safety_sentence_waits_for_a_slow_network(app: App) -> None:
    """Its clip arriving 1.5 s after Start (a slow network; other phrases may be left out when
    more than 0.6 s late), the opening safety sentence is said whole when it comes."""
    app.backend.scale = SLOW
    page = app.open()
    first = app.backend._gate(7)["plan"]["sound"]["voice"][0]

    def slow(route: Route) -> None:
        time.sleep(1.5)
        route.continue_()

    page.route(f"**/audio/{first['clip']}.*", slow)
    start(page)
    wait_for(lambda: any(r["kind"] == "voice" for r in records(page)))
    said = _first_voice(page)
    assert (said["name"], said["at"]) == (first["clip"], 0)
    assert said["heard"] - said["due"] > 1000  # late, from its start
    wait_for(lambda: _first_voice(page)["ended"] is not None, seconds=20)
    assert _first_voice(page)["stopped"] is None  # said to its end, not cut by its window


def sounding(sounds: list[dict[str, Any]], moment: float) -> list[dict[str, Any]]:
    """The sources still to be heard after `moment` (performance.now() ms) that were neither
    stopped by then nor rendered to their end by the engine (a source that ended is heard for
    the output's latency after, some 30-40 ms, and nothing can take that back)."""
    return [
        r
        for r in sounds
        if r["ends"] > moment
        and (r["stopped"] is None or r["stopped"] > moment)
        and (r["ended"] is None or r["ended"] > moment)
    ]


def _voice_and_tones_ahead(page: Page) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    now = page.evaluate("() => performance.now()")
    ahead = [r for r in records(page) if r["heard"] > now + 50]
    return [r for r in ahead if r["kind"] == "voice"], [r for r in ahead if r["kind"] == "tones"]


def running(app: App, **opened: Any) -> Page:
    """A session past its first intro (Ready), with voice and tones already scheduled ahead."""
    app.backend.scale = SLOW
    page = app.open(**opened)
    start(page)
    page.locator("button.ready").click()
    wait_for(lambda: all(_voice_and_tones_ahead(page)))
    return page


def test_voice_off_stops_the_voice_and_tones_go_on_and_the_switches_are_remembered(
    app: App,
) -> None:
    page = running(app)
    page.locator(".session button.switch.voice").click()
    clicked = page.evaluate("() => performance.now()")
    assert page.locator(".session button.switch.voice").inner_text() == "Voice: off"
    voice = [r for r in records(page) if r["kind"] == "voice"]
    assert [r for r in voice if r["ends"] > clicked]  # scheduled ahead,
    assert not sounding(voice, clicked)  # and stopped
    time.sleep(1.5)
    after = records(page)
    assert len([r for r in after if r["kind"] == "voice"]) == len(voice)  # no voice since
    tones = [r for r in after if r["kind"] == "tones" and r["ends"] > clicked]
    assert [r for r in tones if r["scheduled"] > clicked]  # tones go on being scheduled,
    # and none was stopped by the switch (Ready, before it, stopped what was scheduled ahead)
    assert not [r for r in tones if r["stopped"] is not None and r["stopped"] >= clicked]
    # And the reverse: tones off, voice on.
    page.locator(".session button.switch.tones").click()
    page.locator(".session button.switch.voice").click()
    switched = page.evaluate("() => performance.now()")
    assert not sounding([r for r in records(page) if r["kind"] == "tones"], switched)
    count = len(records(page))
    wait_for(lambda: any(r["kind"] == "voice" for r in records(page)[count:]), seconds=8)
    assert not [r for r in records(page)[count:] if r["kind"] == "tones"]
    shot(page, "audio-switches-light")
    page.reload()
    page.wait_for_selector(".today")
    assert page.locator("button.switch.voice").get_attribute("aria-pressed") == "true"
    assert page.locator("button.switch.tones").get_attribute("aria-pressed") == "false"
    assert page.evaluate("() => localStorage.getItem('backcare_sound')") == "voice"


def test_a_value_stored_by_the_old_sound_switch_still_counts(app: App) -> None:
    page = app.open()
    page.wait_for_selector(".today")
    for stored, voice, tones in [("off", "false", "false"), ("on", "true", "true")]:
        page.evaluate(f"() => localStorage.setItem('backcare_sound', '{stored}')")
        page.reload()
        page.wait_for_selector(".today")
        assert page.locator("button.switch.voice").get_attribute("aria-pressed") == voice
        assert page.locator("button.switch.tones").get_attribute("aria-pressed") == tones


def test_it_hurts_silences_every_sound_at_once_and_for_good(app: App) -> None:
    page = running(app)
    page.locator("button.hurts").click()
    hurt = page.evaluate("() => performance.now()")
    page.wait_for_selector(".warning")
    sounds = records(page)
    # Every source either had ended before, or was stopped right then.
    still = sounding(sounds, hurt)
    assert not still, still
    time.sleep(1.5)  # beats and loads that would have come: nothing is scheduled after it
    assert len(records(page)) == len(sounds)


def test_pause_silences_at_once_and_resume_schedules_again(app: App) -> None:
    page = running(app, theme=DARK)
    shot(page, "audio-session-dark")
    page.locator("button.pause").click()
    paused = page.evaluate("() => performance.now()")
    sounds = records(page)
    assert not sounding(sounds, paused)
    time.sleep(1)
    assert len(records(page)) == len(sounds)
    page.locator("button.pause").click()  # Resume
    wait_for(lambda: len(records(page)) > len(sounds))


def test_a_device_without_ogg_gets_mp3(app: App) -> None:
    app.backend.scale = SLOW
    page = app.open(init_script=NO_OGG)
    asked: list[str] = []
    page.on(
        "request", lambda request: asked.append(request.url) if "/audio/" in request.url else None
    )
    start(page)
    page.locator("button.ready").click()
    wait_for(lambda: len([r for r in records(page) if r["kind"] == "voice"]) >= 2)
    assert asked and all(url.endswith(".mp3") for url in asked), asked


def test_skip_stops_what_was_scheduled_and_schedules_from_the_next_exercise(app: App) -> None:
    page = running(app)
    plan: Any = app.backend._gate(7)["plan"]
    second = next(b for b in plan["beats"] if b["kind"] == "intro" and b["item"] == 1)
    page.locator("button.skip").click()
    skipped = page.evaluate("() => performance.now()")
    page.wait_for_function("() => document.body.dataset.phase === 'intro'")
    # What the first exercise scheduled (never as far ahead as the second's intro), and after.
    wait_for(lambda: any(r["at"] >= second["at"] for r in records(page)))
    before = [r for r in records(page) if r["at"] < second["at"]]
    after = [r for r in records(page) if r["at"] >= second["at"]]
    playing = sounding(before, skipped)
    # Only the opening "If anything hurts, stop and tell me" goes on (Ready and Skip never cut it).
    assert [(r["kind"], r["at"], r["name"]) for r in playing] in (
        [],
        [("voice", 0, plan["sound"]["voice"][0]["clip"])],
    )
    first = min(after, key=lambda r: r["at"])
    assert first["at"] == second["at"]  # the next exercise's intro: its chime and its name
    index = plan["beats"].index(second)
    [jumped] = [
        entry[1] for entry in page.evaluate("() => window.backcareTrace") if entry[0] == index
    ]
    assert abs(first["due"] - jumped) < 1  # due when the clock jumped there (Skip)


def test_stop_silences_every_sound_and_nothing_follows(app: App) -> None:
    page = running(app)
    page.locator("button.stop").click()
    asked = page.evaluate("() => performance.now()")  # the question pauses it: silent already
    assert not sounding(records(page), asked)
    page.locator(".dialog button.primary").click()
    page.wait_for_selector(".message h2")
    count = len(records(page))
    time.sleep(1)
    assert len(records(page)) == count


def test_a_session_ended_in_the_chat_silences_the_app(app: App) -> None:
    """/stop (or pain reported) in the chat ends the session there: the page, told by its next
    status read, falls silent at once."""
    page = running(app)
    [session] = app.backend.sessions.values()
    session.status = "stopped"  # as the chat's /stop leaves it
    page.wait_for_selector(".message.ended", timeout=10_000)
    shown = page.evaluate("() => performance.now()")
    sounds = records(page)
    assert not sounding(sounds, shown)
    time.sleep(1)
    assert len(records(page)) == len(sounds)
