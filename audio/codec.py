"""Reading and writing sound files through soundfile (libsndfile): Ogg Opus and MP3.

The one place that knows soundfile's private loading: the soundfile wheel bundles its own
libsndfile, built without the speed-ups of the system's (Debian's libsndfile1 with libopus and
LAME): bench/audio.py measured the bundled one about 3x slower to encode (a 5-minute track: Opus
8.7 s against 3.0 s, MP3 2.4 s against 0.7 s). So the system library is preferred when it writes
both formats; the bundled one is used otherwise. `tests/audio/test_codec.py` fails loudly if
soundfile moves the name this relies on.
"""

from __future__ import annotations

import ctypes.util
import sys
from pathlib import Path
from typing import BinaryIO, Literal

import numpy as np

BUNDLED = "_soundfile_data"  # soundfile imports its bundled library from this package
MP3_SINCE = (1, 1)  # libsndfile writes MP3 from 1.1.0 on (Opus from 1.0.29)


def _system_library_fits() -> bool:
    """Whether the system's libsndfile writes MP3 and Opus (its version, without loading
    soundfile)."""
    name = ctypes.util.find_library("sndfile")
    if name is None:
        return False
    try:
        library = ctypes.CDLL(name)
    except OSError:
        return False
    library.sf_version_string.restype = ctypes.c_char_p
    version = library.sf_version_string().decode().removeprefix("libsndfile-")
    numbers = tuple(int(part) for part in version.split(".")[:2] if part.isdigit())
    return numbers >= MP3_SINCE


if "soundfile" not in sys.modules and _system_library_fits():
    sys.modules.setdefault(BUNDLED, None)  # type: ignore[arg-type]  # ImportError: use the system's

import soundfile  # noqa: E402

Kind = Literal["ogg", "mp3"]
FORMATS: dict[str, tuple[str, str]] = {"ogg": ("OGG", "OPUS"), "mp3": ("MP3", "MPEG_LAYER_III")}
LIBRARY = soundfile.__libsndfile_version__
SYSTEM_LIBRARY = sys.modules.get(BUNDLED, None) is None  # False: the wheel's slower copy


def write(path: Path, samples: np.ndarray, rate: int, kind: Kind, level: float) -> None:
    """Write mono samples as Ogg Opus or MP3 at a compression level (0 best .. 1 smallest),
    atomically: a file under its final name is always whole."""
    container, subtype = FORMATS[kind]
    partial = path.with_name(path.name + ".part")
    soundfile.write(
        partial, samples, rate, format=container, subtype=subtype, compression_level=level
    )
    partial.replace(path)


def read(path: Path | BinaryIO) -> tuple[np.ndarray, int]:
    """A file's samples (float32, mono mixed down) and its rate."""
    samples, rate = soundfile.read(path, dtype="float32", always_2d=True)
    return samples.mean(axis=1), rate
