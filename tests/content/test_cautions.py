"""The shipped cautions follow the product's pain rule, and the gentle plan is safe to offer.

The rule (source article and safety/README.md): any pain stops the exercise. Each exercise's first caution
says so and names the "It hurts" button; mild discomfort is never called normal without "stop if
it hurts" in the same sentence; the cautions stay short enough for the session's intro caption.
"""

from __future__ import annotations

import html
import re

import pytest

from content import Content, Exercise, load_content
from guided.engine.routines import SINGLE, exercise_id, routine_doses, routine_pace
from guided.engine.timeline import build_timeline
from guided.engine.timers import Live
from ui.guided import intro_caption

LANGUAGES = ("en", "ru")
# A caution says "stop if it hurts" when it has one word of each group (lowercase substrings).
STOP_WORDS = {"en": ("stop",), "ru": ("остановитесь", "прекратите")}
HURT_WORDS = {"en": ("hurt", "pain"), "ru": ("больно", "боль")}
# Words that call some discomfort acceptable: they never stand without "stop if it hurts".
DISCOMFORT = {"en": r"discomfort|\bnormal\b|\bfine\b", "ru": r"дискомфорт|нормально"}
# The old rule, stopping only on *sharp* pain, must not come back.
SHARP = {"en": "sharp", "ru": "резк"}
LEG_SIGNS = {
    "en": ("leg", "numbness", "tingling", "doctor or physiotherapist"),
    "ru": ("ногу", "онемение", "покалывание", "врача или реабилитолога"),
}
MAX_CAUTIONS = 4
MAX_CAUTION_CHARS = 125
MAX_CAUTIONS_TOTAL = 500  # characters of an exercise's cautions, per language
CAPTION_LIMIT = 1024  # Telegram's limit for a photo caption


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def says_stop_if_it_hurts(text: str, language: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in STOP_WORDS[language]) and any(
        word in lowered for word in HURT_WORDS[language]
    )


def sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?])\s+", text) if part]


def exercises(content: Content) -> list[Exercise]:
    assert content.exercises, "no exercises shipped"
    return list(content.exercises.values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_first_caution_says_stop_if_it_hurts_and_names_the_button(
    content: Content, language: str
) -> None:
    button = content.text(language, "routine.button_hurts")
    for exercise in exercises(content):
        first = exercise.cautions[language][0]
        assert says_stop_if_it_hurts(first, language), (exercise.id, language, first)
        assert button in first, (exercise.id, language, first)


@pytest.mark.parametrize("language", LANGUAGES)
def test_discomfort_is_never_called_normal_without_stop_if_it_hurts(
    content: Content, language: str
) -> None:
    for exercise in exercises(content):
        for caution in exercise.cautions[language]:
            for sentence in sentences(caution):
                if re.search(DISCOMFORT[language], sentence, flags=re.IGNORECASE):
                    assert says_stop_if_it_hurts(sentence, language), (exercise.id, sentence)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_caution_waits_for_sharp_pain(content: Content, language: str) -> None:
    for exercise in exercises(content):
        for caution in exercise.cautions[language]:
            assert SHARP[language] not in caution.lower(), (exercise.id, caution)


@pytest.mark.parametrize("language", LANGUAGES)
def test_leg_pain_numbness_or_tingling_means_stop_and_consult(
    content: Content, language: str
) -> None:
    for exercise in exercises(content):
        matching = [
            caution
            for caution in exercise.cautions[language]
            if all(sign in caution for sign in LEG_SIGNS[language])
        ]
        assert matching, (exercise.id, language)
        assert says_stop_if_it_hurts(matching[0], language), (exercise.id, matching[0])


def test_english_and_russian_have_the_same_number_of_cautions(content: Content) -> None:
    for exercise in exercises(content):
        assert len(exercise.cautions["en"]) == len(exercise.cautions["ru"]), exercise.id


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cautions_are_few_and_short(content: Content, language: str) -> None:
    for exercise in exercises(content):
        cautions = exercise.cautions[language]
        assert 2 <= len(cautions) <= MAX_CAUTIONS, (exercise.id, language)
        for caution in cautions:
            assert len(caution) <= MAX_CAUTION_CHARS, (exercise.id, caution)
        assert sum(len(caution) for caution in cautions) < MAX_CAUTIONS_TOTAL, exercise.id


def visible_length(caption: str) -> int:
    """What Telegram counts against the caption limit: text without HTML tags, in UTF-16 units."""
    text = html.unescape(re.sub(r"<[^>]+>", "", caption))
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intro_caption_with_its_cautions_fits(content: Content, language: str) -> None:
    """Every routine's intros, and every exercise on its own, at the top level (longest dose)."""
    singles = [SINGLE + name for name in content.exercises]
    routine_ids = list(content.routines) + singles
    levels = content.progression.levels
    for routine_id in routine_ids:
        doses = routine_doses(content, routine_id)
        pace = routine_pace(content, routine_id)
        timeline = build_timeline(doses, levels - 1, levels, pace, 1.0)
        live = Live(
            session_id=1,
            chat_id=1,
            user_id=1,
            language=language,
            routine_id=routine_id,
            level=levels - 1,
            timeline=timeline,
        )
        for item in range(len(doses)):
            caption = intro_caption(content, live, doses, item)
            cautions = content.exercises[exercise_id(content, live, item)].cautions[language]
            assert cautions[0] in caption, (routine_id, item)
            length = visible_length(caption)
            assert length <= CAPTION_LIMIT, (routine_id, item, language, length)


def test_the_gentle_plan_starts_with_breathing_and_uses_known_exercises(
    content: Content,
) -> None:
    gentle = content.routines.get("gentle")
    assert gentle is not None, "content/routines/gentle.yaml is missing"
    assert gentle.gentle
    assert [routine.id for routine in content.routines.values() if routine.gentle] == ["gentle"]
    assert gentle.items[0].exercise == "breathing"
    for item in gentle.items:
        assert item.exercise in content.exercises, item.exercise
        # The gentle plan never grows: every overridden count is fixed.
        for amount in (item.amount_override(), item.rounds):
            if amount is not None:
                assert amount.start == amount.max, item.exercise


def test_the_gentle_plan_uses_only_lying_or_seated_exercises(
    content: Content,
) -> None:
    """Only lying or seated exercises, where the load on the back is smallest."""
    for item in content.routines["gentle"].items:
        exercise = content.exercises[item.exercise]
        assert exercise.position in ("lying", "sitting") or item.variant == "easier", item
