"""A picture of a track, to look at what cannot be heard here:

    python -m audio.spectrogram [--routine quick] [--level 0] [--language en]
                                [--seconds 60] [--out spectrogram.png]

The recipe's track (MP3, as sendAudio sends it) is rendered into a temporary cache, decoded
again, and drawn: its waveform above, its spectrogram below (0-8 kHz, dB), a line at each
exercise's start. Voice shows as broadband stripes with formants, the breathing glides as thin
rising and falling lines, the chimes as short stacks of harmonics.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from scipy.signal import spectrogram

from audio import codec
from audio.tracks import Guide, Recipe
from content import load_content

TOP_HZ = 8000


def draw(path: Path, out: Path, seconds: float, starts: list[tuple[float, str]]) -> None:
    """The first `seconds` of a sound file as a waveform and a spectrogram, in a PNG."""
    samples, rate = codec.read(path)
    samples = samples[: int(seconds * rate)]
    times = np.arange(len(samples)) / rate
    freqs, frames, power = spectrogram(samples, rate, nperseg=2048, noverlap=1536)
    keep = freqs <= TOP_HZ
    level = 10 * np.log10(power[keep] + 1e-12)
    figure, (wave, spectrum) = plt.subplots(
        2,
        1,
        figsize=(14, 7),
        sharex=True,
        gridspec_kw={"height_ratios": [1, 3]},
        layout="constrained",
    )
    wave.plot(times, samples, linewidth=0.3, color="#334")
    wave.set_ylabel("amplitude")
    wave.set_ylim(-1, 1)
    top = level.max()
    mesh = spectrum.pcolormesh(
        frames, freqs[keep], level, shading="auto", cmap="magma", vmin=top - 80, vmax=top
    )
    figure.colorbar(mesh, ax=[wave, spectrum], label="dB")  # both panels keep one time axis
    for start, title in starts:
        if start <= seconds:
            for axis in (wave, spectrum):
                axis.axvline(start, color="#3c9", linewidth=0.8)
            spectrum.text(start, TOP_HZ * 0.97, f" {title}", color="#3c9", va="top", fontsize=8)
    spectrum.set_ylabel("Hz")
    spectrum.set_xlabel("seconds")
    wave.set_title(path.name)
    figure.savefig(out, dpi=110)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description="Draw a track's waveform and spectrogram.")
    parser.add_argument("--routine", default="quick")
    parser.add_argument("--level", type=int, default=0)
    parser.add_argument("--language", default="en")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=Path("spectrogram.png"))
    arguments = parser.parse_args()
    recipe = Recipe(arguments.routine, arguments.level, arguments.language, format="mp3")
    with tempfile.TemporaryDirectory(prefix="spectrogram-") as cache:
        guide = Guide(load_content(), Path(cache))
        path = guide.render(recipe)
        starts = [(chapter.start, chapter.title) for chapter in guide.chapters(recipe)]
        draw(path, arguments.out, arguments.seconds, starts)
    print(f"{arguments.out}: the first {arguments.seconds:.0f} s of {recipe}")


if __name__ == "__main__":
    main()
