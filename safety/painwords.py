"""Hears pain in everyday words: each language's pain words (content/locales, `pain.words`),
matched after a morphology library has reduced every word of a message to its base forms.

Pure and thread-safe: no I/O, and a lexicon never changes once built.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Protocol

import snowballstemmer

if TYPE_CHECKING:
    from content import Content

WORDS_KEY = "pain.words"
NOT_PAIN_KEY = "pain.not_pain"
# Languages whose words pymorphy3 reduces to dictionary lemmas (it needs pymorphy3-dicts-<code>).
# Snowball's Russian stemmer cannot: ноет/ноют, болею, немеет keep stems unlike their infinitives.
MORPHOLOGY = frozenset({"ru"})
CACHE_SIZE = 16_384  # distinct words remembered per analyzer: a few MB when full

WORD = re.compile(r"[^\W\d_]+")  # a run of letters, in any script
# Stress marks are dropped (бо́льно is больно); ё is written е as often as not.
FOLD = str.maketrans({"\u0300": None, "\u0301": None, "ё": "е"})


def tokens(text: str) -> list[str]:
    """The words of a text: letters only, case-folded, ё as е, stress marks dropped."""
    return WORD.findall(unicodedata.normalize("NFKC", text).casefold().translate(FOLD))


def entries(text: str) -> list[str]:
    """The entries of a "|"-separated list of words and phrases."""
    return [entry.strip() for entry in text.split("|") if entry.strip()]


class Analyzer(Protocol):
    """Reduces a word to the base forms it may stand for."""

    def forms(self, token: str) -> frozenset[str]:
        """Every base form a word of a message may be (a folded token, see tokens())."""
        ...

    def keys(self, word: str) -> frozenset[str]:
        """The base forms a word of the lexicon is matched by (any one of them is enough)."""
        ...

    def problem(self, word: str) -> str | None:
        """Why the analyzer does not recognise a word of the lexicon ("is not ..."), or None."""
        ...


class Exact:
    """A language with no analyzer: its words match only as written."""

    def forms(self, token: str) -> frozenset[str]:
        return frozenset((token,))

    def keys(self, word: str) -> frozenset[str]:
        return frozenset((word,))

    def problem(self, word: str) -> str | None:
        return None


class Stemmer:
    """Snowball stems: hurts, hurting, hurt -> hurt; aches, aching, ached -> ach."""

    def __init__(self, algorithm: str) -> None:
        self._stemmer = snowballstemmer.stemmer(algorithm)
        self._lock = threading.Lock()  # a Snowball stemmer keeps the word it works on in itself
        self._forms: Callable[[str], frozenset[str]] = lru_cache(maxsize=CACHE_SIZE)(self._stem)

    def _stem(self, token: str) -> frozenset[str]:
        with self._lock:
            return frozenset((self._stemmer.stemWord(token),))

    def forms(self, token: str) -> frozenset[str]:
        return self._forms(token)

    def keys(self, word: str) -> frozenset[str]:
        return self._forms(word)

    def problem(self, word: str) -> str | None:
        return None if all(self._forms(word)) else "has no stem"


class Morphology:
    """pymorphy3 lemmas from every parse of a word, so a homograph is never missed:
    ноет, ноют -> ныть; боли -> боль and болеть; онемела -> онеметь and онемелый."""

    def __init__(self, language: str) -> None:
        import pymorphy3  # loaded only for a language that needs it

        # It announces loading its dictionary at INFO on every start: nothing anyone acts on.
        logging.getLogger("pymorphy3").setLevel(logging.WARNING)
        self._analyzer: Any = pymorphy3.MorphAnalyzer(lang=language)
        self._lock = threading.Lock()
        self._lemmas: Callable[[str], frozenset[str]] = lru_cache(maxsize=CACHE_SIZE)(self._parse)

    def _parse(self, token: str) -> frozenset[str]:
        with self._lock:
            parses = self._analyzer.parse(token)
        return frozenset(parse.normal_form.translate(FOLD) for parse in parses)

    def forms(self, token: str) -> frozenset[str]:
        return self._lemmas(token) | {token}

    def keys(self, word: str) -> frozenset[str]:
        # A dictionary form stands for itself only (больно, not also больной); an inflected one,
        # as in the phrase "болеть за команду", for each of its lemmas.
        lemmas = self._lemmas(word)
        return frozenset((word,)) if word in lemmas else lemmas

    def problem(self, word: str) -> str | None:
        with self._lock:
            known = self._analyzer.word_is_known(word)
        return None if known else "is not in the dictionary (misspelt?)"


@cache
def analyzer_for(code: str, name: str) -> Analyzer:
    """The analyzer of a language (code and English name from languages.yaml): pymorphy3 for the
    languages of MORPHOLOGY, else the Snowball stemmer of that name, else exact words."""
    if code in MORPHOLOGY:
        return Morphology(code)
    algorithm = name.strip().lower()
    if algorithm not in snowballstemmer.algorithms():
        algorithm = algorithm.split(" ")[0]  # "Norwegian Bokmål" -> norwegian
    if algorithm in snowballstemmer.algorithms():
        return Stemmer(algorithm)
    return Exact()


Phrase = tuple[frozenset[str], ...]  # per word, the base forms that match it
NOTHING: frozenset[str] = frozenset()


class PhraseIndex:
    """Phrases, found by the base forms of their first word."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        self._by_first: dict[str, list[Phrase]] = {}
        for phrase in phrases:
            for key in phrase[0]:
                self._by_first.setdefault(key, []).append(phrase)

    def spans(self, forms: Sequence[frozenset[str]]) -> Iterator[tuple[int, int]]:
        """(start, end) of each phrase found in a message, given the forms of its words."""
        for start, first in enumerate(forms):
            for key in first:
                for phrase in self._by_first.get(key, ()):
                    end = start + len(phrase)
                    if end <= len(forms) and all(
                        not wanted.isdisjoint(forms[at])
                        for at, wanted in enumerate(phrase[1:], start + 1)
                    ):
                        yield start, end


def phrases(analyzer: Analyzer, texts: Iterable[str]) -> list[Phrase]:
    """Words and phrases as the base forms that match each of their words."""
    found = (tuple(analyzer.keys(word) for word in tokens(text)) for text in texts)
    return [phrase for phrase in found if phrase]


@dataclass(frozen=True)
class Vocabulary:
    """One language's pain words and the phrases that never count, with its analyzer."""

    analyzer: Analyzer
    words: Sequence[str]
    not_pain: Sequence[str] = ()


class PainLexicon:
    """The pain words of every language, each applied to every message (people mix languages)."""

    def __init__(self, vocabularies: Iterable[Vocabulary]) -> None:
        self._languages: list[tuple[Analyzer, frozenset[str], PhraseIndex, PhraseIndex]] = []
        for vocabulary in vocabularies:
            pain = phrases(vocabulary.analyzer, vocabulary.words)
            never = phrases(vocabulary.analyzer, vocabulary.not_pain)
            # A word sharing no letter with these phrases is of another script and cannot match
            # them: it is not analysed, which halves the work on a word seen for the first time.
            letters = frozenset(
                c for phrase in pain + never for keys in phrase for c in "".join(keys)
            )
            self._languages.append(
                (vocabulary.analyzer, letters, PhraseIndex(pain), PhraseIndex(never))
            )

    @classmethod
    def from_content(cls, content: Content) -> PainLexicon:
        """The lexicon of content/locales: `pain.words` and `pain.not_pain` of each language."""
        return cls(
            Vocabulary(
                analyzer_for(code, language.name),
                entries(content.text(code, WORDS_KEY)),
                entries(content.text(code, NOT_PAIN_KEY)),
            )
            for code, language in content.languages.items()
        )

    def matches(self, text: str) -> bool:
        """Whether a message speaks of pain: a pain word or phrase, as whole words, in any
        language and any inflection, that is not part of a phrase of `not_pain`."""
        words = tokens(text)
        if not words:
            return False
        found: list[tuple[int, int]] = []
        cancelled: list[tuple[int, int]] = []
        for analyzer, letters, pain, never in self._languages:
            forms = [
                NOTHING if letters.isdisjoint(word) else analyzer.forms(word) for word in words
            ]
            found.extend(pain.spans(forms))
            cancelled.extend(never.spans(forms))
        return any(
            not any(start <= first and last <= end for start, end in cancelled)
            for first, last in found
        )


def word_problems(code: str, name: str, words: str, not_pain: str) -> list[tuple[str, str]]:
    """(key, reason) for what is wrong with a language's pain words: an empty list, an entry
    without letters or with a word its analyzer does not know, or one that `not_pain` cancels."""
    analyzer = analyzer_for(code, name)
    found: list[tuple[str, str]] = []
    pain, never = entries(words), entries(not_pain)
    if not pain:
        found.append((WORDS_KEY, "list at least one word or phrase, separated by |"))
    for key, listed in ((WORDS_KEY, pain), (NOT_PAIN_KEY, never)):
        for entry in listed:
            if not tokens(entry):
                found.append((key, f"{entry!r} has no letters"))
            for word in tokens(entry):
                problem = analyzer.problem(word)
                if problem:
                    where = "" if tokens(entry) == [word] else f"{entry!r}: "
                    found.append((key, f"{where}{word!r} {problem}"))
    lexicon = PainLexicon([Vocabulary(analyzer, pain, never)])
    for entry in pain:
        if tokens(entry) and not lexicon.matches(entry):
            found.append((WORDS_KEY, f"{entry!r} never counts: {NOT_PAIN_KEY} cancels it"))
    return found


__all__ = [
    "NOT_PAIN_KEY",
    "WORDS_KEY",
    "Analyzer",
    "PainLexicon",
    "Vocabulary",
    "analyzer_for",
    "entries",
    "tokens",
    "word_problems",
]
