"""The quick routine's track in English and Russian, checked on the decoded files: its length is
the plan's, each voice cue is heard at its beat (onsets found in the sound's own energy), it is
at -16 LUFS with true peaks at or under -1 dBTP.

Rendered at half speed (ROUTINE_TIME_SCALE 0.5): every cue still fits its beat, so the checks
are the same as at full length (bench/audio.py renders those) in half the time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from audio import codec
from audio.mix import layers
from audio.tracks import Guide, Recipe
from content import Content
from guided.engine.routines import routine_timeline, single
from tests.audio.measure import loudness, onsets, true_peak_db

SCALE = 0.5
LANGUAGES = ("en", "ru")
FORMATS = ("ogg", "mp3")


def plan_starts(content: Content) -> tuple[list[float], float]:
    """The plan's own beat starts and length, from the engine's timeline."""
    timeline = routine_timeline(content, "quick", 0, content.progression.levels, SCALE)
    starts = np.cumsum([0.0] + [beat.duration for beat in timeline.beats])
    return list(starts[:-1]), float(starts[-1])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", FORMATS)
def test_the_track_lasts_the_plan_and_is_normalised(
    guide: Guide, content: Content, language: str, kind: str
) -> None:
    path = guide.render(Recipe("quick", 0, language, scale=SCALE, format=kind))  # type: ignore[arg-type]
    samples, rate = codec.read(path)  # the file decodes
    _, plan = plan_starts(content)
    assert rate == 48_000
    assert abs(len(samples) / rate - plan) <= 0.5
    assert -17.0 <= loudness(samples, rate) <= -15.0
    assert true_peak_db(samples) <= -1.0


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", FORMATS)
def test_every_voice_cue_is_heard_at_its_beat(
    guide: Guide, content: Content, language: str, kind: str
) -> None:
    """The voice alone (tones off, so a tone's start cannot pass for the voice's), decoded:
    each sound that starts after a silence starts within 50 ms of a beat of the plan, and every
    beat the guide speaks at has one; the closing words end as the plan ends."""
    recipe = Recipe("quick", 0, language, scale=SCALE, tones=False, format=kind)  # type: ignore[arg-type]
    samples, rate = codec.read(guide.render(recipe))
    starts, plan = plan_starts(content)
    heard = onsets(samples, rate)
    spoken = [starts[cue.beat] for cue in guide.script(recipe).cues if not cue.closing]
    assert len(spoken) > 20
    for beat in spoken:
        nearest = min(heard, key=lambda onset: abs(onset - beat))
        assert abs(nearest - beat) <= 0.05, (
            f"nothing heard within 50 ms of the beat at {beat:.3f} s"
        )
    closing = [onset for onset in heard if onset > plan - 2.0]
    assert len(closing) == 1 and plan - closing[0] < 2.0
    for onset in heard:
        if onset not in closing:
            nearest = min(spoken, key=lambda beat: abs(onset - beat))
            assert abs(nearest - onset) <= 0.05, f"a sound at {onset:.3f} s is at no beat"
    last_sound = np.flatnonzero(np.abs(samples) > 10 ** (-50 / 20))[-1] / rate
    assert abs(last_sound - plan) <= 0.1


def test_the_track_starts_with_the_stop_sentence(guide: Guide, content: Content) -> None:
    """Every routine at every level, and an exercise's voice note: the first cue, at 0 s, opens
    with "If anything hurts, stop and tell me"."""
    routines = [*content.routines, single(next(iter(content.exercises)))]
    for language in LANGUAGES:
        for routine in routines:
            for level in range(content.progression.levels):
                script = guide.script(Recipe(routine, level, language))
                first = script.cues[0]
                assert first.start == 0.0 and first.phrases[0].key == "stop_if_it_hurts"
                assert all(cue.start > 0.0 for cue in script.cues[1:])


def envelope_db(samples: np.ndarray, rate: int) -> np.ndarray:
    frame = rate // 100  # 10 ms
    count = len(samples) // frame
    frames = samples[: count * frame].reshape(count, frame).astype(np.float64)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1e-10)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_first_words_heard_are_the_stop_sentence(guide: Guide, language: str) -> None:
    """In the decoded track (the voice alone), the opening is the stop sentence's own clip:
    their loudness envelopes match, from the first 10 ms on."""
    recipe = Recipe("quick", 0, language, scale=SCALE, tones=False, format="mp3")
    samples, rate = codec.read(guide.render(recipe))
    clip = guide._clip(guide.phrases.books[language]["stop_if_it_hurts"])
    heard, said = envelope_db(samples[: len(clip)], rate), envelope_db(clip, rate)
    assert said.size > 50  # a sentence, not a blip
    assert np.corrcoef(heard, said)[0, 1] > 0.9
    assert heard[0] > -50.0  # sound from the very start


def test_the_voice_is_well_above_the_tones(guide: Guide) -> None:
    """Where the voice speaks, it is at least 10 dB louder than the tones under it."""
    script = guide.script(Recipe("quick", 0, "en", scale=SCALE))
    voice, tones = layers(script, guide._clip)
    speaking = np.abs(voice) > 1e-3
    voice_db = 10 * np.log10(np.mean(voice[speaking] ** 2))
    tones_db = 10 * np.log10(np.mean(tones[speaking] ** 2) + 1e-12)
    assert voice_db - tones_db >= 10.0, (voice_db, tones_db)


def test_the_bot_starts_without_the_sound_libraries() -> None:
    """Tracks are made in worker processes: the bot's own process never loads numpy, scipy or
    libsndfile (scipy.signal alone took 2.6 s of the bot's start and tens of MB)."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, bot; print(' '.join(m for m in ('numpy', 'scipy', 'soundfile')"
            " if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    assert loaded.stdout.strip() == ""
