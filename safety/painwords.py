"""Hears what a message means about pain: a report, a denial, or a word that may be either.

Each language lists its words in content/locales (`pain.*`): pain words, words that are unclear
(the normal pull of a stretch, or pain: "tight", «тянет»), phrases that never count, negation
cues before and after a word ("no pain", «боли нет») with the few words that may stand between
them, words that soften a denial into a question ("not much"), words of doubt ("maybe"), clause
breaks ("but"), and the words for a leg and for numbness or weakness. A morphology library
reduces every word to its base forms first, so inflected forms need no listing.

The rules, safest first (see safety/README.md):
- a pain word that is not negated is a report; numbness or weakness with a leg is one too, and
  brings the emergency questions;
- a negation reaches a word only across the listed in-between words and within its clause, so
  "no pain, but my knee hurts" and "I can't stand the pain" are reports;
- a denial with a softener or a doubt ("not much pain", «почти не болит»), an unclear word, or a
  report with a doubt ("maybe it hurts") is unclear: the person is asked;
- only a message whose every pain or unclear word is negated is a denial.

Pure and thread-safe: no I/O, and a lexicon never changes once built.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any, Protocol

import snowballstemmer

PREFIX = "pain."
# The lists of a language, by their key under `pain.` in content/locales; (key, what it is).
LISTS: dict[str, str] = {
    "words": "the words that report pain",
    "not_pain": "phrases that never count as pain",
    "unclear": "words that may be a stretch's normal feeling or pain (asked: does it hurt?)",
    "negations": 'negation cues before a word ("no", "not")',
    "negations_after": 'negation cues after a word ("gone", «нет»)',
    # Asked, never a denial: "stopped hurting" and "make it stop hurting" share their stems.
    "eased": 'phrases that may say a pain stopped ("stopped hurting", «перестало болеть»): asked',
    "gaps": "words that may stand between a negation cue and the word it negates",
    "softeners": 'words that make a denial unclear ("much": "not much pain")',
    "unsure": 'words of doubt that make a report or a denial unclear ("maybe")',
    "breaks": 'words that end a clause ("but"): a negation does not reach past them',
    "legs": "words for a leg (numbness or weakness of a leg brings the emergency questions)",
    "nerve": "words for numbness, tingling or weakness",
}
WORDS_KEY = PREFIX + "words"
NOT_PAIN_KEY = PREFIX + "not_pain"
REQUIRED = frozenset({"words", "unclear", "negations", "legs", "nerve"})  # never empty
# The lists' keys whose text may be empty ("" for none).
MAY_BE_EMPTY = frozenset(PREFIX + name for name in LISTS if name not in REQUIRED)

# Languages whose words pymorphy3 reduces to dictionary lemmas (it needs pymorphy3-dicts-<code>).
# Snowball's Russian stemmer cannot: ноет/ноют, болею, немеет keep stems unlike their infinitives.
MORPHOLOGY = frozenset({"ru"})
CACHE_SIZE = 16_384  # distinct words remembered per analyzer: a few MB when full

WORD = re.compile(r"[^\W\d_]+")  # a run of letters, in any script
# Punctuation that ends a clause; a hyphen does not ("pain-free" is one thought).
CLAUSE_END = re.compile(r"[.!?;:,…()\[\]\n\r\t\"«»“”—–]+| - ")
# Stress marks are dropped (бо́льно is больно); ё is written е as often as not; ’ is '.
FOLD = str.maketrans({"\u0300": None, "\u0301": None, "ё": "е"})


def tokens(text: str) -> list[str]:
    """The words of a text: letters only, case-folded, ё as е, stress marks dropped."""
    return WORD.findall(_fold(text))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().translate(FOLD)


def clauses(text: str) -> list[list[str]]:
    """The words of a text, clause by clause (split at punctuation that ends a clause)."""
    found = (WORD.findall(part) for part in CLAUSE_END.split(_fold(text)))
    return [words for words in found if words]


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
Span = tuple[int, int]  # (start, end) of a phrase in a clause's words
NOTHING: frozenset[str] = frozenset()


class PhraseIndex:
    """Phrases, found by the base forms of their first word."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        self._by_first: dict[str, list[Phrase]] = {}
        for phrase in phrases:
            for key in phrase[0]:
                self._by_first.setdefault(key, []).append(phrase)

    def letters(self) -> frozenset[str]:
        """Every letter of these phrases' base forms."""
        return frozenset(
            c
            for found in self._by_first.values()
            for phrase in found
            for keys in phrase
            for c in "".join(keys)
        )

    def spans(self, forms: Sequence[frozenset[str]]) -> Iterator[Span]:
        """(start, end) of each phrase found in a clause, given the forms of its words."""
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


class Meaning(StrEnum):
    """What a message means about pain, safest first."""

    PAIN = "pain"  # a report: stop, warn, record
    UNCLEAR = "unclear"  # may be pain: ask "does it hurt?" (a session pauses meanwhile)
    DENIAL = "denial"  # says there is no pain: no warning, no report
    NONE = "none"  # nothing about pain


RANK = {meaning: rank for rank, meaning in enumerate(Meaning)}


@dataclass(frozen=True)
class Heard:
    """What a message means, and whether it tells of numbness or weakness in a leg."""

    meaning: Meaning
    leg_nerve: bool = False  # brings the emergency questions


NOTHING_HEARD = Heard(Meaning.NONE)


@dataclass(frozen=True)
class Vocabulary:
    """One language's lists (keys of LISTS, each a list of words and phrases) and its analyzer."""

    analyzer: Analyzer
    lists: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, analyzer: Analyzer, texts: Mapping[str, str]) -> Vocabulary:
        """From a language's flat texts (`pain.words` -> "hurt|pain|…")."""
        return cls(analyzer, {name: entries(texts.get(PREFIX + name, "")) for name in LISTS})


class _Language:
    """One language's lists as phrase indexes, and the in-between words as base forms."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.analyzer = vocabulary.analyzer
        self.index = {
            name: PhraseIndex(phrases(self.analyzer, vocabulary.lists.get(name, ())))
            for name in LISTS
        }
        # A word sharing no letter with these phrases is of another script and cannot match
        # them: it is not analysed, which halves the work on a word seen for the first time.
        self.letters = frozenset().union(*(index.letters() for index in self.index.values()))

    def hear(self, clause_words: Sequence[Sequence[str]]) -> Heard:
        meaning, nerve, legs = Meaning.NONE, False, False
        for words in clause_words:
            forms = [
                NOTHING if self.letters.isdisjoint(word) else self.analyzer.forms(word)
                for word in words
            ]
            found = {name: list(index.spans(forms)) for name, index in self.index.items()}
            legs = legs or bool(found["legs"])
            cancelled, eased = found["not_pain"], found["eased"]
            unsure = bool(found["unsure"])
            for kind in ("words", "unclear", "nerve"):
                for span in found[kind]:
                    if kind == "words" and _inside(span, cancelled):
                        continue
                    said = self._judge(span, kind, found, unsure, _around(span, eased))
                    if said is Meaning.PAIN and kind == "nerve":
                        nerve = True
                        continue  # a leg decides below whether numbness is a report
                    if RANK[said] < RANK[meaning]:
                        meaning = said
        if nerve and legs:
            return Heard(Meaning.PAIN, leg_nerve=True)
        return Heard(meaning)

    def _judge(
        self,
        span: Span,
        kind: str,
        found: dict[str, list[Span]],
        unsure: bool,
        eased: Span | None,
    ) -> Meaning:
        if eased is not None:  # "it stopped hurting": asked, so nothing false is recorded or
            # missed; "it won't stop hurting" (the phrase negated) is a report
            return Meaning.PAIN if self._negated(eased, found)[0] else Meaning.UNCLEAR
        negated, softened = self._negated(span, found)
        if negated:
            return Meaning.UNCLEAR if softened or unsure else Meaning.DENIAL
        if kind == "unclear" or unsure:
            return Meaning.UNCLEAR
        return Meaning.PAIN

    def _negated(self, span: Span, found: dict[str, list[Span]]) -> tuple[bool, bool]:
        """Whether a word is negated (a cue reaches it across in-between words), and softened."""
        start, end = span
        between = {at for gap in found["gaps"] for at in range(*gap)}
        softening = {at for soft in found["softeners"] for at in range(*soft)}
        breaks = {at for brk in found["breaks"] for at in range(*brk)}

        def reaches(first: int, last: int) -> bool:
            gap = range(first, last)
            return not any(at in breaks for at in gap) and all(
                at in between or at in softening for at in gap
            )

        for _, cue_end in found["negations"]:
            if cue_end <= start and reaches(cue_end, start):
                near = range(cue_end, start)
                after = _words_after(end, breaks, between | softening)
                return True, any(at in softening for at in (*near, *after))
        for cue_start, _ in found["negations_after"]:
            if cue_start >= end and reaches(end, cue_start):
                return True, any(at in softening for at in range(end, cue_start))
        return False, False


def _inside(span: Span, cancelled: Sequence[Span]) -> bool:
    return _around(span, cancelled) is not None


def _around(span: Span, phrases: Sequence[Span]) -> Span | None:
    """The first of `phrases` that holds the word, if any."""
    first, last = span
    return next(((start, end) for start, end in phrases if start <= first and last <= end), None)


def _words_after(end: int, breaks: set[int], allowed: set[int]) -> list[int]:
    """The positions right after a negated word that may still qualify it ("hurt much")."""
    after = []
    at = end
    while at in allowed and at not in breaks:
        after.append(at)
        at += 1
    return after


class PainLexicon:
    """The pain words of every language, each applied to every message (people mix languages)."""

    def __init__(self, vocabularies: Iterable[Vocabulary]) -> None:
        self._languages = [_Language(vocabulary) for vocabulary in vocabularies]

    @classmethod
    def from_texts(
        cls, texts: Mapping[str, Mapping[str, str]], names: Mapping[str, str]
    ) -> PainLexicon:
        """The lexicon of each language's flat texts (code -> key -> text) and English name."""
        return cls(
            Vocabulary.of(analyzer_for(code, names[code]), flat) for code, flat in texts.items()
        )

    def hear(self, text: str) -> Heard:
        """What a message means about pain, in the language that hears the most in it."""
        split = clauses(text)
        if not split:
            return NOTHING_HEARD
        heard = (language.hear(split) for language in self._languages)
        return min(heard, key=lambda h: (RANK[h.meaning], not h.leg_nerve), default=NOTHING_HEARD)

    def matches(self, text: str) -> bool:
        """Whether a message reports pain (a report, not a denial, nor an unclear word)."""
        return self.hear(text).meaning is Meaning.PAIN


def word_problems(code: str, name: str, texts: Mapping[str, str]) -> list[tuple[str, str]]:
    """(key, reason) for what is wrong with a language's pain lists: an empty required list, an
    entry without letters or with a word its analyzer does not know, a pain word that never
    counts, an unclear word heard as something else."""
    analyzer = analyzer_for(code, name)
    found: list[tuple[str, str]] = []
    vocabulary = Vocabulary.of(analyzer, texts)
    for list_name, listed in vocabulary.lists.items():
        key = PREFIX + list_name
        if list_name in REQUIRED and not listed:
            found.append(
                (key, f"list at least one word or phrase, separated by | ({LISTS[list_name]})")
            )
        for entry in listed:
            if not tokens(entry):
                found.append((key, f"{entry!r} has no letters"))
            for word in tokens(entry):
                problem = analyzer.problem(word)
                if problem:
                    where = "" if tokens(entry) == [word] else f"{entry!r}: "
                    found.append((key, f"{where}{word!r} {problem}"))
    lexicon = PainLexicon([vocabulary])
    for list_name, wanted in (("words", Meaning.PAIN), ("unclear", Meaning.UNCLEAR)):
        for entry in vocabulary.lists[list_name]:
            if not tokens(entry):
                continue
            heard = lexicon.hear(entry).meaning
            if heard is not wanted:
                why = (
                    f"{NOT_PAIN_KEY} cancels it"
                    if heard is Meaning.NONE
                    else f"it is heard as {heard.value}"
                )
                found.append(
                    (PREFIX + list_name, f"{entry!r} never counts as {wanted.value}: {why}")
                )
    return found


def lexicon_problems(
    texts: Mapping[str, Mapping[str, str]], names: Mapping[str, str], default: str
) -> list[tuple[str, str, str]]:
    """(language, key, reason) for each problem with the pain lists of every language's flat
    texts (code -> key -> text; `names`: each code's English name, which picks its analyzer):
    a list missing from the `default` language, an empty required list, or a word its
    language's analyzer does not recognise. The content loader runs it (passed in by bot.py)."""
    if not any(WORDS_KEY in flat for flat in texts.values()):
        return []  # stand-in texts with no pain words at all (the bot itself needs them)
    found: list[tuple[str, str, str]] = []
    reference = texts.get(default)
    for name, what in LISTS.items():
        key = PREFIX + name
        if reference is not None and key not in reference:
            empty = "" if name in REQUIRED else ' ("" for none)'
            found.append((default, key, f"missing: {what}{empty}, separated by |"))
    for code, flat in texts.items():
        if WORDS_KEY in flat:  # else reported as missing, here or against the default language
            for key, reason in word_problems(code, names[code], flat):
                found.append((code, key, reason))
    return found


__all__ = [
    "LISTS",
    "MAY_BE_EMPTY",
    "NOT_PAIN_KEY",
    "PREFIX",
    "WORDS_KEY",
    "Analyzer",
    "Heard",
    "Meaning",
    "PainLexicon",
    "Vocabulary",
    "analyzer_for",
    "clauses",
    "entries",
    "lexicon_problems",
    "tokens",
    "word_problems",
]
