"""The audio guide in the Mini App, server side: the plan's sound is the chat track's own script
(audio/script.py) placed as the track's mix places it, and the app serves its clips and tones."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import numpy as np
import pytest
from aiohttp.test_utils import TestClient

from audio import codec
from audio.placing import heard_tones
from audio.tracks import Guide, Recipe
from content import Content
from guided.engine.routines import routine_timeline
from guided.engine.timeline import BeatKind
from webapp.plan import Plan, plan_json
from webapp.server import CSP, SOUNDS
from webapp.sounds import CLIP_SUFFIX, clip_seconds, phrases_of, tone_name


def _plans(content: Content, language: str, scale: float) -> tuple[Plan, Guide, Recipe]:
    level = 2
    timeline = routine_timeline(content, "quick", level, content.progression.levels, scale)
    plan = plan_json(content, "quick", timeline, language, scale)
    guide = Guide(content, Path("/nonexistent"), phrases_of(content))
    return plan, guide, Recipe("quick", level, language, scale=scale)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_plans_cues_are_the_chat_tracks_script(app_content: Content, language: str) -> None:
    plan, guide, recipe = _plans(app_content, language, 1.0)
    script = guide.script(recipe)  # what the chat's track says and plays
    voice = plan["sound"]["voice"]
    said = [
        phrase.clip_name.removesuffix(CLIP_SUFFIX) for cue in script.cues for phrase in cue.phrases
    ]
    assert [item["clip"] for item in voice] == said  # every phrase, in order (none cut at scale 1)
    book = phrases_of(app_content).books[language]
    assert voice[0]["clip"] == book["stop_if_it_hurts"].clip_name.removesuffix(CLIP_SUFFIX)
    assert voice[0]["at"] == 0.0
    # Each cue's first phrase starts at the cue's own time (the closing words end the session).
    firsts = iter(item for item in voice)
    for cue in script.cues:
        first = next(firsts)
        for _ in cue.phrases[1:]:
            following = next(firsts)
            assert following["at"] > first["at"]
        if cue.closing:
            assert first["until"] is None and first["at"] < script.duration
        else:
            assert first["at"] == pytest.approx(cue.start, abs=0.001)
            assert first["until"] is not None and first["until"] > first["at"]
    closing = [cue for cue in script.cues if cue.closing]
    assert len(closing) == 1
    tones = [(t["tone"], t["at"]) for t in plan["sound"]["tones"]]
    quiet_from = voice[-len(closing[0].phrases)]["at"]
    expected = [
        (tone_name(t.sound, t.seconds), round(t.start, 3)) for t in heard_tones(script, quiet_from)
    ]
    assert tones == expected and len(tones) > 20


def test_every_phase_change_has_a_sound_at_its_start(app_content: Content) -> None:
    plan, _guide, _recipe = _plans(app_content, "en", 1.0)
    starts = {item["at"] for item in plan["sound"]["voice"]} | {
        item["at"] for item in plan["sound"]["tones"]
    }
    beats = plan["beats"]
    changes = [
        beat
        for previous, beat in zip([None, *beats], beats, strict=False)
        if beat["kind"] != BeatKind.DONE.value
        and (previous is None or previous["kind"] != beat["kind"] or beat["kind"] == "intro")
    ]
    assert len(changes) > 20
    assert [b["at"] for b in changes if b["at"] not in starts] == []


def test_a_voice_cue_is_cut_where_the_tracks_mix_cuts_it(app_content: Content) -> None:
    """At a fast time scale the cues have little room: each phrase stops 0.1 s before the next
    cue (the mix's CUE_CLEARANCE), and a phrase with no room is left out."""
    plan, _guide, _recipe = _plans(app_content, "en", 0.05)
    voice = plan["sound"]["voice"]
    assert all(item["until"] is None or item["at"] < item["until"] for item in voice)
    cue_starts = sorted({item["at"] for item in voice})
    for item in voice:
        if item["until"] is not None:
            later = [start for start in cue_starts if start >= item["until"]]
            assert later and later[0] - item["until"] == pytest.approx(0.1, abs=0.002)


async def test_clips_are_served_as_committed_ogg_and_as_mp3_twins(
    client: TestClient, app_content: Content
) -> None:
    phrase = phrases_of(app_content).books["ru"]["stop_if_it_hurts"]
    name = phrase.clip_name.removesuffix(CLIP_SUFFIX)
    path = phrases_of(app_content).clip_path(phrase)
    ogg = await client.get(f"/audio/{name}.ogg")  # no launch data needed: content, not data
    assert ogg.status == 200 and await ogg.read() == path.read_bytes()
    assert ogg.headers["Content-Type"] == "audio/ogg"
    assert "immutable" in ogg.headers["Cache-Control"]
    assert ogg.headers["Content-Security-Policy"] == CSP
    mp3 = await client.get(f"/audio/{name}.mp3")
    assert mp3.status == 200 and mp3.headers["Content-Type"] == "audio/mpeg"
    samples, rate = codec.read(io.BytesIO(await mp3.read()))
    original, _ = codec.read(path)
    assert rate == 48_000 and abs(len(samples) - len(original)) < 0.06 * rate  # codec padding
    assert np.max(np.abs(samples)) > 0.3


@pytest.mark.parametrize(
    ("name", "seconds"), [("rise-4000.ogg", 4.0), ("fall-6000.mp3", 6.0), ("chime.ogg", 1.2)]
)
async def test_tones_are_rendered_by_the_tracks_synthesiser(
    client: TestClient, name: str, seconds: float
) -> None:
    response = await client.get(f"/audio/{name}")
    assert response.status == 200 and "immutable" in response.headers["Cache-Control"]
    samples, rate = codec.read(io.BytesIO(await response.read()))
    assert abs(len(samples) / rate - seconds) < 0.06
    assert 0.5 < np.max(np.abs(samples)) < 1.0


async def test_the_opening_chime_is_made_as_the_server_starts(client: TestClient) -> None:
    """Made before anyone asks: the first one made loads the codec (about a second), which in the
    first session would make its first tones late."""
    sounds = client.app[SOUNDS]
    for _ in range(200):
        if {"chime.ogg", "chime.mp3"} <= sounds._kept.keys():
            break
        await asyncio.sleep(0.05)
    assert {"chime.ogg", "chime.mp3"} <= sounds._kept.keys()


@pytest.mark.parametrize(
    "name",
    [
        "0000000000000000.ogg",
        "rise-5.ogg",
        "rise.ogg",
        "chime-100.ogg",
        "tick.wav",
        "x.mp3",
        "..%2Fen.yaml",
    ],
)
async def test_anything_else_is_not_found(client: TestClient, name: str) -> None:
    response = await client.get(f"/audio/{name}")
    assert response.status == 404


def test_a_clips_length_read_from_its_ogg_pages_is_libsndfiles(app_content: Content) -> None:
    """The plan places phrases by their clips' lengths, read without a sound library."""
    phrases = phrases_of(app_content)
    for phrase in phrases.all():
        path = phrases.clip_path(phrase)
        info = codec.soundfile.info(str(path))
        assert clip_seconds(path) == info.frames / info.samplerate, phrase.key
    assert clip_seconds(Path("/nonexistent.opus")) == 0.0
