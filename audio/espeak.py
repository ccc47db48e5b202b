"""eSpeak NG (Debian's `espeak-ng`) as the speech engine of `make voices`; never used at run time.

eSpeak NG reads no stress marks in text (1.51), so a word whose "+" disagrees with eSpeak's own
stress is handed over in eSpeak's phoneme notation ("[[...]]") with the stress moved: its
dictionary is right for most words, and the mark settles the rest.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import numpy as np

from audio import codec
from content.phrases import STRESS, WORD

ENGINE = "espeak-ng"
WORDS_PER_MINUTE = 150  # calm, unhurried; changing it calls for `make voices FORCE=1`
LETTER_VOWELS = "аеёиоуыэюя"
PHONEME_VOWELS = set("aAoeEiIyuV@8")
EPENTHETIC = "@-"  # eSpeak's short schwa inside a consonant cluster: not a syllable
STRESSED = {"а": "a", "я": "a", "о": "o", "ё": "o", "у": "u", "ю": "u", "ы": "y"}
STRESSED |= {"и": "i", "е": "e", "э": "E"}
UNSTRESSED = {"а": "V", "о": "V", "я": "I", "е": "I", "и": "I", "э": "I"}


class EngineMissing(RuntimeError):
    """espeak-ng is not installed (apt-get install espeak-ng)."""


def _run(*arguments: str, text: str) -> bytes:
    if shutil.which(ENGINE) is None:
        raise EngineMissing("make voices needs espeak-ng: apt-get install espeak-ng")
    done = subprocess.run([ENGINE, *arguments, text], capture_output=True, check=True)
    return done.stdout


def phonemes(word: str, voice: str) -> str:
    """eSpeak's phonemes of one word ("v'ydVx")."""
    return _run("-v", voice, "-q", "-x", text=word).decode().strip()


def _vowel_positions(spelled: str) -> list[int]:
    positions, index = [], 0
    while index < len(spelled):
        if spelled.startswith(EPENTHETIC, index):
            index += len(EPENTHETIC)
            continue
        if spelled[index] in PHONEME_VOWELS:
            positions.append(index)
        index += 1
    return positions


def restressed(word: str, spelled: str) -> str | None:
    """eSpeak's phonemes `spelled` of `word` (marked "В+ыдох") with the stress where the mark
    says, or None when eSpeak already stresses that vowel; ValueError when the vowels of the
    spelling and of the word do not line up."""
    plain = word.replace(STRESS, "").lower()
    letters = [char for char in plain if char in LETTER_VOWELS]
    wanted = sum(char in LETTER_VOWELS for char in word[: word.index(STRESS)].lower())
    clean = spelled.replace("'", "").replace(",", "")
    vowels = _vowel_positions(clean)
    if len(vowels) != len(letters):
        raise ValueError(f"cannot line up {word!r} with eSpeak's {spelled!r}")
    stressed_now = len(_vowel_positions(spelled.split("'")[0].replace(",", "")))
    if stressed_now == wanted:
        return None
    symbols = list(clean)
    if stressed_now < len(letters):
        symbols[vowels[stressed_now]] = UNSTRESSED.get(
            letters[stressed_now], symbols[vowels[stressed_now]]
        )
    symbols[vowels[wanted]] = "'" + STRESSED[letters[wanted]]
    return "".join(symbols)


def engine_text(text: str, voice: str) -> str:
    """The text as eSpeak should read it: marks dropped, a word eSpeak would stress elsewhere
    given as phonemes."""

    def word(match: re.Match[str]) -> str:
        found = match.group()
        plain = found.replace(STRESS, "")
        if STRESS not in found:
            return plain
        moved = restressed(found, phonemes(plain, voice))
        return plain if moved is None else f"[[{moved}]]"

    return WORD.sub(word, text)


def speak(text: str, voice: str) -> tuple[np.ndarray, int]:
    """The engine's recording of a text: mono float samples and their rate."""
    wav = _run("-v", voice, "-s", str(WORDS_PER_MINUTE), "--stdout", text=engine_text(text, voice))
    return codec.read(io.BytesIO(wav))
