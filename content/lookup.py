"""Finds an exercise by a name a person types: any language, any case, small typos forgiven."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from content.schema import Exercise

MATCH_CUTOFF = 80  # WRatio: "brid dog" scores 88 against "bird dog"; "yoga" 60 against it
WORD_CUTOFF = 60  # each word typed must roughly appear: "neck stretch" is not "hip flexor stretch"
MIN_QUERY_LENGTH = 2


def normalize(text: str) -> str:
    """Lowercase words without punctuation or quotes: "«Bird-dog»" -> "bird dog"."""
    folded = text.lower().replace("ё", "е")
    return " ".join(re.sub(r"[\W_]+", " ", folded).split())


@dataclass(frozen=True)
class Name:
    """One way to call an exercise: its id or a title (or part of one) in some language."""

    text: str
    exercise_id: str
    language: str  # "" for the id


def names_of(exercises: Iterable[Exercise]) -> list[Name]:
    """Every searchable name: ids, titles, and titles without their (parenthesised) part."""
    names = []
    for exercise in exercises:
        names.append(Name(normalize(exercise.id), exercise.id, ""))
        for language, title in exercise.title.items():
            variants = {title, re.sub(r"\(.*?\)", "", title), *re.findall(r"\((.*?)\)", title)}
            names.extend(
                Name(normalize(variant), exercise.id, language)
                for variant in variants
                if normalize(variant)
            )
    return names


def best_match(names: list[Name], order: dict[str, int], query: str, language: str) -> str | None:
    """The id of the exercise whose name is closest to the query, or None if nothing is close."""
    wanted = normalize(query)
    if len(wanted) < MIN_QUERY_LENGTH:
        return None
    words = [word for word in wanted.split() if len(word) >= 3]
    candidates = []
    for text, score, index in process.extract(
        wanted,
        [name.text for name in names],
        scorer=fuzz.WRatio,
        score_cutoff=MATCH_CUTOFF,
        limit=None,
    ):
        if all(fuzz.partial_ratio(word, text) >= WORD_CUTOFF for word in words):
            name = names[index]
            # Ties ("кошка" is in both cat/cow titles): the closer whole name, then the
            # user's language, then the library order.
            rank = (score, fuzz.ratio(wanted, text), name.language == language)
            candidates.append((rank, -order[name.exercise_id], name.exercise_id))
    if not candidates:
        return None
    return max(candidates)[2]
