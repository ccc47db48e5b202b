"""Finding an exercise by what a person types: any language, any case, small typos."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content import Content, load_content
from content.lookup import normalize
from tests.content.conftest import build_copy

SHIPPED_TITLES = {
    "breathing": {"en": "Rib-to-hip breathing", "ru": "Дыхание «рёбра — таз»"},
    "bird_dog": {"en": "Bird dog", "ru": "«Птица-собака»"},
}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Content:
    return load_content(build_copy(tmp_path_factory.mktemp("lookup")))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bird dog", "bird_dog"),
        ("Bird-Dog", "bird_dog"),
        ("brid dog", "bird_dog"),
        ("BIRD_DOG", "bird_dog"),
        ("  bird   dog ", "bird_dog"),
        ("кошка", "cat_cow"),
        ("кошка сидя", "seated_cat_cow"),
        ("cat-cow", "cat_cow"),
        ("seated cat cow", "seated_cat_cow"),
        ("птица собака", "bird_dog"),
        ("скручивание лежа", "lying_twist"),
        ("Скручивание лёжа", "lying_twist"),
        ("chair twist", "chair_twist"),
        ("low lunge", "low_lunge"),
        ("hip flexor stretch", "low_lunge"),
        ("присед", "deep_squat"),
        ("cobra", "baby_cobra"),
        ("breathing", "breathing"),
    ],
)
def test_found_by_title_or_id_in_any_language(library: Content, query: str, expected: str) -> None:
    found = library.find_exercise(query, "en")
    assert found is not None and found.id == expected


@pytest.mark.parametrize(
    "query", ["headstand", "push-ups", "neck stretch", "yoga", "x", "", "   ", "!!!"]
)
def test_an_unknown_name_finds_nothing(library: Content, query: str) -> None:
    assert library.find_exercise(query, "en") is None


@given(data=st.data())
def test_any_id_in_any_case_with_any_separator(library: Content, data: st.DataObject) -> None:
    exercise_id = data.draw(st.sampled_from(sorted(library.exercises)))
    separator = data.draw(st.sampled_from([" ", "-", "_", "  "]))
    words = [
        data.draw(st.sampled_from([word, word.upper(), word.capitalize()]))
        for word in exercise_id.split("_")
    ]
    found = library.find_exercise(separator.join(words), data.draw(st.sampled_from(["en", "ru"])))
    assert found is not None and found.id == exercise_id


def test_every_title_with_one_slip_of_the_finger_is_still_found(library: Content) -> None:
    """Every two neighbouring letters swapped, and every character dropped, in every title."""
    missed = []
    for exercise in library.exercises.values():
        for language, title in exercise.title.items():
            text = normalize(title)
            for spot in range(len(text) - 1):
                typos = [text[:spot] + text[spot + 1 :]]
                if text[spot].isalpha() and text[spot + 1].isalpha():
                    typos.append(text[:spot] + text[spot + 1] + text[spot] + text[spot + 2 :])
                for typo in typos:
                    found = library.find_exercise(typo, language)
                    if found is None or found.id != exercise.id:
                        missed.append((typo, found and found.id))
    assert missed == []


def test_normalize() -> None:
    assert normalize("«Птица-Собака»") == "птица собака"
    assert normalize("Rib-to-hip  BREATHING!") == "rib to hip breathing"
    assert normalize("Скручивание лёжа") == "скручивание лежа"


def test_shipped_titles_used_above(library: Content) -> None:
    for exercise_id, titles in SHIPPED_TITLES.items():
        assert library.exercises[exercise_id].title == titles
