"""What audio/codec.py relies on in soundfile: the module name under which soundfile loads its
bundled libsndfile (hidden so that the system's, about 3x faster to encode, is used), and the
system's library chosen when it writes both MP3 and Opus."""

from __future__ import annotations

import ctypes
import ctypes.util
import inspect

import soundfile

from audio import codec


def system_version() -> str | None:
    name = ctypes.util.find_library("sndfile")
    if name is None:
        return None
    library = ctypes.CDLL(name)
    library.sf_version_string.restype = ctypes.c_char_p
    return str(library.sf_version_string().decode()).removeprefix("libsndfile-")


def test_soundfile_still_loads_its_bundled_library_by_the_name_codec_hides() -> None:
    assert f"import {codec.BUNDLED}" in inspect.getsource(soundfile)


def test_the_system_library_is_the_one_used_when_it_writes_mp3_and_opus() -> None:
    assert codec._system_library_fits() == (system_version() == codec.LIBRARY)
